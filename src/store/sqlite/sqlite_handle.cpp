// Opening, executing and preparing with SQLite, each failure translated where it happens.
#include "store/sqlite/sqlite_handle.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sesh/log.hpp>

namespace sesh::detail {
namespace {

// `sqlite:./data/sesh.db` on a fresh machine: the missing directories are made, each 0700 like the
// file below (only ones made here: an existing directory's mode is the operator's). A directory
// that cannot be made is left to sqlite3_open_v2 to report.
void create_private_parents(const std::string& path) {
    for (auto slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const std::string dir = path.substr(0, slash);
        if (::mkdir(dir.c_str(), 0700) == 0) (void)::chmod(dir.c_str(), 0700);  // despite a umask like 0277
    }
}

// The file holds password hashes and session records. SQLite would create it 0644 (less the
// umask); creating it first, empty (an empty file is an empty database), fixes its mode to 0600
// without touching the umask, which is process-wide and would race other threads. SQLite creates
// -wal and -shm with the database's own mode (os_unix.c findCreateFileMode, unixOpenSharedMemory).
void create_private(const std::string& path) {
    if (path.empty() || path == ":memory:" || path.starts_with("file:")) return;
    create_private_parents(path);
    // Exists already (its mode is the operator's), or cannot be made: sqlite3_open_v2 reports that.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return;
    (void)::fchmod(fd, 0600);  // a umask such as 0277 would have left it unwritable
    ::close(fd);
}

}  // namespace

std::error_code sqlite_failure(sqlite3* db, int rc, std::string_view what) {
    // errmsg is the connection's last message; without a connection only the code's text is known.
    sesh::logger()->error("sqlite store: {} failed: {} ({})", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc);
    return make_error_code(errc::store_unavailable);
}

result<sqlite_db> sqlite_open(const std::string& path) {
    create_private(path);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    sqlite_db db(raw);  // owned at once: a failed open still allocates a handle that must be closed
    if (rc != SQLITE_OK) {
        sesh::logger()->error("sqlite store: cannot open {}: {} ({})", path, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc),
                      rc);
        return fail(errc::store_unavailable);
    }
    // Extended codes make the log say which I/O failed (SQLITE_IOERR_FSYNC, not just IOERR).
    sqlite3_extended_result_codes(db.get(), 1);
    // A file we may not write is opened read-only without complaint; every save would then fail,
    // so refuse it here, where the operator can see why.
    if (sqlite3_db_readonly(db.get(), "main") == 1) {
        sesh::logger()->error("sqlite store: {} is read-only; the session store must be writable", path);
        return fail(errc::store_unavailable);
    }
    return db;
}

result<void> sqlite_exec(sqlite3* db, const char* sql, std::string_view what) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    sqlite3_free(message);  // the same text is in sqlite3_errmsg, which sqlite_failure logs
    if (rc != SQLITE_OK) return fail(sqlite_failure(db, rc, what));
    return {};
}

result<sqlite_stmt> sqlite_prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                                      nullptr);
    sqlite_stmt stmt(raw);
    if (rc != SQLITE_OK) return fail(sqlite_failure(db, rc, "prepare"));
    return stmt;
}

}  // namespace sesh::detail
