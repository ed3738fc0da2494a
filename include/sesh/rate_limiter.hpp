// A rolling-window limit on attempts per key (a client address): at most N per window.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include <sesh/clock.hpp>

namespace sesh {

/// Limits of a rate_limiter.
struct rate_limit_options {
    /// Attempts allowed per key within `window`; 0 means no limit. Default 5.
    std::size_t limit = 5;
    /// The rolling window. Default 10 minutes.
    std::chrono::seconds window{600};
    /// Keys kept at most (past it, keys with no attempt in the window are dropped, then the one
    /// with the oldest latest attempt), so a flood of addresses cannot exhaust memory.
    std::size_t max_entries = 100'000;
    /// Time source; null means sesh::system_clock(). Must outlive the limiter.
    const sesh::clock* clock = nullptr;
};

/// Counts attempts per key in memory (per process), e.g. sign-ups per client address. Thread-safe.
class rate_limiter {
public:
    explicit rate_limiter(rate_limit_options options = {});
    ~rate_limiter();
    rate_limiter(const rate_limiter&) = delete;
    rate_limiter& operator=(const rate_limiter&) = delete;

    /// Counts one attempt for `key` and returns zero when it is within the limit; otherwise
    /// counts nothing and returns how long until the oldest attempt in the window leaves it
    /// (at least 1 ms).
    [[nodiscard]] std::chrono::milliseconds try_acquire(std::string_view key);
    /// Takes back the latest attempt counted for `key`: for an attempt that failed on the
    /// server's side (a store outage), which must not count against the client. Does nothing
    /// when none is counted.
    void refund(std::string_view key);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sesh
