// What the outage tests of the networked stores (Redis, PostgreSQL) share: reading a result's
// error whichever way the call went, and timing a call.
#pragma once

#include <chrono>
#include <system_error>

namespace sesh::test {

/// The error of a result, or no error: safe to compare whichever way the call went.
template <class R>
std::error_code error_of(const R& r) {
    return r ? std::error_code() : r.error();
}

/// Milliseconds since `t0` on the steady clock.
inline std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
}

}  // namespace sesh::test
