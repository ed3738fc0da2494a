// One request as a handler sees it: the message, the client, the cookies, and the session
// (loaded on first use through the session_manager, saved by the server after the handler).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sesh/cookie.hpp>
#include <sesh/http/message.hpp>
#include <sesh/http/metrics.hpp>
#include <sesh/result.hpp>
#include <sesh/session.hpp>
#include <sesh/session_manager.hpp>

namespace sesh::http {

/// The state of one request. Made by the server (or a test) for each request; not thread-safe.
class context {
public:
    /// `req`, `sessions` and `m` must outlive the context. `blocking` runs offload()ed work.
    /// `peer_address` is the socket's peer when it differs from `client_address` (a trusted
    /// proxy's); empty means the same.
    context(const request& req, const session_manager& sessions, http::metrics& m, std::string client_address,
            boost::asio::any_io_executor blocking, std::string peer_address = {});

    [[nodiscard]] const request& req() const noexcept { return req_; }
    [[nodiscard]] verb method() const noexcept { return req_.method(); }
    /// The request target up to '?', as sent (not percent-decoded).
    [[nodiscard]] std::string_view path() const noexcept { return path_; }
    /// The target after '?', empty if none.
    [[nodiscard]] std::string_view query() const noexcept { return query_; }
    /// The client's IP address as text: the peer's, or behind a trusted proxy the one its
    /// X-Forwarded-For names (server_options::trusted_proxy).
    [[nodiscard]] std::string_view client_address() const noexcept { return client_address_; }
    /// The socket peer's IP address as text (the proxy's, when there is one).
    [[nodiscard]] std::string_view peer_address() const noexcept {
        return peer_address_.empty() ? client_address_ : peer_address_;
    }
    /// A request header's value, empty when absent.
    [[nodiscard]] std::string_view header(field f) const noexcept;

    /// The request's cookies, parsed once; a malformed or oversized Cookie header reads as none.
    [[nodiscard]] const std::vector<cookie>& cookies();

    /// The session, loaded from the Cookie header on first call and cached (anonymous and empty
    /// when there is none or it is invalid). The load awaits the store's asynchronous face
    /// (session_manager::async_load): the I/O thread serves other connections meanwhile.
    /// Only error: errc::store_unavailable (answer 503).
    [[nodiscard]] awaitable<result<sesh::session*>> session();
    /// Ends the session now (logout): session_manager::async_destroy, and its clearing cookies
    /// are queued for the response. Loads the session first if needed. Errors: store_unavailable.
    [[nodiscard]] awaitable<result<void>> destroy_session();
    /// The session if session() loaded it, else null. The server saves it after the handler.
    [[nodiscard]] sesh::session* loaded_session() noexcept { return session_ ? &*session_ : nullptr; }
    [[nodiscard]] const session_manager& sessions() const noexcept { return sessions_; }

    /// Queues a cookie for the response (CSRF, callback-URL and other non-session cookies), kept
    /// as a struct until the response is written: a later handler step can read it back
    /// (queued_cookie) without parsing a header. One that serialize() refuses is left out of the
    /// response and logged. The session's own cookies are added by the server.
    void add_set_cookie(set_cookie c) { set_cookies_.push_back(std::move(c)); }
    /// The cookies queued by add_set_cookie, in order.
    [[nodiscard]] const std::vector<set_cookie>& set_cookies() const noexcept { return set_cookies_; }
    /// The last cookie queued under `name`, or null.
    [[nodiscard]] const set_cookie* queued_cookie(std::string_view name) const noexcept;
    /// The Set-Cookie values destroy_session got from the session manager (already serialized).
    [[nodiscard]] const std::vector<std::string>& session_set_cookies() const noexcept { return session_set_cookies_; }

    [[nodiscard]] http::metrics& metrics() const noexcept { return metrics_; }
    /// Where offload() runs blocking work (password hashing): never the I/O threads.
    [[nodiscard]] const boost::asio::any_io_executor& blocking_executor() const noexcept { return blocking_; }

    /// The route pattern that matched, for metrics and logs ("other" before routing or when none
    /// matched). Set by the router.
    [[nodiscard]] std::string_view route() const noexcept { return route_; }
    void set_route(std::string_view r) noexcept { route_ = r; }

private:
    const request& req_;
    const session_manager& sessions_;
    http::metrics& metrics_;
    std::string client_address_;
    std::string peer_address_;
    boost::asio::any_io_executor blocking_;
    std::string_view path_;
    std::string_view query_;
    std::string_view route_ = "other";
    std::optional<std::vector<cookie>> cookies_;
    std::string cookie_header_;  ///< several Cookie headers joined, for the parsed views to point into
    std::optional<sesh::session> session_;
    std::vector<set_cookie> set_cookies_;
    std::vector<std::string> session_set_cookies_;
};

/// Runs `f` on the context's blocking executor and resumes the calling coroutine on its own
/// executor (the connection's strand) with the result: keeps slow CPU work (argon2id) off the I/O
/// threads. `f` must not throw.
template <class F>
awaitable<std::invoke_result_t<F&>> offload(context& ctx, F f) {
    using R = std::invoke_result_t<F&>;
    auto home = co_await boost::asio::this_coro::executor;
    std::optional<R> out;
    // The resumption is posted to `home` explicitly: a coroutine resumed on the pool thread would
    // go on to touch its socket and timers there, racing the strand.
    co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void()>(
        [&](auto handler) {
            boost::asio::post(ctx.blocking_executor(), [&, handler = std::move(handler)]() mutable {
                out.emplace(f());
                boost::asio::post(home, std::move(handler));
            });
        },
        boost::asio::use_awaitable);
    co_return std::move(*out);
}

}  // namespace sesh::http
