// Unix milliseconds, the one time format sesh writes outside the process: store rows and records,
// iron's expiry field, sesh's own token claims. Every conversion goes through this pair.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include <sesh/clock.hpp>

namespace sesh::detail {

/// Milliseconds since the Unix epoch, rounded down (towards the past, also before 1970), so a
/// written expiry is never later than the real one.
[[nodiscard]] inline std::int64_t to_unix_ms(clock::time_point t) noexcept {
    return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// The time_point of a millisecond count, or nothing when the count is outside what a
/// time_point holds (about the years 1678 to 2262 with nanosecond ticks): converting it would
/// overflow. Only a corrupt row or a token from far outside that range holds such a count.
[[nodiscard]] inline std::optional<clock::time_point> from_unix_ms(std::int64_t ms) noexcept {
    using namespace std::chrono;
    constexpr auto limit = duration_cast<milliseconds>(clock::time_point::duration::max()).count() - 1;
    if (ms > limit || ms < -limit) return std::nullopt;
    return clock::time_point(duration_cast<clock::time_point::duration>(milliseconds(ms)));
}

}  // namespace sesh::detail
