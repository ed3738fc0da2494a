// One connection: read a request within the limits, route it, save its session, write the
// response; repeat while keep-alive lasts. A failed step ends the coroutine (STYLE.md).
#include <chrono>
#include <exception>

#include <spdlog/spdlog.h>

#include <sesh/error.hpp>

#include "http/server_state.hpp"

namespace sesh::http::detail {
namespace {

// Headers every response carries: no MIME sniffing, no framing, no cross-origin Referer.
void add_security_headers(response& res) {
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "same-origin");
}

// Writes an error answer on a connection that is about to close; best effort.
asio::awaitable<void> write_and_close(beast::tcp_stream& stream, status s, std::string_view message,
                                      std::chrono::milliseconds timeout) {
    response res = json_error(s, message);
    add_security_headers(res);
    res.keep_alive(false);
    res.prepare_payload();
    stream.expires_after(timeout);
    co_await beast::http::async_write(stream, res, use_tuple);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Saves the handler's session and adds every Set-Cookie; a store failure replaces the answer.
void finish_session(server_state& st, context& ctx, response& res) {
    for (const auto& c : ctx.set_cookies()) res.insert(field::set_cookie, c);
    sesh::session* s = ctx.loaded_session();
    if (s == nullptr) return;
    const bool was_new = s->is_new();
    auto cookies = st.sessions.save(*s);
    if (!cookies) {
        const auto e = cookies.error();
        if (e == errc::not_found) return;  // destroyed meanwhile (logout elsewhere): not brought back
        if (e == errc::too_large) {
            res = json_error(status::payload_too_large, "Session data too large");
            return;
        }
        st.stats.store_error();
        spdlog::warn("session save failed on {}: {}", ctx.route(), e.message());
        res = json_error(status::service_unavailable, "Session store unavailable");
        return;
    }
    for (const auto& c : *cookies) res.insert(field::set_cookie, c);
    if (was_new && !s->is_new()) st.stats.session_created();
}

struct registration {
    server_state& st;
    connection_entry& entry;
    registration(server_state& s, connection_entry& e) : st(s), entry(e) {
        std::lock_guard lock(st.live_mutex);
        st.live.insert(&entry);
    }
    ~registration() {
        std::lock_guard lock(st.live_mutex);
        st.live.erase(&entry);
    }
};

}  // namespace

asio::awaitable<void> refuse_connection(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    co_await write_and_close(stream, status::service_unavailable, "Too many connections", std::chrono::seconds(2));
}

asio::awaitable<void> serve_connection(server_state& st, tcp::socket socket) {
    const auto& o = st.options;
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    const std::string address = ec ? std::string() : peer.address().to_string();

    beast::tcp_stream stream(std::move(socket));
    // Filled field by field: GCC 12 mishandles a co_await inside a braced initializer.
    connection_entry entry;
    entry.strand = stream.get_executor();
    entry.stream = &stream;
    registration reg(st, entry);
    st.stats.connection_opened();
    struct closer {
        server_state& st;
        ~closer() {
            st.stats.connection_closed();
            st.open_connections.fetch_sub(1, std::memory_order_relaxed);
        }
    } close_guard{st};

    beast::flat_buffer buffer;
    for (;;) {
        entry.idle = true;
        if (st.stopping.load(std::memory_order_relaxed)) co_return;
        // Between requests a connection may idle for idle_timeout; once a request has begun it
        // must arrive whole within read_timeout, so a client trickling bytes cannot hold it.
        if (buffer.size() == 0) {
            stream.expires_after(o.idle_timeout);
            auto [read_ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
            if (read_ec) co_return;
            buffer.commit(n);
        }
        entry.idle = false;
        const auto started = std::chrono::steady_clock::now();

        beast::http::request_parser<beast::http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
        parser.body_limit(o.max_body_bytes);
        stream.expires_after(o.read_timeout);
        auto [parse_ec, parsed] = co_await beast::http::async_read(stream, buffer, parser, use_tuple);
        (void)parsed;
        if (parse_ec) {
            using he = beast::http::error;
            // A timeout has already closed the socket (Beast's tcp_stream): nothing to answer.
            if (parse_ec == beast::error::timeout) {
                co_return;
            } else if (parse_ec == he::header_limit) {
                co_await write_and_close(stream, status::request_header_fields_too_large, "Request header too large",
                                         o.write_timeout);
            } else if (parse_ec == he::body_limit) {
                co_await write_and_close(stream, status::payload_too_large, "Request body too large", o.write_timeout);
            } else if (parse_ec != he::end_of_stream && parse_ec != asio::error::connection_reset &&
                       parse_ec != asio::error::eof && parse_ec != asio::error::operation_aborted) {
                co_await write_and_close(stream, status::bad_request, "Malformed request", o.write_timeout);
            }
            co_return;
        }

        request req = parser.release();
        context ctx(req, st.sessions, st.stats, address, st.blocking.get_executor());
        response res;
        bool threw = false;
        try {
            res = co_await st.routes.dispatch(ctx);
        } catch (const std::exception& e) {
            spdlog::error("handler for {} failed: {}", ctx.route(), e.what());
            threw = true;
        }
        if (threw) res = json_error(status::internal_server_error, "Internal server error");
        finish_session(st, ctx, res);
        add_security_headers(res);

        const bool keep_alive = req.keep_alive() && !st.stopping.load(std::memory_order_relaxed);
        res.version(req.version());
        res.keep_alive(keep_alive);
        res.prepare_payload();
        if (req.method() == verb::head) res.body().clear();  // Content-Length stays the GET's

        stream.expires_after(o.write_timeout);
        auto [write_ec, written] = co_await beast::http::async_write(stream, res, use_tuple);
        (void)written;
        st.stats.observe_request(ctx.route(), res.result_int(), std::chrono::steady_clock::now() - started);
        if (write_ec) co_return;
        if (!keep_alive) {
            stream.socket().shutdown(tcp::socket::shutdown_send, ec);
            co_return;
        }
    }
}

}  // namespace sesh::http::detail
