// What the listener and every connection of one server share.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <sesh/http/metrics.hpp>
#include <sesh/http/router.hpp>
#include <sesh/http/server.hpp>
#include <sesh/session_manager.hpp>

#include "http/asio.hpp"

namespace sesh::http::detail {

/// A live connection as the graceful stop sees it. Lives on its connection's coroutine frame;
/// every field is touched only on that connection's loop.
struct connection_entry {
    loop_executor loop;
    loop_stream* stream;
    bool idle = true;  ///< waiting for the next request, not in the middle of one
};

struct server_state {
    server_state(server_options o, router r, const session_manager& s, metrics& m);

    server_options options;
    router routes;
    const session_manager& sessions;
    metrics& stats;
    asio::thread_pool blocking;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> open_connections{0};

    std::mutex live_mutex;
    std::unordered_set<connection_entry*> live;

    /// Takes a slot for a connection from `address`; false (and nothing taken) when the address
    /// already holds max_connections_per_address. Thread-safe.
    [[nodiscard]] bool admit_address(const std::string& address);
    /// Gives back a slot admit_address took. Thread-safe.
    void release_address(const std::string& address);

private:
    std::mutex per_address_mutex_;
    std::unordered_map<std::string, std::size_t> per_address_;

public:
    /// One I/O loop per thread (options.threads, or one per core), each run by its own thread
    /// (concurrency hint 1). The first also runs the acceptor, the signals and the stop. Declared
    /// last, so destroyed first: a connection cut at the end of the grace is destroyed with its
    /// loop, and its frame still finds every member above alive.
    std::vector<std::unique_ptr<asio::io_context>> loops;
};

/// A handler's answer, ready to write, and the route pattern that produced it (for metrics).
struct answer {
    response res;
    std::string_view route = "other";
};

/// Answers one parsed request without touching a socket: routes it (a throwing handler becomes a
/// 500 without details), saves the session and adds its cookies (a store outage becomes 503),
/// adds the security headers, sets version, keep-alive (off once the server is stopping) and Content-Length (HEAD: no body).
asio::awaitable<answer> respond(server_state& st, request& req, std::string address);

/// The headers every response carries: no sniffing, no framing, the Referrer-Policy, and the
/// options' Content-Security-Policy (unless the handler set one) and Strict-Transport-Security.
void add_security_headers(response& res, const server_options& o);

/// 403 JSON for a state-changing request (POST, PUT, PATCH, DELETE) from another origin than
/// `trusted_origin` (origin_check.cpp; see server_options::trusted_origin); nothing otherwise or
/// when `trusted_origin` is empty.
[[nodiscard]] std::optional<response> refuse_cross_origin(const request& req, std::string_view trusted_origin);

/// What to answer a request that failed to parse, or nothing when the client is gone or timed out.
struct parse_failure {
    status code;
    std::string_view message;
};
[[nodiscard]] std::optional<parse_failure> classify_parse_error(const boost::system::error_code& ec);

/// What to answer a request whose header frames it ambiguously, checked before its body is read
/// (framing.cpp): 400 for an HTTP/1.1 request without Host, with more than one Host or an invalid
/// one (RFC 9112 §3.2); 400 for a Transfer-Encoding whose last coding is not chunked, that applies
/// chunked twice or comes in HTTP/1.0, and 501 for other codings before chunked (RFC 9112 §6.1).
/// Nothing when the request is well framed. The connection closes after such an answer.
[[nodiscard]] std::optional<parse_failure> check_framing(const beast::http::request_header<>& h);

/// Serves one accepted connection from `address` until it closes: requests in sequence
/// (keep-alive), limits, timeouts, the session save after each handler. Gives back the
/// connection's slots (open_connections, and the address's when `address_admitted`) at the end.
asio::awaitable<void> serve_connection(server_state& st, loop_socket socket, std::string address,
                                       bool address_admitted);

/// Answers a connection over max_connections (or over max_connections_per_address) with 503 and
/// closes it.
asio::awaitable<void> refuse_connection(const server_options& o, loop_socket socket, std::string_view message);

}  // namespace sesh::http::detail
