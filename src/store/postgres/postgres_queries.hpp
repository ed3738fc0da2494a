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
    // The database strategy's sessions: Auth.js's `sessions` with sesh_authjs_extras beside it.
    authjs_get,
    authjs_create,
    authjs_update,
    authjs_touch,
    authjs_erase,
    authjs_list_user,
    authjs_erase_user,
    // Accounts: Auth.js's `users` with sesh_passwords beside it.
    user_find_by_name,
    user_find_by_id,
    user_create,
    user_set_password,
    user_erase,
    user_list,
    user_find_by_email,
    // Accounts at sign-in providers: Auth.js's `accounts`.
    account_find,
    account_lock,
    account_link,
    account_list,
    // The login throttle's failures, sesh_throttle.
    throttle_lock,
    throttle_load,
    throttle_forget,
    throttle_add,
    throttle_trim,
    throttle_count,
    throttle_clear,
    count_,  ///< not a statement: how many there are
};
inline constexpr std::size_t postgres_query_count = static_cast<std::size_t>(postgres_query::count_);

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
    "WHERE until_ms <= $1::bigint LIMIT $2::bigint FOR UPDATE SKIP LOCKED) RETURNING 1), "
    // Auth.js's expired rows too (next-auth deletes one only when its cookie comes back, so
    // abandoned ones would stay for ever; dead to both sides either way), and the extras of rows
    // that are gone (a next-auth app's deleteSession does not know them).
    "a AS (DELETE FROM sessions WHERE id IN (SELECT id FROM sessions "
    "WHERE expires < to_timestamp($1::bigint / 1000.0) LIMIT $2::bigint FOR UPDATE SKIP LOCKED)), "
    "x AS (DELETE FROM sesh_authjs_extras WHERE session_id IN (SELECT e.session_id FROM sesh_authjs_extras e "
    "WHERE NOT EXISTS (SELECT 1 FROM sessions t WHERE t.id::text = e.session_id) "
    "LIMIT $2::bigint FOR UPDATE SKIP LOCKED)) "
    "SELECT count(*) FROM s",

    // --- The database strategy (keys `authjs:ID`, ID the `sessions` row's id) ---------------------
    // The session columns in SESH_PG_SESSION_COLUMNS' order, then the user's name, email and image.
    // A row the adapter made has no extras: its data is {} and its created/last-seen 0 (unknown).
    // The absolute expiry is the end of 2199: next-auth's database sessions have none, only the
    // sliding `expires`. "Live" is next-auth's `expires >= now` (it deletes when expires < now).
    // Ids are compared untyped (`id = $1`) so the server reads the text as the column's own type
    // and the primary key serves; user ids as text (`"userId"::text`), since the conformance of
    // the store allows any text as a user id.
