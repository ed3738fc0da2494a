// A bounded, thread-safe pool of Redis connections.
// It lends one connection per call, drops broken ones, and reconnects with a short backoff so an
// outage costs each caller at most its timeout and never turns into a connect storm.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "store/redis/redis_connection.hpp"

namespace sesh::detail::redis {

class pool;

/// A connection lent by a pool for one call; gives it back (or drops it, if broken) when destroyed.
class lease {
public:
    lease(lease&& other) noexcept = default;
    lease& operator=(lease&&) = delete;
    ~lease();

    /// The lent connection; valid while the lease lives.
    [[nodiscard]] connection& operator*() const noexcept { return *conn_; }
    [[nodiscard]] connection* operator->() const noexcept { return conn_.get(); }

private:
    friend class pool;
    lease(pool& owner, std::unique_ptr<connection> conn, std::uint64_t epoch) noexcept
        : owner_(&owner), conn_(std::move(conn)), epoch_(epoch) {}

    pool* owner_;
    std::unique_ptr<connection> conn_;
    std::uint64_t epoch_;
};

/// Up to `size` connections to one server, shared by any number of threads (thread-safe).
/// A broken connection is dropped, together with every idle one: they all went to the same
/// server, so after a transport error they are presumed dead too, and the next caller connects
/// afresh. Failed connects start a backoff (50 ms doubling to 400 ms) during which callers with
/// no idle connection fail at once instead of connecting, so recovery follows Redis's return
/// within about half a second.
class pool {
public:
    /// A pool for `cfg` (kept by the pool); connects lazily. `size` 0 is taken as 1.
    pool(connection_config cfg, std::size_t size);
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;

    /// An idle connection, or a new one if fewer than `size` are open, waiting for one to be
    /// given back if all are lent. errc::store_unavailable if `deadline` passes first, the
    /// connect fails, or a backoff is under way.
    [[nodiscard]] result<lease> acquire(steady::time_point deadline);

private:
    friend class lease;
    void give_back(std::unique_ptr<connection> conn, std::uint64_t epoch) noexcept;

    const connection_config cfg_;
    const std::size_t size_;

    std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<std::unique_ptr<connection>> idle_;
    std::size_t open_ = 0;          // idle + lent + being connected
    std::uint64_t epoch_ = 0;       // bumped on a transport error: older connections are dropped
    steady::time_point next_connect_{};
    steady::duration backoff_;
};

}  // namespace sesh::detail::redis
