// Prometheus metrics: per-route slots of atomics in an open-addressed table keyed by the route
// label, so recording takes no lock (only the first sighting of a label does).
#include <sesh/http/metrics.hpp>

#include <array>
#include <deque>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>

namespace sesh::http {
namespace {

constexpr std::size_t max_routes = 128;
// Histogram bounds in seconds (Prometheus `le`), from sub-millisecond hits to a slow login.
constexpr std::array<double, 12> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};
constexpr unsigned max_status = 600;

struct route_slot {
    std::atomic<const char*> key{nullptr};
    std::size_t key_size = 0;
    std::array<std::atomic<std::uint64_t>, max_status> by_status{};
    std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets{};  // last: +Inf
    std::atomic<std::uint64_t> sum_ns{0};
};

std::string escape_label(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace

struct metrics::impl {
    std::array<route_slot, max_routes> routes;
    route_slot overflow;  // routes past max_routes share one slot labelled "other"
    std::mutex claim;     // taken only the first time a route is seen
    std::deque<std::string> labels;  // the slots' keys point into these; never moved or freed
    std::atomic<std::int64_t> connections{0};
    std::atomic<std::uint64_t> created{0}, destroyed{0}, login_failures{0}, store_errors{0};

    route_slot& slot(std::string_view route) {
        const std::size_t start = std::hash<std::string_view>{}(route) % max_routes;
        for (std::size_t i = 0; i < max_routes; ++i) {
            route_slot& s = routes[(start + i) % max_routes];
            const char* k = s.key.load(std::memory_order_acquire);
            if (k != nullptr && std::string_view(k, s.key_size) == route) return s;
            if (k == nullptr) {
                std::lock_guard lock(claim);
                k = s.key.load(std::memory_order_acquire);
                if (k == nullptr) {
                    labels.emplace_back(route);
                    s.key_size = route.size();
                    s.key.store(labels.back().data(), std::memory_order_release);
                    return s;
                }
                if (std::string_view(k, s.key_size) == route) return s;
            }
        }
        return overflow;
    }
};

metrics::metrics() : impl_(std::make_unique<impl>()) {}
metrics::~metrics() = default;

void metrics::observe_request(std::string_view route, unsigned status_code, std::chrono::nanoseconds latency) {
    route_slot& s = impl_->slot(route);
    s.by_status[status_code < max_status ? status_code : 0].fetch_add(1, std::memory_order_relaxed);
    const double seconds = std::chrono::duration<double>(latency).count();
    std::size_t b = 0;
    while (b < bounds.size() && seconds > bounds[b]) ++b;
    s.buckets[b].fetch_add(1, std::memory_order_relaxed);
    s.sum_ns.fetch_add(static_cast<std::uint64_t>(latency.count()), std::memory_order_relaxed);
}

void metrics::connection_opened() { impl_->connections.fetch_add(1, std::memory_order_relaxed); }
void metrics::connection_closed() { impl_->connections.fetch_sub(1, std::memory_order_relaxed); }
void metrics::session_created() { impl_->created.fetch_add(1, std::memory_order_relaxed); }
void metrics::session_destroyed() { impl_->destroyed.fetch_add(1, std::memory_order_relaxed); }
void metrics::login_failure() { impl_->login_failures.fetch_add(1, std::memory_order_relaxed); }
void metrics::store_error() { impl_->store_errors.fetch_add(1, std::memory_order_relaxed); }

std::string metrics::render() const {
    std::string out;
    auto counter = [&](const char* name, const char* help, std::uint64_t v) {
        out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" counter\n");
        out.append(name).append(" ").append(std::to_string(v)).append("\n");
    };
    out += "# HELP sesh_http_requests_total HTTP requests answered, by route and status.\n";
    out += "# TYPE sesh_http_requests_total counter\n";
    auto each_slot = [&](auto&& fn) {
        for (const auto& s : impl_->routes) {
            const char* k = s.key.load(std::memory_order_acquire);
            if (k != nullptr) fn(std::string_view(k, s.key_size), s);
        }
        fn(std::string_view("other"), impl_->overflow);
    };
    each_slot([&](std::string_view route, const route_slot& s) {
        for (unsigned st = 0; st < max_status; ++st) {
            const auto n = s.by_status[st].load(std::memory_order_relaxed);
            if (n == 0) continue;
            out.append("sesh_http_requests_total{route=\"").append(escape_label(route)).append("\",status=\"");
            out.append(std::to_string(st)).append("\"} ").append(std::to_string(n)).append("\n");
        }
    });
    out += "# HELP sesh_http_request_duration_seconds Time from a request's arrival to its response, by route.\n";
    out += "# TYPE sesh_http_request_duration_seconds histogram\n";
    each_slot([&](std::string_view route, const route_slot& s) {
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < s.buckets.size(); ++b) cumulative += s.buckets[b].load(std::memory_order_relaxed);
        if (cumulative == 0) return;
        const std::string label = escape_label(route);
        std::uint64_t running = 0;
        for (std::size_t b = 0; b < s.buckets.size(); ++b) {
            running += s.buckets[b].load(std::memory_order_relaxed);
            char le[32];
            if (b < bounds.size()) std::snprintf(le, sizeof le, "%g", bounds[b]);
            else std::snprintf(le, sizeof le, "+Inf");
            out.append("sesh_http_request_duration_seconds_bucket{route=\"").append(label).append("\",le=\"").append(le);
            out.append("\"} ").append(std::to_string(running)).append("\n");
        }
        char sum[48];
        std::snprintf(sum, sizeof sum, "%.9f", static_cast<double>(s.sum_ns.load(std::memory_order_relaxed)) / 1e9);
        out.append("sesh_http_request_duration_seconds_sum{route=\"").append(label).append("\"} ").append(sum).append("\n");
        out.append("sesh_http_request_duration_seconds_count{route=\"").append(label).append("\"} ");
        out.append(std::to_string(running)).append("\n");
    });
    out += "# HELP sesh_http_connections_open Connections open now.\n# TYPE sesh_http_connections_open gauge\n";
    out += "sesh_http_connections_open " + std::to_string(impl_->connections.load()) + "\n";
    counter("sesh_sessions_created_total", "Sessions created (first saved).", impl_->created.load());
    counter("sesh_sessions_destroyed_total", "Sessions ended by logout or revocation.", impl_->destroyed.load());
    counter("sesh_login_failures_total", "Failed or throttled sign-in attempts.", impl_->login_failures.load());
    counter("sesh_store_errors_total", "Session or user store calls that failed (store unavailable).", impl_->store_errors.load());
    return out;
}

}  // namespace sesh::http
