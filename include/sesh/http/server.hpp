// The HTTP server: Boost.Beast over Asio coroutines, keep-alive, limits at the edge, and a
// graceful stop that lets requests in flight finish.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <sesh/http/metrics.hpp>
#include <sesh/http/router.hpp>
#include <sesh/result.hpp>
#include <sesh/session_manager.hpp>

namespace sesh::http {

/// Server settings; every limit has a safe default.
struct server_options {
    /// Address to listen on (IPv4 or IPv6 literal). Default loopback.
    std::string address = "127.0.0.1";
    /// Port; 0 picks a free one (see server::port). Default 3000.
    std::uint16_t port = 3000;
    /// I/O threads; 0 means one per core. Default 0.
    unsigned threads = 0;
    /// Threads for offload()ed work (password hashing). Default 2.
    unsigned blocking_threads = 2;
    /// Largest request header block; past it 431. Default 16 KiB.
    std::size_t max_header_bytes = 16 * 1024;
    /// Largest request body; past it 413. Default 64 KiB.
    std::size_t max_body_bytes = 64 * 1024;
    /// Time allowed to receive one whole request once its first byte arrived (slowloris), and
    /// for a new connection to send its first request: a connection that says nothing is closed
    /// after it, not after idle_timeout. Default 10 s.
    std::chrono::milliseconds read_timeout{10'000};
    /// Time a keep-alive connection may sit idle between requests. Default 60 s.
    std::chrono::milliseconds idle_timeout{60'000};
    /// Time allowed to write one response. Default 10 s.
    std::chrono::milliseconds write_timeout{10'000};
    /// Connections held at most; more are accepted and closed at once with 503. Default 10000.
    std::size_t max_connections = 10'000;
    /// Connections held at once from one client address; more are answered 503 and closed at
    /// once, so one host cannot take every slot. Default 256.
    std::size_t max_connections_per_address = 256;
    /// The site's own origin, `scheme://host[:port]` as browsers send it in `Origin` (e.g.
    /// `https://auth.example.com`). When set, a POST, PUT, PATCH or DELETE whose Origin is any
    /// other (`null` included), or that has no Origin but `Sec-Fetch-Site: cross-site` or
    /// `same-site`, is answered 403 JSON before routing. Default empty: no check.
    std::string trusted_origin;
    /// `Content-Security-Policy` of every response whose handler set none; empty sends none.
    /// Default: scripts, styles, images, fetches and form targets from this origin only, no
    /// plugins, no <base>, no framing (which also stops click-jacking).
    std::string content_security_policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /// `Strict-Transport-Security` of every response; empty (the default) sends none. Set it only
    /// when browsers reach the site over https (behind a TLS proxy this server sees plain HTTP).
    std::string strict_transport_security;
    /// On stop, how long requests in flight get to finish before connections are cut. Default 10 s.
    std::chrono::milliseconds shutdown_grace{10'000};
    /// Stop gracefully on SIGTERM and SIGINT. Default on.
    bool handle_signals = true;
    /// True for the peers (load balancers, gateways) whose `X-Forwarded-For` names the client:
    /// from such a peer, a request's context::client_address() is the right-most address of that
    /// header that is not itself a trusted peer (the one a trusted hop saw), so a client cannot
    /// choose its own by sending the header. Empty (the default): the header is ignored and the
    /// client is the peer. Called on I/O threads: it must be thread-safe.
    std::function<bool(std::string_view address)> trusted_proxy;
};

/// Serves `routes` with sessions from `sessions`. After a handler returns, the server saves the
/// loaded session (session_manager::save) and adds its Set-Cookie headers; a store outage at
/// load or save answers 503 JSON. A handler that throws gets a 500 JSON without details (logged).
/// Malformed HTTP gets 400, oversized headers 431, oversized bodies 413, all as JSON errors, then
/// the connection closes. Logs go to sesh::logger() (never a cookie or Authorization value).
class server {
public:
    /// `sessions` and `m` must outlive the server.
    server(server_options options, router routes, const session_manager& sessions, metrics& m);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Binds and listens. Errors: the system's (address in use, permission denied).
    [[nodiscard]] result<void> listen();
    /// The bound port (after listen).
    [[nodiscard]] std::uint16_t port() const noexcept;
    /// Serves until stop() (or a signal, when handle_signals) and every connection has finished;
    /// blocks the calling thread, which becomes one of the I/O threads.
    void run();
    /// Starts a graceful stop and returns at once: no new connections; each connection finishes
    /// the request it is on (answered with `Connection: close`); idle ones close now; after
    /// shutdown_grace the rest are cut. Thread-safe.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sesh::http