#define SESH_PG_AUTHJS_MS "round(extract(epoch FROM s.expires) * 1000)::bigint"
#define SESH_PG_AUTHJS_COLUMNS                                                                                       \
    "'authjs:' || s.id::text, s.\"userId\"::text, COALESCE(x.data, '{}'), COALESCE(x.created_ms, 0), "                 \
    "COALESCE(x.last_seen_ms, 0), " SESH_PG_AUTHJS_MS ", 7258118400000, " SESH_PG_AUTHJS_MS                             \
    ", COALESCE(x.address, ''), COALESCE(x.user_agent, ''), u.name, u.email, u.image "                                \
    "FROM sessions s JOIN users u ON u.id = s.\"userId\" LEFT JOIN sesh_authjs_extras x ON x.session_id = s.id::text "
    // authjs_get: $1 session token, $2 now. next-auth's session route: an expired row is deleted
    // (and answers nothing); a row whose user is gone answers nothing (getSessionAndUser's null).
    // The outer SELECT sees the table as it was before the DELETE, hence its own expiry test.
    "WITH gone AS (DELETE FROM sessions WHERE \"sessionToken\" = $1::text AND expires < to_timestamp($2::bigint / 1000.0) "
    "RETURNING id), gone_extras AS (DELETE FROM sesh_authjs_extras WHERE session_id IN (SELECT id::text FROM gone)) "
    "SELECT " SESH_PG_AUTHJS_COLUMNS "WHERE s.\"sessionToken\" = $1::text AND s.expires >= to_timestamp($2::bigint / 1000.0)",
    // authjs_create: $1 token, $2 user id, $3 expires, $4 data, $5 created, $6 last seen,
    // $7 address, $8 user agent; the adapter's createSession row, then sesh's extras for its id.
    "WITH s AS (INSERT INTO sessions (\"userId\", expires, \"sessionToken\") "
    "VALUES ($2, to_timestamp($3::bigint / 1000.0), $1::text) RETURNING id) "
    "INSERT INTO sesh_authjs_extras (session_id, data, created_ms, last_seen_ms, address, user_agent) "
    "SELECT id::text, $4::text, $5::bigint, $6::bigint, $7::text, $8::text FROM s RETURNING session_id",
    // authjs_update: $1 id, $2 data, $3 last seen, $4 expires, $5 now, $6 created, $7 address,
    // $8 user agent; a live row only (as update). The extras are made for a row the adapter made.
    "WITH s AS (UPDATE sessions SET expires = to_timestamp($4::bigint / 1000.0) "
    "WHERE id = $1 AND expires >= to_timestamp($5::bigint / 1000.0) RETURNING id) "
    "INSERT INTO sesh_authjs_extras (session_id, data, created_ms, last_seen_ms, address, user_agent) "
    "SELECT id::text, $2::text, $6::bigint, $3::bigint, $7::text, $8::text FROM s "
    "ON CONFLICT (session_id) DO UPDATE SET data = excluded.data, last_seen_ms = excluded.last_seen_ms "
    "RETURNING 1",
    // authjs_touch: $1 id, $2 last seen, $3 new expires, $4 now: next-auth's updateSession, written
    // only if it moves expires forward, so concurrent renewals collapse into one; answers
    // (wrote, live) as touch does.
    "WITH s AS (UPDATE sessions SET expires = to_timestamp($3::bigint / 1000.0) "
    "WHERE id = $1 AND expires >= to_timestamp($4::bigint / 1000.0) AND expires < to_timestamp($3::bigint / 1000.0) "
    "RETURNING id), x AS (UPDATE sesh_authjs_extras SET last_seen_ms = $2::bigint "
    "WHERE session_id IN (SELECT id::text FROM s)) "
    "SELECT (SELECT count(*) FROM s), EXISTS (SELECT 1 FROM sessions WHERE id = $1 "
    "AND expires >= to_timestamp($4::bigint / 1000.0))",
    // authjs_erase: $1 id; the adapter's deleteSession, by id
    "WITH s AS (DELETE FROM sessions WHERE id = $1 RETURNING id) "
    "DELETE FROM sesh_authjs_extras WHERE session_id IN (SELECT id::text FROM s)",
    // authjs_list_user: $1 user id, $2 now; oldest first (rows without extras first, by id)
    "SELECT " SESH_PG_AUTHJS_COLUMNS "WHERE s.\"userId\"::text = $1::text AND s.expires >= to_timestamp($2::bigint / 1000.0) "
    "ORDER BY COALESCE(x.created_ms, 0), s.id",
    // authjs_erase_user: $1 user id, $2 key to keep ('' keeps none), $3 now; counts live rows
    "WITH s AS (DELETE FROM sessions WHERE \"userId\"::text = $1::text AND 'authjs:' || id::text <> $2::text "
    "RETURNING id, expires), x AS (DELETE FROM sesh_authjs_extras WHERE session_id IN (SELECT id::text FROM s)) "
    "SELECT count(*) FROM s WHERE expires >= to_timestamp($3::bigint / 1000.0)",

    // --- Accounts: `users` (name, email) and sesh_passwords (login name, hash, times) -----------
    // user_find_by_name: $1 login name. Columns: id, name, email, hash, created, password changed.
#define SESH_PG_USER_SELECT                                                                                          \
    "SELECT p.user_id, p.username, COALESCE(u.email, ''), p.password_hash, p.created_ms, p.password_changed_ms "      \
    "FROM sesh_passwords p JOIN users u ON u.id::text = p.user_id "
    SESH_PG_USER_SELECT "WHERE p.username = $1::text",
    // user_find_by_id: $1 id
    SESH_PG_USER_SELECT "WHERE p.user_id = $1::text",
    // user_create: $1 login name, $2 email ('' for none), $3 hash, $4 created, $5 changed. The
    // `users` row as the adapter's createUser makes it (name, email; the id its default), then the
    // password keyed to its id; a taken name inserts no password row and the caller rolls back.
    "WITH u AS (INSERT INTO users (name, email) VALUES ($1::text, NULLIF($2::text, '')) RETURNING id) "
    "INSERT INTO sesh_passwords (user_id, username, password_hash, created_ms, password_changed_ms) "
    "SELECT id::text, $1::text, $3::text, $4::bigint, $5::bigint FROM u ON CONFLICT DO NOTHING RETURNING user_id",
    // user_set_password: $1 id, $2 hash, $3 changed
    "UPDATE sesh_passwords SET password_hash = $2::text, password_changed_ms = $3::bigint WHERE user_id = $1::text",
    // user_erase: $1 id; the `users` row (and its `accounts`, as the adapter's deleteUser) goes
    // only with a sesh account's password row
    "WITH p AS (DELETE FROM sesh_passwords WHERE user_id = $1::text RETURNING user_id), "
    "a AS (DELETE FROM accounts WHERE \"userId\"::text IN (SELECT user_id FROM p)) "
    "DELETE FROM users WHERE id::text IN (SELECT user_id FROM p)",
    // user_list
    SESH_PG_USER_SELECT "ORDER BY p.username",
    // user_find_by_email: $1 email; the oldest account with it
    SESH_PG_USER_SELECT "WHERE lower(u.email) = lower($1::text) ORDER BY p.created_ms, p.user_id LIMIT 1",

    // --- Accounts at sign-in providers: Auth.js's `accounts`, as the adapter's linkAccount
    // writes it (absent tokens NULL) and getUserByAccount reads it -----------------------------
