// Where server-held sessions live: one abstract `store`, backends built from a URL
// (`memory:`, `sqlite:PATH`, `redis://HOST:PORT/DB`, `postgres://USER@HOST/DB`), as LevelDB's
// DB::Open builds a DBImpl.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sesh/clock.hpp>
#include <sesh/result.hpp>

namespace boost::asio {
class io_context;
}

namespace sesh {

/// How an asynchronous store call reports: called exactly once with the call's result, on any
/// thread, perhaps before the call that started it returns. The async_* functions of
/// <sesh/async_store.hpp> turn it into a completion token's handler on the caller's executor.
template <class T>
using store_callback = std::function<void(result<T>)>;

/// One server-side session as a store keeps it. The token itself is never stored: `key` is
/// opaque_token_store_key(token), the SHA-256 of the token in hex.
struct session_record {
    std::string key;                   ///< 64 hex characters, SHA-256 of the session token
    std::string user_id;               ///< empty for an anonymous session
    std::string data;                  ///< the session data, a JSON object as text
    clock::time_point created;         ///< when the session was first saved
    clock::time_point last_seen;       ///< last renewal (written at most once per update_age)
    clock::time_point idle_expires;    ///< last_seen + idle timeout
    clock::time_point absolute_expires;///< created + absolute timeout; renewal never moves it
    std::string address;               ///< client address at creation, for "my devices"
    std::string user_agent;            ///< client user agent at creation, for "my devices"

    /// The earlier of the two expiries: the record is gone from then on.
    [[nodiscard]] clock::time_point expires() const noexcept { return std::min(idle_expires, absolute_expires); }
};

/// Options shared by every backend; each field says which backends read it.
struct store_options {
    /// Time source for expiry; null means sesh::system_clock(). Must outlive the store.
    const sesh::clock* clock = nullptr;
    /// memory, sqlite: the most sessions held; creating one more fails with errc::store_full
    /// (expired ones are purged first; live sessions are never evicted to make room: that would
    /// log people out at random). redis: not enforced (bound it with Redis's maxmemory).
    /// postgres: not enforced (the database's size is its operator's to bound).
    std::size_t max_sessions = 1'000'000;
    /// every backend: records whose data is longer are refused with errc::too_large.
    std::size_t max_data_bytes = 64 * 1024;
    /// redis: connect and command timeout; postgres: the whole call (waiting for a pooled
    /// connection, connecting, the statement; also the server's statement_timeout); sqlite: busy
    /// timeout. Past it a call fails with errc::store_unavailable.
    std::chrono::milliseconds timeout{500};
    /// redis, sqlite, postgres: connections kept open for concurrent callers.
    std::size_t pool_size = 4;
    /// sqlite, postgres: purge expired rows in the background, this many per batch (0: no
    /// background purge).
    std::size_t purge_batch = 500;
    /// sqlite, postgres: pause between background purge batches.
    std::chrono::milliseconds purge_interval{1000};
};

/// Session storage. Every backend is thread-safe: any number of threads may call any method.
/// Expired records are invisible (get returns nothing) even before they are purged.
/// Errors common to every call: errc::store_unavailable when the backend cannot be reached
/// (the store recovers by itself once it is back). A corrupt record reads as absent and is
/// logged once; it never fails the call.
///
/// Two faces, one contract: the blocking methods below, for threads that may wait (the CLI, a
/// library user's worker threads), and the asynchronous operations of <sesh/async_store.hpp>
/// (`co_await async_get(store, key, use_awaitable)`), for event loops. The async face rests on the
/// start_* primitives at the end of this class.
class store {
public:
    virtual ~store() = default;

    /// The record under `key`, or nothing if absent, expired or corrupt.
    [[nodiscard]] virtual result<std::optional<session_record>> get(std::string_view key) = 0;

    /// Stores a new record. errc::already_exists if the key is taken, errc::store_full,
    /// errc::too_large (data over max_data_bytes).
    [[nodiscard]] virtual result<void> create(const session_record& r) = 0;

    /// Replaces an existing live record. errc::not_found if it is absent or expired: a save that
    /// races a destroy never brings the session back (the express-session logout race).
    [[nodiscard]] virtual result<void> update(const session_record& r) = 0;

    /// Sliding renewal: sets last_seen and idle_expires of a live record only if its stored
    /// last_seen is older than `last_seen` (so concurrent renewals collapse into one write).
    /// Returns true if this call wrote. errc::not_found if absent.
    [[nodiscard]] virtual result<bool> touch(std::string_view key, clock::time_point last_seen,
                                             clock::time_point idle_expires) = 0;

    /// Removes a record; succeeds whether or not it existed.
    [[nodiscard]] virtual result<void> erase(std::string_view key) = 0;

    /// The live records of a user, oldest first.
    [[nodiscard]] virtual result<std::vector<session_record>> list_user(std::string_view user_id) = 0;

    /// Removes every record of a user except the one keyed `keep` (none when empty); returns how
    /// many were removed.
    [[nodiscard]] virtual result<std::size_t> erase_user(std::string_view user_id, std::string_view keep = {}) = 0;

    /// Revocation for stateless tokens (jwt, iron): deny the token id `jti` until `until`
    /// (its own expiry; the entry is dropped after).
    [[nodiscard]] virtual result<void> deny(std::string_view jti, clock::time_point until) = 0;

