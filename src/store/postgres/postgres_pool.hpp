// A few PostgreSQL connections shared by the threads of one process, (re)opened on demand.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <sesh/result.hpp>

#include "store/backends.hpp"
#include "store/postgres/postgres_connection.hpp"

namespace sesh::detail {

/// `size` connections to one database. A caller takes one for a call (lease) and gives it back
/// when done; a closed or broken one is reopened on the way out, and the first connection to
/// open migrates the schema (postgres_schema.hpp). The server being down is logged once when it
/// goes and once when it is back, not on every failed call. Thread-safe.
class postgres_pool {
public:
    /// A connection held by one caller; returned to the pool when destroyed.
    class lease {
    public:
        lease(postgres_pool* pool, postgres_connection* c) noexcept : pool_(pool), c_(c) {}
        lease(lease&& o) noexcept : pool_(o.pool_), c_(o.c_) { o.c_ = nullptr; }
        lease& operator=(lease&&) = delete;
        ~lease() {
            if (c_ != nullptr) pool_->give_back(c_);
        }
        [[nodiscard]] postgres_connection& operator*() const noexcept { return *c_; }
        [[nodiscard]] postgres_connection* operator->() const noexcept { return c_; }

    private:
        postgres_pool* pool_;
        postgres_connection* c_;
    };

    /// Connections are opened by the first calls that need them, not here. `timeout` is the
    /// server's statement_timeout; `label` (the URL without its password) names the database in
    /// log lines.
    postgres_pool(const postgres_address& address, std::size_t size, std::chrono::milliseconds timeout,
                  std::string label);

    /// An open connection, migrated. errc::store_unavailable if none is free before `deadline`,
    /// or it cannot be opened or migrated by then.
    [[nodiscard]] result<lease> acquire(postgres_deadline deadline);

    /// The database as log lines name it (no password).
    [[nodiscard]] const std::string& label() const noexcept { return label_; }

private:
    void give_back(postgres_connection* c) noexcept;
    [[nodiscard]] result<void> open(postgres_connection& c, postgres_deadline deadline);

    std::string label_;
    std::vector<std::unique_ptr<postgres_connection>> all_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<postgres_connection*> idle_;  ///< guarded by mutex_

    std::mutex migrate_mutex_;        ///< one migration at a time in this process
    std::atomic<bool> migrated_{false};
    std::atomic<bool> down_{false};   ///< the last open failed (logged once until one succeeds)
};

}  // namespace sesh::detail
