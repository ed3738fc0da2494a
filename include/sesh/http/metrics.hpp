// Counters and a latency histogram, exposed at /metrics in the Prometheus text format.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace sesh::http {

/// Process-wide server metrics. Thread-safe; recording is lock-free on the request path (atomics
/// in slots fixed when routes are registered).
///
/// Exposed: `sesh_http_requests_total{route,status}`, `sesh_http_request_duration_seconds`
/// (histogram, by route), `sesh_http_connections_open`, `sesh_sessions_created_total`,
/// `sesh_sessions_destroyed_total`, `sesh_login_failures_total`, `sesh_store_errors_total`.
class metrics {
public:
    metrics();
    ~metrics();
    metrics(const metrics&) = delete;
    metrics& operator=(const metrics&) = delete;

    /// One request answered: `route` is the route pattern (bounded set, never the raw path, so
    /// the label cannot grow without bound), `status_code` the HTTP status code.
    void observe_request(std::string_view route, unsigned status_code, std::chrono::nanoseconds latency);
    void connection_opened();
    void connection_closed();
    void session_created();
    void session_destroyed();
    void login_failure();
    void store_error();

    /// The exposition text (`text/plain; version=0.0.4`).
    [[nodiscard]] std::string render() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sesh::http