#define SESH_PG_ACCOUNT_SELECT                                                                                       \
    "SELECT provider, \"providerAccountId\", \"userId\"::text, type, COALESCE(access_token, ''), "                    \
    "COALESCE(refresh_token, ''), COALESCE(id_token, ''), COALESCE(token_type, ''), COALESCE(scope, ''), "            \
    "COALESCE(session_state, ''), COALESCE(expires_at, 0) FROM accounts "
    // account_find: $1 provider, $2 provider account id. The adapter's table has no unique key on
    // the pair: a row a Next.js app wrote twice answers its oldest.
    SESH_PG_ACCOUNT_SELECT "WHERE provider = $1::text AND \"providerAccountId\" = $2::text ORDER BY id LIMIT 1",
    // account_lock: linking checks for the pair, then writes; one linker at a time across every
    // process on the database (links are rare), until the transaction ends
    "SELECT pg_advisory_xact_lock(1936028522)",
    // account_link: $1 user id, $2 type, $3 provider, $4 provider account id, $5 access, $6 refresh,
    // $7 id token, $8 token type, $9 scope, $10 session state, $11 expires at (0: none). Answers
    // (taken, inserted): a taken pair writes nothing, nor does an unknown user.
    "WITH taken AS (SELECT 1 FROM accounts WHERE provider = $3::text AND \"providerAccountId\" = $4::text), "
    "ins AS (INSERT INTO accounts (\"userId\", type, provider, \"providerAccountId\", access_token, refresh_token, "
    "id_token, token_type, scope, session_state, expires_at) SELECT u.id, $2::text, $3::text, $4::text, "
    "NULLIF($5::text, ''), NULLIF($6::text, ''), NULLIF($7::text, ''), NULLIF($8::text, ''), NULLIF($9::text, ''), "
    "NULLIF($10::text, ''), NULLIF($11::bigint, 0) FROM users u JOIN sesh_passwords p ON p.user_id = u.id::text "
    "WHERE p.user_id = $1::text AND NOT EXISTS (SELECT 1 FROM taken) RETURNING 1) "
    "SELECT (SELECT count(*) FROM taken), (SELECT count(*) FROM ins)",
    // account_list: $1 user id
    SESH_PG_ACCOUNT_SELECT "WHERE \"userId\"::text = $1::text ORDER BY provider, \"providerAccountId\"",

    // --- The login throttle (the SQLite store's statements, sqlite_throttle_store.cpp) ---------
    // throttle_lock: recording a failure reads counts and writes on them; one writer at a time
    // across every process on the database (failures are rare), until the transaction ends.
    "SELECT pg_advisory_xact_lock(1936028521)",
    // throttle_load: $1 account, $2 address, $3 cutoff
    "SELECT kind, at_ms FROM sesh_throttle WHERE at_ms > $3::bigint AND ("
    "(kind = 0 AND account = $1::text AND address = $2::text) OR (kind = 1 AND account = '' AND address = $2::text) OR "
    "(kind = 2 AND account = $1::text AND address = '')) ORDER BY kind, at_ms, id",
    // throttle_forget: $1 cutoff; the table holds the last hour and no more
    "DELETE FROM sesh_throttle WHERE at_ms <= $1::bigint",
    // throttle_add: $1 kind, $2 account, $3 address, $4 at
    "INSERT INTO sesh_throttle (kind, account, address, at_ms) VALUES ($1::integer, $2::text, $3::text, $4::bigint)",
    // throttle_trim: $1 kind, $2 account, $3 address, $4 how many newest to keep
    "DELETE FROM sesh_throttle WHERE kind = $1::integer AND account = $2::text AND address = $3::text AND id NOT IN ("
    "SELECT id FROM sesh_throttle WHERE kind = $1::integer AND account = $2::text AND address = $3::text "
    "ORDER BY at_ms DESC, id DESC LIMIT $4::bigint)",
    // throttle_count: $1 account, $2 address; the pair's failures
    "SELECT count(*) FROM sesh_throttle WHERE kind = 0 AND account = $1::text AND address = $2::text",
    // throttle_clear: $1 account, $2 address
    "DELETE FROM sesh_throttle WHERE kind = 0 AND account = $1::text AND address = $2::text",
};

#undef SESH_PG_ACCOUNT_SELECT
#undef SESH_PG_USER_SELECT
#undef SESH_PG_AUTHJS_COLUMNS
#undef SESH_PG_AUTHJS_MS
#undef SESH_PG_SESSION_COLUMNS

}  // namespace sesh::detail