    /// Revocation for stateless tokens: tokens of `user_id` issued before `t` are invalid.
    [[nodiscard]] virtual result<void> set_not_before(std::string_view user_id, clock::time_point t) = 0;

    /// True when a stateless token is revoked: its `jti` is denied, or it was issued before its
    /// user's not-before time. One round trip; `jti` or `user_id` may be empty (not checked).
    [[nodiscard]] virtual result<bool> revoked(std::string_view jti, std::string_view user_id,
                                               clock::time_point issued_at) = 0;

    /// Deletes up to `max` expired records now; returns how many. Backends that expire on their
    /// own (Redis TTLs) may return 0.
    [[nodiscard]] virtual result<std::size_t> purge_expired(std::size_t max) = 0;

    /// True when the store keeps the `database` strategy's sessions in Auth.js's `sessions`
    /// table: keys `authjs-token:TOKEN` (get, create: a session by its cookie's token) and
    /// `authjs:ID` (what get and list_user answer for those rows, and what update, touch, erase
    /// and erase_user's `keep` take: the row's id, not secret). postgres: true; the others: false.
    [[nodiscard]] virtual bool keeps_authjs_sessions() const noexcept { return false; }

    // --- Asynchronous primitives --------------------------------------------------------------
    // What the async_* operations of <sesh/async_store.hpp> start; call those, not these. Each
    // does what its blocking namesake above does and reports through `done` (store_callback's
    // contract). `loop` is the io_context the caller is resumed on (that of the handler's
    // associated executor), or null when the caller runs elsewhere (a future, a thread pool): a
    // backend that keeps one connection per I/O loop picks it by this. A backend overrides these when its calls wait (on the network, on a
    // disk); the defaults run the blocking method on the calling thread, which is right only for
    // a backend that never waits, such as `memory:`.
    virtual void start_get(std::string key, boost::asio::io_context* loop,
                           store_callback<std::optional<session_record>> done);
    virtual void start_create(session_record r, boost::asio::io_context* loop, store_callback<void> done);
    virtual void start_update(session_record r, boost::asio::io_context* loop, store_callback<void> done);
    virtual void start_touch(std::string key, clock::time_point last_seen, clock::time_point idle_expires,
                             boost::asio::io_context* loop, store_callback<bool> done);
    virtual void start_erase(std::string key, boost::asio::io_context* loop, store_callback<void> done);
    virtual void start_list_user(std::string user_id, boost::asio::io_context* loop,
                                 store_callback<std::vector<session_record>> done);
    virtual void start_erase_user(std::string user_id, std::string keep, boost::asio::io_context* loop,
                                  store_callback<std::size_t> done);
    virtual void start_deny(std::string jti, clock::time_point until, boost::asio::io_context* loop,
                            store_callback<void> done);
    virtual void start_set_not_before(std::string user_id, clock::time_point t, boost::asio::io_context* loop,
                                      store_callback<void> done);
    virtual void start_revoked(std::string jti, std::string user_id, clock::time_point issued_at,
                               boost::asio::io_context* loop, store_callback<bool> done);
};

/// Opens a backend from a URL (schemes in any case):
/// - `memory:`;
/// - `sqlite:PATH` or `sqlite://PATH` (created if missing, parent directory must exist);
/// - `redis://[USER:PASSWORD@]HOST[:PORT][/DB]`: PORT 6379 and DB 0 by default; an IPv6 HOST in
///   brackets (`[::1]`); with a password, `AUTH [USER] PASSWORD` on every (re)connect (user and
///   password percent-decoded). `rediss://` is refused: this build's hiredis has no TLS;
/// - `redis-sentinel://[USER:PASSWORD@]HOST[:PORT][,HOST[:PORT]...]/MASTER_NAME[?db=N]`: the master
///   of a Redis Sentinel group, asked of the sentinels (PORT 26379 by default) and followed across
///   failovers; the credentials are the master's (docs/REDIS.md);
/// - `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=MODE]` or `postgresql://…`: PORT 5432 by
///   default; user, password and database percent-decoded; MODE one of libpq's (disable, allow,
///   prefer, require, verify-ca, verify-full), no other parameter. Sessions and revocation live in
///   tables named `sesh_*` that sesh creates and migrates (recorded in `sesh_schema`); no other
///   table is touched.
/// errc::invalid_argument for an unknown scheme or a bad URL; errc::store_unavailable if the
/// backend cannot be opened (e.g. unwritable SQLite file); errc::access_denied if Redis refuses the
/// URL's credentials at open time (logged). A Redis or PostgreSQL server that is down at open time is
/// not an error: calls fail until it is up (PostgreSQL's schema is then migrated by the first call
/// that reaches it). A password refused later (rotated on the server) is an outage: calls fail with
/// store_unavailable until the server accepts it again.
[[nodiscard]] result<std::unique_ptr<store>> open_store(std::string_view url, const store_options& options = {});

/// `url` with its password replaced by `***` (`redis://app:***@127.0.0.1:6379/0`), for log lines
/// and error messages; a URL without credentials comes back unchanged.
[[nodiscard]] std::string redact_store_url(std::string_view url);

}  // namespace sesh
