// The SQLite store's connections: one writer and a few readers, each with its kept statements.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_handle.hpp"
#include "store/sqlite/sqlite_queries.hpp"
#include "store/sqlite/sqlite_writer.hpp"

namespace sesh::detail {

/// One connection and its prepared statements. Used by one thread at a time (the pool sees to it).
class sqlite_connection {
public:
    /// Opens `path` and sets the per-connection pragmas. errc::store_unavailable (logged) on
    /// failure.
    [[nodiscard]] static result<std::unique_ptr<sqlite_connection>> open(const std::string& path,
                                                                        std::chrono::milliseconds busy_timeout);

    /// Prepares every statement of sqlite_query_sql, to keep for the connection's lifetime; the
    /// schema must be in place. errc::store_unavailable (logged) on failure.
    [[nodiscard]] result<void> prepare_statements();

    [[nodiscard]] sqlite3* db() const noexcept { return db_.get(); }
    /// The kept statement for `q`; wrap each use in a sqlite_use.
    [[nodiscard]] sqlite3_stmt* statement(sqlite_query q) const noexcept {
        return statements_[static_cast<std::size_t>(q)].get();
    }

private:
    explicit sqlite_connection(sqlite_db db) noexcept : db_(std::move(db)) {}

    sqlite_db db_;
    std::array<sqlite_stmt, sqlite_query_count> statements_;  // after db_: finalized before it closes
};

/// One writer connection (behind a sqlite_writer) and `readers` reader connections handed out in
/// turn. WAL lets readers run while the writer writes, so a load never queues behind a save;
/// writes are serialized here rather than by SQLite's file lock, which would make them spin in
/// busy_timeout against each other. Thread-safe.
class sqlite_pool {
public:
    /// Use of one reader until destroyed; then it goes back to the pool.
    class reader_lease {
    public:
        reader_lease(const reader_lease&) = delete;
        reader_lease& operator=(const reader_lease&) = delete;
        ~reader_lease() { pool_.give_back(connection_); }
        sqlite_connection* operator->() const noexcept { return connection_; }

    private:
        friend class sqlite_pool;
        reader_lease(sqlite_pool& p, sqlite_connection* c) noexcept : pool_(p), connection_(c) {}
        sqlite_pool& pool_;
        sqlite_connection* connection_;
    };

    /// Opens the writer first (it sets WAL mode and migrates the schema, so readers find the
    /// tables), then `readers` readers (at least one). errc::store_unavailable (logged) if any
    /// connection cannot be opened or the schema cannot be brought up to date.
    [[nodiscard]] static result<std::unique_ptr<sqlite_pool>> open(const std::string& path, std::size_t readers,
                                                                  std::chrono::milliseconds busy_timeout);

    /// The writer: every write goes through it.
    [[nodiscard]] sqlite_writer& writer() noexcept { return *writer_; }
    /// Waits for a free reader.
    [[nodiscard]] reader_lease reader();

private:
    sqlite_pool() = default;
    void give_back(sqlite_connection* c) noexcept;

    std::unique_ptr<sqlite_connection> writer_connection_;
    std::unique_ptr<sqlite_writer> writer_;  // after its connection: gone before it closes
    std::vector<std::unique_ptr<sqlite_connection>> readers_;
    std::mutex free_mutex_;
    std::condition_variable free_cv_;
    std::vector<sqlite_connection*> free_;
};

}  // namespace sesh::detail
