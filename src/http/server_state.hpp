// What the listener and every connection of one server share.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include <sesh/http/metrics.hpp>
#include <sesh/http/router.hpp>
#include <sesh/http/server.hpp>
#include <sesh/session_manager.hpp>

#include "http/asio.hpp"

namespace sesh::http::detail {

/// A live connection as the graceful stop sees it. Lives on its connection's coroutine frame;
/// every field is touched only on that connection's strand.
struct connection_entry {
    asio::any_io_executor strand;
    beast::tcp_stream* stream = nullptr;
    bool idle = true;  ///< waiting for the next request, not in the middle of one
};

struct server_state {
    server_state(server_options o, router r, const session_manager& s, metrics& m)
        : options(std::move(o)), routes(std::move(r)), sessions(s), stats(m),
          blocking(options.blocking_threads == 0 ? 1 : options.blocking_threads) {}

    server_options options;
    router routes;
    const session_manager& sessions;
    metrics& stats;
    asio::io_context ioc;
    asio::thread_pool blocking;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> open_connections{0};

    std::mutex live_mutex;
    std::unordered_set<connection_entry*> live;
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

/// The headers every response carries.
void add_security_headers(response& res);

/// What to answer a request that failed to parse, or nothing when the client is gone or timed out.
struct parse_failure {
    status code;
    std::string_view message;
};
[[nodiscard]] std::optional<parse_failure> classify_parse_error(const boost::system::error_code& ec);

/// Serves one accepted connection until it closes: requests in sequence (keep-alive), limits,
/// timeouts, the session save after each handler.
asio::awaitable<void> serve_connection(server_state& st, tcp::socket socket);

/// Answers a connection over max_connections with 503 and closes it.
asio::awaitable<void> refuse_connection(tcp::socket socket);

}  // namespace sesh::http::detail
