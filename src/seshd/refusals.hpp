// Answers for attempts seshd refuses for now: 429 (throttled) and 503 (busy, store down).
#pragma once

#include <chrono>

#include <sesh/http/message.hpp>

namespace sesh::seshd {

/// `res` with `Retry-After` set to `wait` in whole seconds, rounded up, at least 1 (RFC 9110
/// §10.2.3 counts in seconds).
[[nodiscard]] http::response with_retry_after(http::response res, std::chrono::milliseconds wait);

/// 503 `{"error":"Busy, try again shortly"}` with `Retry-After: 1`: the hashing gate is full.
[[nodiscard]] http::response hashing_busy();

/// 503 `{"error":"Session store unavailable"}`: the store did not answer (it recovers by itself).
[[nodiscard]] http::response store_down();

}  // namespace sesh::seshd
