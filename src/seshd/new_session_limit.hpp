// A per-address limit on starting anonymous sessions, so that one client cannot fill the session
// store with cookie-less requests (issue 17, finding 5). Internal to seshd.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sesh/clock.hpp>

namespace sesh::seshd {

/// Counts the anonymous sessions each client address starts, in fixed windows. IPv6 addresses
/// count per /64 (one host usually holds a whole /64: per address would be no limit at all).
/// Memory is bounded: at most max_addresses are tracked; past that, new addresses are refused
/// until their windows end (a flood from that many addresses at once is an attack, and letting
/// it reset every count would end the limit). Thread-safe.
class new_session_limit {
public:
    /// At most `per_window` new sessions per address per `window`; 0 turns the limit off.
    void configure(std::size_t per_window, std::chrono::seconds window = std::chrono::minutes(1),
                   std::size_t max_addresses = 100'000, const sesh::clock* clk = nullptr);

    /// Counts one new session for `address`: zero when it may start, else how long until it may.
    [[nodiscard]] std::chrono::seconds try_start(std::string_view address);

private:
    struct window_count {
        clock::time_point start;
        std::size_t count = 0;
    };
    std::mutex mutex_;
    std::unordered_map<std::string, window_count> counts_;
    std::size_t per_window_ = 0;
    std::chrono::seconds window_{60};
    std::size_t max_addresses_ = 100'000;
    const sesh::clock* clock_ = nullptr;
};

}  // namespace sesh::seshd
