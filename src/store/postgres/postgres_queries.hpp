// Every statement the PostgreSQL store runs, prepared once per connection and reused.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace sesh::detail {

/// Names the kept statements; the index into postgres_query_sql and into a connection's
/// prepared flags (the statement's server-side name is `sesh_` and this index).
enum class postgres_query : std::size_t {
    get,
    list_user,
    revoked,
    create,
    update,
    touch,
    erase,
    erase_user,
    deny,
    set_not_before,
    purge,
};
inline constexpr std::size_t postgres_query_count = static_cast<std::size_t>(postgres_query::purge) + 1;

// The session columns in the order postgres_rows.cpp reads them and record_params lists them.
#define SESH_PG_SESSION_COLUMNS \
    "key, user_id, data, created_ms, last_seen_ms, idle_expires_ms, absolute_expires_ms, expires_ms, address, user_agent"

/// The SQL of each statement, by postgres_query. Parameters go as text and are cast here, so the
/// server never has to guess a type. "Live" is always `expires_ms > now`, with `now` from the
/// store's injected clock (not the server's now(): a test moves time, and app and database hosts
/// may disagree by a second): an expired row is invisible before the purge reaches it, and no
/// write may bring it back. The same statements as the SQLite store's (sqlite_queries.hpp).
inline constexpr std::array<std::string_view, postgres_query_count> postgres_query_sql = {
    // get: $1 key, $2 now
    "SELECT " SESH_PG_SESSION_COLUMNS " FROM sesh_sessions WHERE key = $1::text AND expires_ms > $2::bigint",
    // list_user: $1 user_id, $2 now; oldest first, key breaking ties so the order is stable
    "SELECT " SESH_PG_SESSION_COLUMNS " FROM sesh_sessions WHERE user_id = $1::text AND expires_ms > $2::bigint "
    "ORDER BY created_ms, key",
    // revoked: $1 jti ('' skips), $2 user_id ('' skips), $3 issued_at, $4 now; one round trip
    "SELECT ($1::text <> '' AND EXISTS (SELECT 1 FROM sesh_denied WHERE jti = $1::text AND until_ms > $4::bigint)) "
    "OR ($2::text <> '' AND EXISTS (SELECT 1 FROM sesh_not_before WHERE user_id = $2::text AND t_ms > $3::bigint))",
    // create: $1..$10 the record (column order), $11 now. A taken key is refused (no row
    // written) unless its row has expired (invisible, not yet purged): then the new record takes
    // its place. ON CONFLICT waits for a concurrent insert of the same key instead of failing.
    "INSERT INTO sesh_sessions (" SESH_PG_SESSION_COLUMNS ") VALUES ($1::text, $2::text, $3::text, $4::bigint, "
    "$5::bigint, $6::bigint, $7::bigint, $8::bigint, $9::text, $10::text) "
    "ON CONFLICT (key) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, created_ms = excluded.created_ms, "
    "last_seen_ms = excluded.last_seen_ms, idle_expires_ms = excluded.idle_expires_ms, "
    "absolute_expires_ms = excluded.absolute_expires_ms, expires_ms = excluded.expires_ms, "
    "address = excluded.address, user_agent = excluded.user_agent WHERE sesh_sessions.expires_ms <= $11::bigint",
    // update: $1..$10 the record, $11 now; only a live row, so a save racing a destroy (or an
    // expiry) changes nothing and the caller learns not_found
    "UPDATE sesh_sessions SET user_id = $2::text, data = $3::text, created_ms = $4::bigint, last_seen_ms = $5::bigint, "
    "idle_expires_ms = $6::bigint, absolute_expires_ms = $7::bigint, expires_ms = $8::bigint, address = $9::text, "
    "user_agent = $10::text WHERE key = $1::text AND expires_ms > $11::bigint",
    // touch: $1 key, $2 last_seen, $3 idle_expires, $4 now. Writes only if the stored last_seen is
    // older, so concurrent renewals of one session collapse into one write; one round trip
    // answers (wrote, live): the outer SELECT sees the table as it was before the UPDATE.
    "WITH renewed AS (UPDATE sesh_sessions SET last_seen_ms = $2::bigint, idle_expires_ms = $3::bigint, "
    "expires_ms = LEAST($3::bigint, absolute_expires_ms) "
    "WHERE key = $1::text AND expires_ms > $4::bigint AND last_seen_ms < $2::bigint RETURNING 1) "
    "SELECT (SELECT count(*) FROM renewed), "
    "EXISTS (SELECT 1 FROM sesh_sessions WHERE key = $1::text AND expires_ms > $4::bigint)",
    // erase: $1 key
    "DELETE FROM sesh_sessions WHERE key = $1::text",
    // erase_user: $1 user_id, $2 key to keep ('' keeps none), $3 now; counts live rows only,
    // expired ones are already gone to the caller and the purge takes them
    "DELETE FROM sesh_sessions WHERE user_id = $1::text AND key <> $2::text AND expires_ms > $3::bigint",
    // deny: $1 jti, $2 until; a second deny never shortens the first
    "INSERT INTO sesh_denied (jti, until_ms) VALUES ($1::text, $2::bigint) "
    "ON CONFLICT (jti) DO UPDATE SET until_ms = GREATEST(sesh_denied.until_ms, excluded.until_ms)",
    // set_not_before: $1 user_id, $2 t; never moves back, so a late, older revocation cannot
    // revive tokens a newer one revoked
    "INSERT INTO sesh_not_before (user_id, t_ms) VALUES ($1::text, $2::bigint) "
    "ON CONFLICT (user_id) DO UPDATE SET t_ms = GREATEST(sesh_not_before.t_ms, excluded.t_ms)",
    // purge: $1 now, $2 batch size; expired sessions and deny-list entries, up to the batch each,
    // walking the expiry indexes; answers the sessions removed. Both DELETEs run to completion
    // whether or not the outer SELECT reads them (PostgreSQL's rule for data-modifying WITH).
    // SKIP LOCKED: rows another process's purge (or a write) holds are left to it, not waited for.
    "WITH s AS (DELETE FROM sesh_sessions WHERE key IN (SELECT key FROM sesh_sessions "
    "WHERE expires_ms <= $1::bigint LIMIT $2::bigint FOR UPDATE SKIP LOCKED) RETURNING 1), "
    "d AS (DELETE FROM sesh_denied WHERE jti IN (SELECT jti FROM sesh_denied "
    "WHERE until_ms <= $1::bigint LIMIT $2::bigint FOR UPDATE SKIP LOCKED) RETURNING 1) "
    "SELECT count(*) FROM s",
};

#undef SESH_PG_SESSION_COLUMNS

}  // namespace sesh::detail
