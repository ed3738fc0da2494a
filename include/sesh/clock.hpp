// The injectable wall clock: production reads the system clock, tests move time by hand.
#pragma once

#include <atomic>
#include <chrono>

namespace sesh {

/// A source of wall-clock time. Implementations must be thread-safe.
class clock {
public:
    using time_point = std::chrono::system_clock::time_point;
    virtual ~clock() = default;
    /// The current time.
    [[nodiscard]] virtual time_point now() const noexcept = 0;
};

/// The process-wide system clock. The reference is valid for the whole program.
[[nodiscard]] const clock& system_clock() noexcept;

/// A clock that stands still until told to move; for tests crossing an expiry. Thread-safe.
class manual_clock final : public clock {
public:
    explicit manual_clock(time_point start = std::chrono::system_clock::now()) noexcept : now_(start) {}
    [[nodiscard]] time_point now() const noexcept override { return now_.load(); }
    /// Sets the time to `t`.
    void set(time_point t) noexcept { now_.store(t); }
    /// Moves the time forward (or back, for a negative `d`).
    void advance(std::chrono::system_clock::duration d) noexcept { now_.store(now_.load() + d); }

private:
    std::atomic<time_point> now_;
};

}  // namespace sesh
