// An outgoing HTTP(S) request (identity providers: discovery, JWKS, token, userinfo), in Asio's
// universal model like the async stores (<sesh/async_store.hpp>): the completion signature is
// `void(result<fetch_response>)`, so a failure is a value, never an exception.
//
//     auto res = co_await sesh::async_fetch(ex, {.url = issuer + "/.well-known/openid-configuration"},
//                                           {}, boost::asio::use_awaitable);
//     if (!res) ...;                     // errc::upstream_failure, too_large, invalid_argument
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>

#include <sesh/result.hpp>

namespace sesh {

/// One request. `url` is absolute: https://, or http:// to a loopback host when
/// fetch_options::allow_loopback_http is set (a development provider on this machine).
struct fetch_request {
    std::string method = "GET";
    std::string url;
    /// Extra header fields (name, value); Host, User-Agent, Content-Length are set by the client.
    std::vector<std::pair<std::string, std::string>> headers;
    /// Sent with Content-Length when not empty.
    std::string body;
};

/// The answer: any status is a response (the caller decides what 400 means); only transport
/// failures are errors.
struct fetch_response {
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

/// Limits of one request.
struct fetch_options {
    /// The whole exchange (resolve, connect, TLS handshake, write, read) must end within this,
    /// else errc::upstream_failure. Default 10 s.
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
    /// Larger response bodies fail with errc::too_large. Default 1 MiB.
    std::size_t max_body_bytes = 1024 * 1024;
    /// Allows http:// to 127.0.0.0/8, ::1 and `localhost` (never to any other host). Default off.
    bool allow_loopback_http = false;
    /// PEM file of trusted CAs instead of the system's store (tests with their own CA). Empty:
    /// the system's default verify paths.
    std::string ca_file;
};

namespace detail {
/// Runs one request on `ex` and calls `done` once, on `ex`. Certificates are verified against
/// the CA store and the URL's host name (RFC 6125), SNI is sent; redirects are not followed.
void start_fetch(boost::asio::any_io_executor ex, fetch_request req, fetch_options opts,
                 std::function<void(result<fetch_response>)> done);
}  // namespace detail

/// Sends `req` and reads the whole response. Signature void(result<fetch_response>). Errors:
/// invalid_argument (a URL that is not absolute https, or http to a host that is not loopback
/// or without allow_loopback_http), upstream_failure (name resolution, connection, TLS,
/// certificate, timeout, a response that is not HTTP), too_large (past max_body_bytes). The
/// handler runs through its associated executor (default: `ex`). Thread-safe.
template <class CompletionToken>
auto async_fetch(boost::asio::any_io_executor ex, fetch_request req, fetch_options opts, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(result<fetch_response>)>(
        [](auto handler, boost::asio::any_io_executor e, fetch_request r, fetch_options o) {
            auto target = boost::asio::get_associated_executor(handler, e);
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            detail::start_fetch(e, std::move(r), std::move(o), [h, target](result<fetch_response> res) {
                boost::asio::dispatch(target, [h, res = std::move(res)]() mutable { std::move(*h)(std::move(res)); });
            });
        },
        token, std::move(ex), std::move(req), std::move(opts));
}

}  // namespace sesh
