// One SQLite file as every store over it shares it: the session store and the user store use one
// connection pool (so one group-committing writer) and one set of worker threads.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include <sesh/store.hpp>

#include "store/sqlite/sqlite_pool.hpp"

namespace sesh::detail {

/// The connections of one `sqlite:PATH` URL and the workers that run its stores' blocking calls
/// for callers that await them. Each store holds it by shared_ptr and drains its own calls before
/// it goes (offloaded_calls); the last one out closes the file. Thread-safe.
class sqlite_database {
public:
    /// Opens `path` (created if missing): a writer and store_options::pool_size readers, each
    /// waiting up to store_options::timeout on another process's lock, and pool_size workers.
    /// errc::store_unavailable (logged) if the file cannot be opened or migrated.
    [[nodiscard]] static result<std::shared_ptr<sqlite_database>> open(const std::string& path,
                                                                       const store_options& options);

    /// The connections: every write goes through pool().writer().
    [[nodiscard]] sqlite_pool& pool() const noexcept { return *pool_; }
    /// The threads that run the stores' blocking calls for the asynchronous faces.
    [[nodiscard]] const std::shared_ptr<boost::asio::thread_pool>& workers() const noexcept { return workers_; }

private:
    sqlite_database(std::unique_ptr<sqlite_pool> pool, std::size_t workers);

    std::unique_ptr<sqlite_pool> pool_;
    std::shared_ptr<boost::asio::thread_pool> workers_;
};

}  // namespace sesh::detail
