// ISO 8601 timestamps with milliseconds in UTC, as JavaScript's Date.toISOString writes them.
#pragma once

#include <string>

#include <sesh/clock.hpp>

namespace sesh::detail {

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` of `t` (milliseconds rounded down), next-auth's `expires` format.
[[nodiscard]] std::string iso8601_ms(clock::time_point t);

}  // namespace sesh::detail
