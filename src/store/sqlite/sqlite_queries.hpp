// Every statement the SQLite store runs, prepared once per connection and reused.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace sesh::detail {

/// Names the kept statements; the index into sqlite_query_sql and a connection's statements.
enum class sqlite_query : std::size_t {
    get,
    list_user,
    revoked,
    create,
    update,
    touch,
    is_live,
    erase,
    erase_user,
    deny,
    set_not_before,
    purge_sessions,
    purge_denied,
    count_sessions,
    begin,
    commit,
    rollback,
};
inline constexpr std::size_t sqlite_query_count = static_cast<std::size_t>(sqlite_query::rollback) + 1;

// The session columns in the order sqlite_rows.cpp reads them and bind_record binds them.
#define SESH_SQLITE_SESSION_COLUMNS \
    "key, user_id, data, created_ms, last_seen_ms, idle_expires_ms, absolute_expires_ms, expires_ms, address, user_agent"

/// The SQL of each statement, by sqlite_query. Parameters are numbered; each says what it binds.
/// "Live" is always `expires_ms > now`: an expired row is invisible before the purge reaches it,
/// and no write may bring it back.
inline constexpr std::array<std::string_view, sqlite_query_count> sqlite_query_sql = {
    // get: ?1 key, ?2 now
    "SELECT " SESH_SQLITE_SESSION_COLUMNS " FROM sessions WHERE key = ?1 AND expires_ms > ?2",
    // list_user: ?1 user_id, ?2 now; oldest first, key breaking ties so the order is stable
    "SELECT " SESH_SQLITE_SESSION_COLUMNS " FROM sessions WHERE user_id = ?1 AND expires_ms > ?2 "
    "ORDER BY created_ms, key",
    // revoked: ?1 jti ('' skips), ?2 user_id ('' skips), ?3 issued_at, ?4 now; one round trip
    "SELECT (?1 <> '' AND EXISTS (SELECT 1 FROM denied WHERE jti = ?1 AND until_ms > ?4)) "
    "OR (?2 <> '' AND EXISTS (SELECT 1 FROM not_before WHERE user_id = ?2 AND t_ms > ?3))",
    // create: ?1..?10 the record (column order), ?11 now. A taken key is refused unless its row
    // has expired (invisible, not yet purged): then the new record takes its place.
    "INSERT INTO sessions (" SESH_SQLITE_SESSION_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT (key) DO UPDATE SET user_id = ?2, data = ?3, created_ms = ?4, last_seen_ms = ?5, "
    "idle_expires_ms = ?6, absolute_expires_ms = ?7, expires_ms = ?8, address = ?9, user_agent = ?10 "
    "WHERE sessions.expires_ms <= ?11",
    // update: ?1..?10 the record, ?11 now; only a live row, so a save racing a destroy (or an
    // expiry) changes nothing and the caller learns not_found
    "UPDATE sessions SET user_id = ?2, data = ?3, created_ms = ?4, last_seen_ms = ?5, idle_expires_ms = ?6, "
    "absolute_expires_ms = ?7, expires_ms = ?8, address = ?9, user_agent = ?10 WHERE key = ?1 AND expires_ms > ?11",
    // touch: ?1 key, ?2 last_seen, ?3 idle_expires, ?4 now; only if the stored last_seen is
    // older, so concurrent renewals of one session collapse into one write
    "UPDATE sessions SET last_seen_ms = ?2, idle_expires_ms = ?3, expires_ms = min(?3, absolute_expires_ms) "
    "WHERE key = ?1 AND expires_ms > ?4 AND last_seen_ms < ?2",
    // is_live: ?1 key, ?2 now; tells a touch that wrote nothing "renewed already" from "gone"
    "SELECT 1 FROM sessions WHERE key = ?1 AND expires_ms > ?2",
    // erase: ?1 key
    "DELETE FROM sessions WHERE key = ?1",
    // erase_user: ?1 user_id, ?2 key to keep ('' keeps none), ?3 now; counts live rows only,
    // expired ones are already gone to the caller and the purge takes them
    "DELETE FROM sessions WHERE user_id = ?1 AND key <> ?2 AND expires_ms > ?3",
    // deny: ?1 jti, ?2 until; a second deny never shortens the first
    "INSERT INTO denied (jti, until_ms) VALUES (?1, ?2) "
    "ON CONFLICT (jti) DO UPDATE SET until_ms = max(until_ms, excluded.until_ms)",
    // set_not_before: ?1 user_id, ?2 t; never moves back, so a late, older revocation cannot
    // revive tokens a newer one revoked
    "INSERT INTO not_before (user_id, t_ms) VALUES (?1, ?2) "
    "ON CONFLICT (user_id) DO UPDATE SET t_ms = max(t_ms, excluded.t_ms)",
    // purge_sessions: ?1 now, ?2 batch size; walks sessions_by_expiry
    "DELETE FROM sessions WHERE key IN (SELECT key FROM sessions WHERE expires_ms <= ?1 LIMIT ?2)",
    // purge_denied: ?1 now, ?2 batch size; walks denied_by_expiry
    "DELETE FROM denied WHERE jti IN (SELECT jti FROM denied WHERE until_ms <= ?1 LIMIT ?2)",
    // count_sessions: every row, expired or not (what the file holds); for max_sessions
    "SELECT count(*) FROM sessions",
    // begin, commit, rollback: a group commit's transaction (sqlite_writer.cpp). IMMEDIATE takes
    // the write lock up front, so a lock held by another process fails the batch at its start.
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
};

#undef SESH_SQLITE_SESSION_COLUMNS

}  // namespace sesh::detail
