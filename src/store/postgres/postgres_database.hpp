// One PostgreSQL database as every store over it shares it: one connection pool and one set of
// worker threads for the stores' awaited calls.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include <sesh/store.hpp>

#include "store/backends.hpp"
#include "store/postgres/postgres_pool.hpp"

namespace sesh::detail {

/// The connections of one `postgres://` URL and the workers that run its stores' blocking calls
/// for callers that await them. Each store holds it by shared_ptr and drains its own calls
/// before it goes (offloaded_calls); the last one out closes the connections. Thread-safe.
///
/// The asynchronous face runs libpq's calls on these workers, as SQLite's does. Issue 13 asks
/// for libpq on the I/O loop itself (PQsendQuery and socket readiness, as redis_async.cpp does
/// for hiredis, perhaps in pipeline mode): a later step; the store interface does not change.
class postgres_database {
public:
    /// A pool of store_options::pool_size connections (opened by the first calls) and as many
    /// workers; every call waits at most store_options::timeout. Tries one connection now, so a
    /// reachable database is migrated before the first call; a server that is down is not an
    /// error (logged; calls fail with errc::store_unavailable until it is up, then migrate).
    [[nodiscard]] static result<std::shared_ptr<postgres_database>> open(const postgres_address& address,
                                                                         const store_options& options);

    [[nodiscard]] postgres_pool& pool() const noexcept { return *pool_; }
    /// The threads that run the stores' blocking calls for the asynchronous faces.
    [[nodiscard]] const std::shared_ptr<boost::asio::thread_pool>& workers() const noexcept { return workers_; }
    /// The deadline of a call starting now: store_options::timeout from now.
    [[nodiscard]] postgres_deadline deadline() const noexcept { return std::chrono::steady_clock::now() + timeout_; }

private:
    postgres_database(std::unique_ptr<postgres_pool> pool, std::size_t workers, std::chrono::milliseconds timeout);

    std::unique_ptr<postgres_pool> pool_;
    std::shared_ptr<boost::asio::thread_pool> workers_;
    std::chrono::milliseconds timeout_;
};

}  // namespace sesh::detail
