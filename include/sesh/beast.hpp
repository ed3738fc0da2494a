// The Boost.Beast adapter: a request's session loaded from its Cookie header before the handler,
// and saved into the response's Set-Cookie headers after it, for a Beast server of your own.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <sesh/result.hpp>
#include <sesh/session.hpp>
#include <sesh/session_manager.hpp>

namespace sesh::beast {

/// The session of `req` (session_manager::load on its Cookie header), with `address` and the
/// request's User-Agent kept for "my devices". Errors: only errc::store_unavailable (answer 503).
/// `req` must outlive the call. Thread-safe, as load.
template <class Body, class Fields>
[[nodiscard]] result<session> load(const session_manager& manager,
                                   const boost::beast::http::request<Body, Fields>& req,
                                   std::string_view address = {}) {
    return manager.load(std::string_view(req[boost::beast::http::field::cookie]),
                        client_info{address, std::string_view(req[boost::beast::http::field::user_agent])});
}

/// load, awaited on an event loop (session_manager::async_load): `req` must outlive the await.
template <class Body, class Fields>
[[nodiscard]] boost::asio::awaitable<result<session>> async_load(const session_manager& manager,
                                                                 const boost::beast::http::request<Body, Fields>& req,
                                                                 std::string_view address = {}) {
    co_return co_await manager.async_load(std::string_view(req[boost::beast::http::field::cookie]),
                                          client_info{address, std::string_view(req[boost::beast::http::field::user_agent])});
}

/// Adds each of `cookies` to `res` as its own Set-Cookie header. Always `insert`, never `set`:
/// a response may carry several (chunks, a cleared old cookie, the handler's own), and `set`
/// would keep only the last.
template <class Body, class Fields>
void add_set_cookies(boost::beast::http::response<Body, Fields>& res, const std::vector<std::string>& cookies) {
    for (const auto& c : cookies) res.insert(boost::beast::http::field::set_cookie, c);
}

/// Saves `s` (session_manager::save) and adds the Set-Cookie headers that takes to `res`.
/// Errors as save (too_large, invalid_argument, store_unavailable, store_full, not_found); on
/// error `res` and `s` are unchanged. Thread-safe, as save.
template <class Body, class Fields>
[[nodiscard]] result<void> save(const session_manager& manager, session& s,
                                boost::beast::http::response<Body, Fields>& res) {
    auto cookies = manager.save(s);
    if (!cookies) return fail(cookies.error());
    add_set_cookies(res, *cookies);
    return {};
}

/// save, awaited (session_manager::async_save): `s` and `res` must outlive the await.
template <class Body, class Fields>
[[nodiscard]] boost::asio::awaitable<result<void>> async_save(const session_manager& manager, session& s,
                                                              boost::beast::http::response<Body, Fields>& res) {
    auto cookies = co_await manager.async_save(s);
    if (!cookies) co_return fail(cookies.error());
    add_set_cookies(res, *cookies);
    co_return result<void>{};
}

/// Ends `s` (session_manager::destroy: logout) and adds the Set-Cookie headers that clear the
/// cookie and its chunks to `res`. Errors: store_unavailable (then `s` and `res` are unchanged).
template <class Body, class Fields>
[[nodiscard]] result<void> destroy(const session_manager& manager, session& s,
                                   boost::beast::http::response<Body, Fields>& res) {
    auto cookies = manager.destroy(s);
    if (!cookies) return fail(cookies.error());
    add_set_cookies(res, *cookies);
    return {};
}

/// destroy, awaited (session_manager::async_destroy): `s` and `res` must outlive the await.
template <class Body, class Fields>
[[nodiscard]] boost::asio::awaitable<result<void>> async_destroy(const session_manager& manager, session& s,
                                                                 boost::beast::http::response<Body, Fields>& res) {
    auto cookies = co_await manager.async_destroy(s);
    if (!cookies) co_return fail(cookies.error());
    add_set_cookies(res, *cookies);
    co_return result<void>{};
}

/// One request to one response with its session: loads the session of `req`, calls
/// `handler(req, session&)` (which returns a `response<string_body>` and may change the session,
/// regenerate it or end it with destroy() above), then saves it into the response. When the store
/// cannot be reached (load or save) the answer is 503 with a plain-text body instead; any other
/// save error (e.g. data too large) is 500. The handler's own Set-Cookie headers are kept.
/// Blocking: for a coroutine, use async_load/async_save. Thread-safe when `handler` is.
template <class Body, class Fields, class Handler>
[[nodiscard]] boost::beast::http::response<boost::beast::http::string_body> with_session(
    const session_manager& manager, const boost::beast::http::request<Body, Fields>& req, std::string_view address,
    Handler&& handler) {
    namespace http = boost::beast::http;
    auto failed = [&req](http::status st, const char* text) {
        http::response<http::string_body> res{st, req.version()};
        res.set(http::field::content_type, "text/plain");
        res.body() = text;
        return res;
    };
    auto s = load(manager, req, address);
    if (!s) return failed(http::status::service_unavailable, "session store unavailable\n");
    http::response<http::string_body> res = std::forward<Handler>(handler)(req, *s);
    if (auto saved = save(manager, *s, res); !saved) {
        return saved.error() == errc::store_unavailable
                   ? failed(http::status::service_unavailable, "session store unavailable\n")
                   : failed(http::status::internal_server_error, "session not saved\n");
    }
    return res;
}

}  // namespace sesh::beast
