// Opening the SQLite store's connections (pragmas, schema, kept statements) and lending them out.
#include "store/sqlite/sqlite_pool.hpp"

#include <algorithm>
#include <limits>
#include <string_view>

#include <sesh/log.hpp>

#include "store/sqlite/sqlite_schema.hpp"

namespace sesh::detail {
namespace {

enum class role { writer, reader };

// WAL is what lets readers run beside the writer. It is a property of the file, so setting it
// once on the writer holds for every connection; it is checked because SQLite answers with the
// mode it could set (a file system without shared memory keeps "delete").
result<void> enable_wal(sqlite3* db, const std::string& path) {
    auto stmt = sqlite_prepare(db, "PRAGMA journal_mode = WAL");
    if (!stmt) return fail(stmt.error());
    sqlite_use q(stmt->get());
    const int rc = q.step();
    if (rc != SQLITE_ROW) return fail(sqlite_failure(db, rc, "setting journal_mode"));
    const auto* mode = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0));
    if (mode == nullptr || std::string_view(mode) != "wal") {
        sesh::logger()->error("sqlite store: {} cannot use WAL (journal mode stays {})", path, mode ? mode : "unknown");
        return fail(errc::store_unavailable);
    }
    return {};
}

}  // namespace

result<std::unique_ptr<sqlite_connection>> sqlite_connection::open(const std::string& path,
                                                                   std::chrono::milliseconds busy_timeout) {
    auto db = sqlite_open(path);
    if (!db) return fail(db.error());
    // Another process (the sesh CLI, a second seshd) may hold the write lock for a moment: wait
    // up to busy_timeout for it, then fail the call with store_unavailable.
    sqlite3_busy_timeout(db->get(), static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(
                                        busy_timeout.count(), 0, std::numeric_limits<int>::max())));
    // Durability: in WAL mode with synchronous=NORMAL a commit is a write() into the WAL, which
    // the kernel keeps once it returns, so a saved session survives kill -9 or a crash of this
    // process (tests/integration/sqlite_crash_test.cpp kills a writer to prove it). Only power
    // loss or a kernel crash can lose the commits made since the last checkpoint's fsync. FULL
    // would add an fsync to every commit (0.1 to several ms, disk-dependent), capping the writer
    // at a few thousand saves per second, to guard against power loss something a user gets
    // back by signing in again.
    // journal_size_limit: a checkpoint truncates a WAL that a burst grew past 64 MiB.
    if (auto ok = sqlite_exec(db->get(), "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 67108864",
                              "configuring " + path);
        !ok)
        return fail(ok.error());
    return std::unique_ptr<sqlite_connection>(new sqlite_connection(std::move(*db)));
}

result<void> sqlite_connection::prepare_statements() {
    for (std::size_t i = 0; i < sqlite_query_count; ++i) {
        auto stmt = sqlite_prepare(db_.get(), sqlite_query_sql[i]);
        if (!stmt) return fail(stmt.error());
        statements_[i] = std::move(*stmt);
    }
    return {};
}

namespace {

result<std::unique_ptr<sqlite_connection>> open_as(const std::string& path, std::chrono::milliseconds busy_timeout,
                                                   role r) {
    auto c = sqlite_connection::open(path, busy_timeout);
    if (!c) return c;
    sqlite3* db = (*c)->db();
    if (r == role::writer) {
        if (auto ok = enable_wal(db, path); !ok) return fail(ok.error());
        if (auto ok = sqlite_migrate(db, path); !ok) return fail(ok.error());
    } else if (auto ok = sqlite_exec(db, "PRAGMA query_only = 1", "configuring a reader of " + path); !ok) {
        // A reader that could write would bypass the writer's serialization.
        return fail(ok.error());
    }
    if (auto ok = (*c)->prepare_statements(); !ok) return fail(ok.error());
    return c;
}

}  // namespace

result<std::unique_ptr<sqlite_pool>> sqlite_pool::open(const std::string& path, std::size_t readers,
                                                       std::chrono::milliseconds busy_timeout) {
    std::unique_ptr<sqlite_pool> pool(new sqlite_pool());
    auto writer = open_as(path, busy_timeout, role::writer);
    if (!writer) return fail(writer.error());
    pool->writer_connection_ = std::move(*writer);
    pool->writer_ = std::make_unique<sqlite_writer>(*pool->writer_connection_);
    for (std::size_t i = 0; i < std::max<std::size_t>(readers, 1); ++i) {
        auto reader = open_as(path, busy_timeout, role::reader);
        if (!reader) return fail(reader.error());
        pool->readers_.push_back(std::move(*reader));
        pool->free_.push_back(pool->readers_.back().get());
    }
    return pool;
}

sqlite_pool::reader_lease sqlite_pool::reader() {
    std::unique_lock lock(free_mutex_);
    free_cv_.wait(lock, [this] { return !free_.empty(); });
    sqlite_connection* c = free_.back();
    free_.pop_back();
    return reader_lease(*this, c);
}

void sqlite_pool::give_back(sqlite_connection* c) noexcept {
    {
        std::lock_guard lock(free_mutex_);
        free_.push_back(c);
    }
    free_cv_.notify_one();
}

}  // namespace sesh::detail
