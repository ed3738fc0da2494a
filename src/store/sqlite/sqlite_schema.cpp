// The SQLite store's migrations, in order; each runs once, PRAGMA user_version counts them.
#include "store/sqlite/sqlite_schema.hpp"

#include <array>

#include <sesh/log.hpp>

#include "store/sqlite/sqlite_handle.hpp"

namespace sesh::detail {
namespace {

// migrations[i] takes the schema from version i to i + 1. Append only: a released migration is
// never edited, since databases in the field already ran it.
constexpr std::array<const char*, sqlite_schema_version> migrations = {
    // 1: the three tables. Times are Unix milliseconds. `expires_ms` is the earlier of the two
    // expiries, kept as its own column so "live" is one indexed comparison in every query and
    // the purge walks an index. WITHOUT ROWID: a lookup by key is one B-tree search instead of
    // index-then-table; session rows are small. Columns are NOT NULL: an absent address is ''.
    R"sql(
CREATE TABLE sessions (
    key                 TEXT    NOT NULL PRIMARY KEY,
    user_id             TEXT    NOT NULL,
    data                TEXT    NOT NULL,
    created_ms          INTEGER NOT NULL,
    last_seen_ms        INTEGER NOT NULL,
    idle_expires_ms     INTEGER NOT NULL,
    absolute_expires_ms INTEGER NOT NULL,
    expires_ms          INTEGER NOT NULL,
    address             TEXT    NOT NULL,
    user_agent          TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_expiry ON sessions (expires_ms);
CREATE INDEX sessions_by_user ON sessions (user_id, created_ms);
CREATE TABLE denied (
    jti      TEXT    NOT NULL PRIMARY KEY,
    until_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX denied_by_expiry ON denied (until_ms);
CREATE TABLE not_before (
    user_id TEXT    NOT NULL PRIMARY KEY,
    t_ms    INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 2: the login throttle's failures, one row each, so every process on the file shares the
    // counts (issue 12). kind: 0 an (account, address) pair, 1 an address, 2 an account's hourly
    // cap; the column a kind does not use is ''. A rowid table: rows come and go by the hour.
    R"sql(
CREATE TABLE sesh_throttle (
    kind    INTEGER NOT NULL,
    account TEXT    NOT NULL,
    address TEXT    NOT NULL,
    at_ms   INTEGER NOT NULL
);
CREATE INDEX sesh_throttle_by_key ON sesh_throttle (kind, account, address, at_ms);
CREATE INDEX sesh_throttle_by_time ON sesh_throttle (at_ms);
)sql",
    // 3: Auth.js's schema (issue 13), for the database strategy on SQLite: the tables and columns
    // of @auth/pg-adapter's schema.sql in SQLite's types, and what sesh keeps beside them in its
    // own tables, as on PostgreSQL (postgres_schema.cpp, migration 2).
    //
    // sesh's own `sessions` (migration 1) takes the name sesh_sessions, leaving `sessions` to
    // Auth.js; its indexes keep their names. No other table sesh did not create is altered:
    // users, accounts and verification_token are made only when absent. Auth.js's `sessions`
    // cannot be present (sesh's own held the name until now), so sesh makes it and indexes it.
    //
    // Ids are text in `users` (sesh's account ids, and the text or UUID ids of the Auth.js SQL
    // adapters), a rowid in `sessions`; times (`expires`, "emailVerified") are Unix milliseconds,
    // as Drizzle's SQLite schema keeps them.
    //
    // Accounts move from the user store's sesh_users (made here if it never ran, so the SQL runs
    // on any file) to `users` (id, name, email) and sesh_passwords (login name, hash, times).
    R"sql(
ALTER TABLE sessions RENAME TO sesh_sessions;
CREATE TABLE IF NOT EXISTS users (
    id              TEXT NOT NULL PRIMARY KEY,
    name            TEXT,
    email           TEXT,
    "emailVerified" INTEGER,
    image           TEXT
);
CREATE TABLE IF NOT EXISTS accounts (
    id                  INTEGER PRIMARY KEY,
    "userId"            TEXT NOT NULL,
    type                TEXT NOT NULL,
    provider            TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    refresh_token       TEXT,
    access_token        TEXT,
    expires_at          INTEGER,
    id_token            TEXT,
    scope               TEXT,
    session_state       TEXT,
    token_type          TEXT
);
CREATE TABLE sessions (
    id             INTEGER PRIMARY KEY,
    "userId"       TEXT    NOT NULL,
    expires        INTEGER NOT NULL,
    "sessionToken" TEXT    NOT NULL
);
CREATE UNIQUE INDEX sesh_authjs_sessions_by_token ON sessions ("sessionToken");
CREATE INDEX sesh_authjs_sessions_by_user ON sessions ("userId");
CREATE INDEX sesh_authjs_sessions_by_expiry ON sessions (expires);
CREATE TABLE IF NOT EXISTS verification_token (
    identifier TEXT    NOT NULL,
    expires    INTEGER NOT NULL,
    token      TEXT    NOT NULL,
    PRIMARY KEY (identifier, token)
);
CREATE TABLE sesh_authjs_extras (
    session_id   INTEGER NOT NULL PRIMARY KEY,
    data         TEXT    NOT NULL,
    created_ms   INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    address      TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL
);
CREATE TABLE sesh_passwords (
    user_id             TEXT    NOT NULL PRIMARY KEY,
    username            TEXT    NOT NULL UNIQUE,
    password_hash       TEXT    NOT NULL,
    created_ms          INTEGER NOT NULL,
    password_changed_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sesh_users (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    email               TEXT NOT NULL DEFAULT '',
    password_hash       TEXT NOT NULL,
    created_ms          INTEGER NOT NULL,
    password_changed_ms INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO users (id, name, email) SELECT id, name, NULLIF(email, '') FROM sesh_users;
INSERT INTO sesh_passwords (user_id, username, password_hash, created_ms, password_changed_ms)
    SELECT id, name, password_hash, created_ms, password_changed_ms FROM sesh_users;
DROP TABLE sesh_users;
)sql",
};

// Rolls back unless committed, so every early return leaves the file as it was.
class write_transaction {
public:
    write_transaction(sqlite3* db, const std::string& path) noexcept : db_(db), path_(path) {}
    write_transaction(const write_transaction&) = delete;
    write_transaction& operator=(const write_transaction&) = delete;
    ~write_transaction() {
        if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    // IMMEDIATE takes the write lock before reading the version: two processes opening a new
    // file at once then migrate one after the other, and the second finds nothing to do.
    [[nodiscard]] result<void> begin() {
        auto r = sqlite_exec(db_, "BEGIN IMMEDIATE", "starting the migration of " + path_);
        open_ = r.has_value();
        return r;
    }
    [[nodiscard]] result<void> commit() {
        auto r = sqlite_exec(db_, "COMMIT", "committing the migration of " + path_);
        if (r) open_ = false;
        return r;
    }

private:
    sqlite3* db_;
    const std::string& path_;
    bool open_ = false;
};

result<int> read_user_version(sqlite3* db) {
    auto stmt = sqlite_prepare(db, "PRAGMA user_version");
    if (!stmt) return fail(stmt.error());
    sqlite_use q(stmt->get());
    const int rc = q.step();
    if (rc != SQLITE_ROW) return fail(sqlite_failure(db, rc, "reading user_version"));
    return sqlite3_column_int(q.get(), 0);
}

}  // namespace

result<void> sqlite_migrate(sqlite3* db, const std::string& path) {
    write_transaction tx(db, path);
    if (auto r = tx.begin(); !r) return r;
    auto version = read_user_version(db);
    if (!version) return fail(version.error());
    if (*version > sqlite_schema_version) {
        sesh::logger()->error("sqlite store: {} has schema version {}, newer than this build's {}; refusing to open it "
                      "(upgrade sesh, or point it at another file)",
                      path, *version, sqlite_schema_version);
        return fail(errc::store_unavailable);
    }
    if (*version < 0) {
        sesh::logger()->error("sqlite store: {} has schema version {}, which sesh never writes; refusing to open it", path,
                      *version);
        return fail(errc::store_unavailable);
    }
    if (*version == sqlite_schema_version) return {};  // the transaction ends without writing
    for (int v = *version; v < sqlite_schema_version; ++v) {
        const std::string what = "migration " + std::to_string(v + 1) + " of " + path;
        if (auto r = sqlite_exec(db, migrations[static_cast<std::size_t>(v)], what); !r) return r;
    }
    // A pragma takes no bound parameters; the value is this build's constant, never input.
    const std::string set_version = "PRAGMA user_version = " + std::to_string(sqlite_schema_version);
    if (auto r = sqlite_exec(db, set_version.c_str(), "setting the schema version of " + path); !r) return r;
    if (auto r = tx.commit(); !r) return r;
    sesh::logger()->info("sqlite store: {} migrated from schema version {} to {}", path, *version, sqlite_schema_version);
    return {};
}

}  // namespace sesh::detail
