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
    // The database strategy's sessions: Auth.js's `sessions` with sesh_authjs_extras beside it.
    authjs_get,
    authjs_delete,
    authjs_create,
    authjs_create_extras,
    authjs_update,
    authjs_update_extras,
    authjs_touch,
    authjs_touch_extras,
    authjs_is_live,
    authjs_erase,
    authjs_erase_extras,
    authjs_list_user,
    authjs_erase_user_extras,
    authjs_erase_user_live,
    authjs_erase_user_rest,
    authjs_purge,
    authjs_purge_extras,
};
inline constexpr std::size_t sqlite_query_count = static_cast<std::size_t>(sqlite_query::authjs_purge_extras) + 1;

// The session columns in the order sqlite_rows.cpp reads them and bind_record binds them.
#define SESH_SQLITE_SESSION_COLUMNS \
    "key, user_id, data, created_ms, last_seen_ms, idle_expires_ms, absolute_expires_ms, expires_ms, address, user_agent"

/// The SQL of each statement, by sqlite_query. Parameters are numbered; each says what it binds.
/// "Live" is always `expires_ms > now`: an expired row is invisible before the purge reaches it,
/// and no write may bring it back.
inline constexpr std::array<std::string_view, sqlite_query_count> sqlite_query_sql = {
    // get: ?1 key, ?2 now
    "SELECT " SESH_SQLITE_SESSION_COLUMNS " FROM sesh_sessions WHERE key = ?1 AND expires_ms > ?2",
    // list_user: ?1 user_id, ?2 now; oldest first, key breaking ties so the order is stable
    "SELECT " SESH_SQLITE_SESSION_COLUMNS " FROM sesh_sessions WHERE user_id = ?1 AND expires_ms > ?2 "
    "ORDER BY created_ms, key",
    // revoked: ?1 jti ('' skips), ?2 user_id ('' skips), ?3 issued_at, ?4 now; one round trip
    "SELECT (?1 <> '' AND EXISTS (SELECT 1 FROM denied WHERE jti = ?1 AND until_ms > ?4)) "
    "OR (?2 <> '' AND EXISTS (SELECT 1 FROM not_before WHERE user_id = ?2 AND t_ms > ?3))",
    // create: ?1..?10 the record (column order), ?11 now. A taken key is refused unless its row
    // has expired (invisible, not yet purged): then the new record takes its place.
    "INSERT INTO sesh_sessions (" SESH_SQLITE_SESSION_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT (key) DO UPDATE SET user_id = ?2, data = ?3, created_ms = ?4, last_seen_ms = ?5, "
    "idle_expires_ms = ?6, absolute_expires_ms = ?7, expires_ms = ?8, address = ?9, user_agent = ?10 "
    "WHERE sesh_sessions.expires_ms <= ?11",
    // update: ?1..?10 the record, ?11 now; only a live row, so a save racing a destroy (or an
    // expiry) changes nothing and the caller learns not_found
    "UPDATE sesh_sessions SET user_id = ?2, data = ?3, created_ms = ?4, last_seen_ms = ?5, idle_expires_ms = ?6, "
    "absolute_expires_ms = ?7, expires_ms = ?8, address = ?9, user_agent = ?10 WHERE key = ?1 AND expires_ms > ?11",
    // touch: ?1 key, ?2 last_seen, ?3 idle_expires, ?4 now; only if the stored last_seen is
    // older, so concurrent renewals of one session collapse into one write
    "UPDATE sesh_sessions SET last_seen_ms = ?2, idle_expires_ms = ?3, expires_ms = min(?3, absolute_expires_ms) "
    "WHERE key = ?1 AND expires_ms > ?4 AND last_seen_ms < ?2",
    // is_live: ?1 key, ?2 now; tells a touch that wrote nothing "renewed already" from "gone"
    "SELECT 1 FROM sesh_sessions WHERE key = ?1 AND expires_ms > ?2",
    // erase: ?1 key
    "DELETE FROM sesh_sessions WHERE key = ?1",
    // erase_user: ?1 user_id, ?2 key to keep ('' keeps none), ?3 now; counts live rows only,
    // expired ones are already gone to the caller and the purge takes them
    "DELETE FROM sesh_sessions WHERE user_id = ?1 AND key <> ?2 AND expires_ms > ?3",
    // deny: ?1 jti, ?2 until; a second deny never shortens the first
    "INSERT INTO denied (jti, until_ms) VALUES (?1, ?2) "
    "ON CONFLICT (jti) DO UPDATE SET until_ms = max(until_ms, excluded.until_ms)",
    // set_not_before: ?1 user_id, ?2 t; never moves back, so a late, older revocation cannot
    // revive tokens a newer one revoked
    "INSERT INTO not_before (user_id, t_ms) VALUES (?1, ?2) "
    "ON CONFLICT (user_id) DO UPDATE SET t_ms = max(t_ms, excluded.t_ms)",
    // purge_sessions: ?1 now, ?2 batch size; walks sessions_by_expiry (an index of sesh_sessions)
    "DELETE FROM sesh_sessions WHERE key IN (SELECT key FROM sesh_sessions WHERE expires_ms <= ?1 LIMIT ?2)",
    // purge_denied: ?1 now, ?2 batch size; walks denied_by_expiry
    "DELETE FROM denied WHERE jti IN (SELECT jti FROM denied WHERE until_ms <= ?1 LIMIT ?2)",
    // count_sessions: every row, expired or not (what the file holds); for max_sessions
    "SELECT count(*) FROM sesh_sessions",
    // begin, commit, rollback: a group commit's transaction (sqlite_writer.cpp). IMMEDIATE takes
    // the write lock up front, so a lock held by another process fails the batch at its start.
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",

    // --- The database strategy (keys `authjs:ID`, ID the `sessions` row's id) ---------------------
    // As the PostgreSQL store's (postgres_queries.hpp): the session columns, then the user's name,
    // email and image, then the row's id; a row without extras has data {} and created/last-seen 0 (unknown); the
    // absolute expiry is the start of 2200 (next-auth's rows have only the sliding `expires`).
    // "Live" is next-auth's `expires >= now`. `expires` is Unix milliseconds (migration 3).
#define SESH_SQLITE_AUTHJS_COLUMNS                                                                                    \
    "'authjs:' || s.id, s.\"userId\", COALESCE(x.data, '{}'), COALESCE(x.created_ms, 0), COALESCE(x.last_seen_ms, 0), " \
    "s.expires, 7258118400000, s.expires, COALESCE(x.address, ''), COALESCE(x.user_agent, ''), u.name, u.email, "      \
    "u.image, s.id FROM sessions s JOIN users u ON u.id = s.\"userId\" LEFT JOIN sesh_authjs_extras x ON x.session_id = s.id "
    // authjs_get: ?1 session token; live or not (the caller deletes an expired row on the
    // writer, as next-auth's session route does), so an unknown token costs no write
    "SELECT " SESH_SQLITE_AUTHJS_COLUMNS "WHERE s.\"sessionToken\" = ?1",
    // authjs_delete: ?1 id, ?2 now; an expired row only (a renewal may have come first)
    "DELETE FROM sessions WHERE id = ?1 AND expires < ?2",
    // authjs_create: ?1 token, ?2 user id, ?3 expires; the adapter's createSession row
    "INSERT INTO sessions (\"userId\", expires, \"sessionToken\") VALUES (?2, ?3, ?1)",
    // authjs_create_extras: ?1 the new row's id, ?2 data, ?3 created, ?4 last seen, ?5 address,
    // ?6 user agent
    "INSERT OR REPLACE INTO sesh_authjs_extras (session_id, data, created_ms, last_seen_ms, address, user_agent) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    // authjs_update: ?1 id, ?2 expires, ?3 now; a live row only (as update)
    "UPDATE sessions SET expires = ?2 WHERE id = ?1 AND expires >= ?3",
    // authjs_update_extras: ?1 id, ?2 data, ?3 created, ?4 last seen, ?5 address, ?6 user agent;
    // made for a row the adapter made
    "INSERT INTO sesh_authjs_extras (session_id, data, created_ms, last_seen_ms, address, user_agent) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (session_id) DO UPDATE SET data = excluded.data, "
    "last_seen_ms = excluded.last_seen_ms",
    // authjs_touch: ?1 id, ?2 new expires, ?3 now: next-auth's updateSession, written only if it
    // moves expires forward, so concurrent renewals collapse into one
    "UPDATE sessions SET expires = ?2 WHERE id = ?1 AND expires >= ?3 AND expires < ?2",
    // authjs_touch_extras: ?1 id, ?2 last seen
    "UPDATE sesh_authjs_extras SET last_seen_ms = ?2 WHERE session_id = ?1",
    // authjs_is_live: ?1 id, ?2 now
    "SELECT 1 FROM sessions WHERE id = ?1 AND expires >= ?2",
    // authjs_erase: ?1 id; the adapter's deleteSession, by id
    "DELETE FROM sessions WHERE id = ?1",
    // authjs_erase_extras: ?1 id
    "DELETE FROM sesh_authjs_extras WHERE session_id = ?1",
    // authjs_list_user: ?1 user id, ?2 now; oldest first (rows without extras first, by id)
    "SELECT " SESH_SQLITE_AUTHJS_COLUMNS "WHERE s.\"userId\" = ?1 AND s.expires >= ?2 "
    "ORDER BY COALESCE(x.created_ms, 0), s.id",
    // authjs_erase_user_extras: ?1 user id, ?2 key to keep ('' keeps none)
    "DELETE FROM sesh_authjs_extras WHERE session_id IN (SELECT id FROM sessions WHERE \"userId\" = ?1 "
    "AND 'authjs:' || id <> ?2)",
    // authjs_erase_user_live: ?1 user id, ?2 key to keep, ?3 now; the live rows, counted
    "DELETE FROM sessions WHERE \"userId\" = ?1 AND 'authjs:' || id <> ?2 AND expires >= ?3",
    // authjs_erase_user_rest: ?1 user id, ?2 key to keep; the expired ones, uncounted
    "DELETE FROM sessions WHERE \"userId\" = ?1 AND 'authjs:' || id <> ?2",
    // authjs_purge: ?1 now, ?2 batch size; Auth.js's expired rows (next-auth deletes one only
    // when its cookie comes back, so abandoned ones would stay for ever)
    "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires < ?1 LIMIT ?2)",
    // authjs_purge_extras: ?1 batch size; the extras of rows that are gone (expired, or deleted
    // by a next-auth app, whose deleteSession does not know them)
    "DELETE FROM sesh_authjs_extras WHERE session_id IN (SELECT x.session_id FROM sesh_authjs_extras x "
    "WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = x.session_id) LIMIT ?1)",
};

#undef SESH_SQLITE_AUTHJS_COLUMNS

#undef SESH_SQLITE_SESSION_COLUMNS

}  // namespace sesh::detail
