// The Redis connection pool: lending, dropping after transport errors, reconnect backoff.
#include "store/redis/redis_pool.hpp"

#include <algorithm>

namespace sesh::detail::redis {

lease::~lease() {
    if (conn_) owner_->give_back(std::move(conn_), epoch_);
}

pool::pool(connection_config cfg, std::size_t size)
    : cfg_(std::move(cfg)), size_(std::max<std::size_t>(size, 1)), backoff_(first_backoff) {}

result<lease> pool::acquire(steady::time_point deadline) {
    std::unique_lock lock(mutex_);
    while (idle_.empty() && open_ >= size_) {
        if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= size_)
            return fail(errc::store_unavailable);
    }
    // A connection the server hung up on while idle is dropped before use: after Redis restarts,
    // the first call reconnects instead of failing on a stale socket.
    while (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        // A connection to a master the sentinels no longer name is dropped the same way.
        if (!conn->closed_by_peer() && !conn->stale()) return lease(*this, std::move(conn), epoch_);
        --open_;
    }
    // Redis was unreachable a moment ago: fail now rather than connect again (the failed connect
    // was logged; logging every caller would flood the log during an outage).
    if (steady::now() < next_connect_) return fail(errc::store_unavailable);

    ++open_;
    const std::uint64_t epoch = epoch_;
    lock.unlock();
    auto conn = connection::open(cfg_, deadline);  // slow: outside the lock
    lock.lock();
    if (!conn) {
        --open_;
        next_connect_ = steady::now() + backoff_;
        backoff_ = std::min(backoff_ * 2, max_backoff);
        returned_.notify_one();
        // To a caller every failed connect is an outage (a refused password included: it ends
        // when the operator fixes Redis or the URL, and the refusal was logged).
        return fail(errc::store_unavailable);
    }
    backoff_ = first_backoff;
    next_connect_ = {};
    return lease(*this, std::move(*conn), epoch);
}

void pool::give_back(std::unique_ptr<connection> conn, std::uint64_t epoch) noexcept {
    std::vector<std::unique_ptr<connection>> dropped;  // closed after unlocking
    {
        std::lock_guard lock(mutex_);
        if (conn->broken()) {
            ++epoch_;
            dropped.swap(idle_);
            open_ -= dropped.size();
        }
        if (conn->broken() || epoch != epoch_) {
            dropped.push_back(std::move(conn));
            --open_;
        } else {
            idle_.push_back(std::move(conn));
        }
    }
    returned_.notify_all();
}

}  // namespace sesh::detail::redis
