// One request to one response, with no socket: routing, the session save, the headers every
// answer carries. The connection (connection.cpp) and the in-memory fuzz target both use it, so
// the fuzzer exercises exactly what a client reaches.
#include <exception>
#include <utility>

#include <sesh/log.hpp>

#include <sesh/error.hpp>

#include "http/forwarded_for.hpp"
#include "http/server_state.hpp"

namespace sesh::http::detail {
namespace {

// Saves the handler's session and adds every Set-Cookie; a store failure replaces the answer.
asio::awaitable<void> finish_session(server_state& st, context& ctx, response& res) {
    for (const auto& c : ctx.set_cookies()) {
        if (auto header = serialize(c)) {
            res.insert(field::set_cookie, *header);
        } else {
            sesh::logger()->warn("cookie {} on {} left out: {}", c.name, ctx.route(), header.error().message());
        }
    }
    for (const auto& c : ctx.session_set_cookies()) res.insert(field::set_cookie, c);
    sesh::session* s = ctx.loaded_session();
    if (s == nullptr) co_return;
    const bool was_new = s->is_new();
    auto cookies = co_await st.sessions.async_save(*s);
    if (!cookies) {
        const auto e = cookies.error();
        if (e == errc::not_found) co_return;  // destroyed meanwhile (logout elsewhere): not brought back
        if (e == errc::too_large) {
            res = json_error(status::payload_too_large, "Session data too large");
            co_return;
        }
        if (e == errc::store_full) {
            // The store's bound (store_options::max_sessions) is reached: new sessions wait for
            // expired ones to go; the sessions already stored keep working. Not an outage.
            sesh::logger()->warn("session store full on {}: no new session stored", ctx.route());
            res = json_error(status::insufficient_storage, "Session store full, try again later");
            res.set(field::retry_after, "60");
            co_return;
        }
        st.stats.store_error();
        sesh::logger()->warn("session save failed on {}: {}", ctx.route(), e.message());
        res = json_error(status::service_unavailable, "Session store unavailable");
        co_return;
    }
    for (const auto& c : *cookies) res.insert(field::set_cookie, c);
    if (was_new && !s->is_new()) st.stats.session_created();
}

}  // namespace

void add_security_headers(response& res, const server_options& o) {
    // No MIME sniffing, no framing, no cross-origin Referer.
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "same-origin");
    // CSP Level 3: an injected inline script or style does not run; a handler may set its own.
    if (!o.content_security_policy.empty() && res.find("Content-Security-Policy") == res.end())
        res.set("Content-Security-Policy", o.content_security_policy);
    // RFC 6797 §7.2: meaningful only over https, which is the operator's to say.
    if (!o.strict_transport_security.empty()) res.set(field::strict_transport_security, o.strict_transport_security);
}

std::optional<parse_failure> classify_parse_error(const boost::system::error_code& ec) {
    using he = beast::http::error;
    // A timeout has already closed the socket (Beast's tcp_stream), and a client that went away
    // is owed nothing.
    if (ec == beast::error::timeout || ec == he::end_of_stream || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == asio::error::operation_aborted)
        return std::nullopt;
    if (ec == he::header_limit) return parse_failure{status::request_header_fields_too_large, "Request header too large"};
    if (ec == he::body_limit) return parse_failure{status::payload_too_large, "Request body too large"};
    return parse_failure{status::bad_request, "Malformed request"};
}

asio::awaitable<answer> respond(server_state& st, request& req, std::string address) {
    // Behind a trusted proxy the client is the one its X-Forwarded-For names; the proxy stays the
    // peer (forward auth believes its other headers by the peer).
    std::string peer;
    if (st.options.trusted_proxy && st.options.trusted_proxy(address)) {
        std::string client = client_behind_proxies(req, address, st.options.trusted_proxy);
        if (client != address) {
            peer = std::move(address);
            address = std::move(client);
        }
    }
    context ctx(req, st.sessions, st.stats, std::move(address), st.blocking.get_executor(), std::move(peer));
    answer out;
    bool threw = false;
    try {
        if (auto refused = refuse_cross_origin(req, st.options.trusted_origin)) out.res = std::move(*refused);
        else out.res = co_await st.routes.dispatch(ctx);
    } catch (const std::exception& e) {
        sesh::logger()->error("handler for {} failed: {}", ctx.route(), e.what());
        threw = true;
    }
    // A handler that threw may have left its session half-changed: nothing it did to the session
    // is saved and none of its cookies are sent, as when a database transaction is rolled back.
    if (threw) out.res = json_error(status::internal_server_error, "Internal server error");
    else co_await finish_session(st, ctx, out.res);
    add_security_headers(out.res, st.options);
    out.res.version(req.version());
    // Read after the handler: a stop that began meanwhile closes this connection after the answer.
    out.res.keep_alive(req.keep_alive() && !st.stopping.load(std::memory_order_relaxed));
    out.res.prepare_payload();
    if (req.method() == verb::head) out.res.body().clear();  // Content-Length stays the GET's
    out.route = ctx.route();
    co_return out;
}

}  // namespace sesh::http::detail
