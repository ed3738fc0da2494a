// RAII owners for sqlite3 and sqlite3_stmt, and the bind/column helpers every SQLite call uses.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <sqlite3.h>

#include <sesh/clock.hpp>
#include <sesh/result.hpp>

#include "core/unix_ms.hpp"

namespace sesh::detail {

/// Closes a connection. close_v2 so a connection with a statement still alive is closed once the
/// statement goes too, instead of leaking.
struct sqlite_db_closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
/// The one owner of a sqlite3 connection.
using sqlite_db = std::unique_ptr<sqlite3, sqlite_db_closer>;

/// Finalizes a prepared statement.
struct sqlite_stmt_finalizer {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
/// The one owner of a prepared statement; it must die before its connection (declare it after).
using sqlite_stmt = std::unique_ptr<sqlite3_stmt, sqlite_stmt_finalizer>;

/// Logs a failed SQLite call (`what` names it; the raw message goes only to the log) and returns
/// errc::store_unavailable, the one error a caller sees for BUSY, IOERR, FULL, READONLY,
/// CORRUPT and the rest: none of them is the caller's fault, and all may pass.
[[nodiscard]] std::error_code sqlite_failure(sqlite3* db, int rc, std::string_view what);

/// Opens `path` read-write (created if missing) in multi-thread mode: each connection is used by
/// one thread at a time, so SQLite's own per-connection mutex would be wasted work.
/// errc::store_unavailable (logged) when the file cannot be opened or is read-only. A missing file
/// is created with mode 0600 (SQLite gives its -wal and -shm the same mode); an existing one keeps
/// its mode.
[[nodiscard]] result<sqlite_db> sqlite_open(const std::string& path);

/// Runs SQL text without parameters (pragmas, schema, BEGIN/COMMIT). Never for values: those are
/// bound. errc::store_unavailable on failure, logged as `what` failing.
[[nodiscard]] result<void> sqlite_exec(sqlite3* db, const char* sql, std::string_view what);

/// Prepares `sql` to be kept and reused for the connection's lifetime.
[[nodiscard]] result<sqlite_stmt> sqlite_prepare(sqlite3* db, std::string_view sql);

/// One use of a kept statement: resets it and clears its bindings when the scope ends, on every
/// path, so a statement never holds a read transaction open (which would stall WAL checkpoints)
/// nor points at a caller's string after it returns.
class sqlite_use {
public:
    explicit sqlite_use(sqlite3_stmt* s) noexcept : stmt_(s) {}
    sqlite_use(const sqlite_use&) = delete;
    sqlite_use& operator=(const sqlite_use&) = delete;
    ~sqlite_use() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    /// Binds text to parameter `i` (1-based) without copying: `s` must outlive this use. An empty
    /// view binds '' (a null pointer would bind NULL).
    void bind(int i, std::string_view s) noexcept {
        sqlite3_bind_text64(stmt_, i, s.empty() ? "" : s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    /// Binds an integer to parameter `i` (1-based).
    void bind(int i, std::int64_t v) noexcept { sqlite3_bind_int64(stmt_, i, v); }

    /// Steps once: SQLITE_ROW, SQLITE_DONE or an error code.
    [[nodiscard]] int step() noexcept { return sqlite3_step(stmt_); }

    [[nodiscard]] sqlite3_stmt* get() const noexcept { return stmt_; }

private:
    sqlite3_stmt* stmt_;
};

}  // namespace sesh::detail
