// One connection: read a request within the limits, route it, save its session, write the
// response; repeat while keep-alive lasts. A failed step ends the coroutine (STYLE.md).
#include <chrono>


#include "http/server_state.hpp"

namespace sesh::http::detail {
namespace {

// Writes an error answer on a connection that is about to close; best effort.
asio::awaitable<void> write_and_close(loop_stream& stream, const server_options& o, status s,
                                      std::string_view message, std::chrono::milliseconds timeout) {
    response res = json_error(s, message);
    add_security_headers(res, o);
    res.keep_alive(false);
    res.prepare_payload();
    stream.expires_after(timeout);
    co_await beast::http::async_write(stream, res, use_tuple);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Answers a request that failed before reaching a handler, then closes; nothing when the client
// is gone or timed out (classify_parse_error gave no failure).
asio::awaitable<void> refuse_request(loop_stream& stream, const server_options& o,
                                     std::optional<parse_failure> failure) {
    if (failure) co_await write_and_close(stream, o, failure->code, failure->message, o.write_timeout);
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

asio::awaitable<void> refuse_connection(const server_options& o, loop_socket socket, std::string_view message) {
    loop_stream stream(std::move(socket));
    co_await write_and_close(stream, o, status::service_unavailable, message, std::chrono::seconds(2));
}

asio::awaitable<void> serve_connection(server_state& st, loop_socket socket, std::string address,
                                       bool address_admitted) {
    const auto& o = st.options;
    boost::system::error_code ec;
    loop_stream stream(std::move(socket));
    connection_entry entry{stream.get_executor(), &stream};
    registration reg(st, entry);
    st.stats.connection_opened();
    struct closer {
        server_state& st;
        const std::string& address;
        bool admitted;
        ~closer() {
            st.stats.connection_closed();
            if (admitted) st.release_address(address);
            st.open_connections.fetch_sub(1, std::memory_order_relaxed);
        }
    } close_guard{st, address, address_admitted};

    beast::flat_buffer buffer;
    for (bool first = true;; first = false) {
        entry.idle = true;
        if (st.stopping.load(std::memory_order_relaxed)) co_return;
        // Between requests a connection may idle for idle_timeout; once a request has begun it
        // must arrive whole within read_timeout, so a client trickling bytes cannot hold it. A new
        // connection has earned no idle time: until its first request it gets read_timeout, or
        // sockets that never speak would hold max_connections slots for idle_timeout each.
        if (buffer.size() == 0) {
            stream.expires_after(first ? o.read_timeout : o.idle_timeout);
            auto [read_ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
            if (read_ec) co_return;
            buffer.commit(n);
        }
        entry.idle = false;
        const auto started = std::chrono::steady_clock::now();

        beast::http::request_parser<beast::http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
        parser.body_limit(o.max_body_bytes);
        // One deadline for the header and the body together.
        stream.expires_after(o.read_timeout);
        auto [head_ec, head_n] = co_await beast::http::async_read_header(stream, buffer, parser, use_tuple);
        (void)head_n;
        if (head_ec) {
            co_await refuse_request(stream, o, classify_parse_error(head_ec));
            co_return;
        }
        // Before the body: its length must not depend on which parser reads it (RFC 9112 §6.1).
        if (auto failure = check_framing(parser.get())) {
            co_await refuse_request(stream, o, failure);
            co_return;
        }
        auto [parse_ec, parsed] = co_await beast::http::async_read(stream, buffer, parser, use_tuple);
        (void)parsed;
        if (parse_ec) {
            co_await refuse_request(stream, o, classify_parse_error(parse_ec));
            co_return;
        }

        request req = parser.release();
        answer out = co_await respond(st, req, address);
        response& res = out.res;
        const bool keep_alive = res.keep_alive();

        stream.expires_after(o.write_timeout);
        auto [write_ec, written] = co_await beast::http::async_write(stream, res, use_tuple);
        (void)written;
        st.stats.observe_request(out.route, res.result_int(), std::chrono::steady_clock::now() - started);
        if (write_ec) co_return;
        if (!keep_alive) {
            stream.socket().shutdown(tcp::socket::shutdown_send, ec);
            co_return;
        }
    }
}

}  // namespace sesh::http::detail
