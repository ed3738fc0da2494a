// The session manager: load a request's session from its Cookie header, hand it to the handler,
// and turn what the handler changed into Set-Cookie headers — the C++ getServerSession plus
// iron-session's save()/destroy(), over three strategies a handler cannot tell apart.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include <sesh/clock.hpp>
#include <sesh/cookie.hpp>
#include <sesh/iron.hpp>
#include <sesh/random.hpp>
#include <sesh/result.hpp>
#include <sesh/session.hpp>
#include <sesh/store.hpp>

namespace sesh {

/// Where a session lives.
enum class strategy {
    server,  ///< an opaque 256-bit token in the cookie, the record in a store (default)
    jwt,     ///< a next-auth v4 session token in the cookie; stateless
    iron,    ///< an iron-session 8 seal in the cookie; stateless
    /// next-auth's database strategy: a random UUID in the cookie `next-auth.session-token`, the
    /// session a row of Auth.js's `sessions` table (shared with a next-auth app using an
    /// adapter on the same database). Needs a store that keeps that table (postgres://).
    database,
};

/// Facts about the client, kept with server sessions for "my devices".
struct client_info {
    std::string_view address;
    std::string_view user_agent;
};

/// Options of a session_manager. Defaults follow next-auth where it has one.
struct session_options {
    /// Where sessions live. Default server.
    sesh::strategy strategy = sesh::strategy::server;
    /// Required for `server`, and for `database` one whose keeps_authjs_sessions() is true.
    /// For `jwt` and `iron` optional: when set, tokens become revocable
    /// (a deny-list of session ids and a per-user not-before time, checked on every load: one
    /// store::revoked round trip).
    std::shared_ptr<sesh::store> store;
    /// jwt: the secrets (first encrypts, all decrypt). Required for jwt.
    std::vector<std::string> secrets;
    /// iron: the password map. Required for iron.
    password_map passwords;

    /// Inactivity limit enforced by the server: a session unused this long ends. Default 30 days
    /// (next-auth's session maxAge, which slides). jwt/iron: measured from the token's issue
    /// time, which sliding renewal moves once per update_age.
    std::chrono::seconds idle_timeout = std::chrono::hours(24 * 30);
    /// Hard limit from creation (or the last regenerate), never extended by activity. Default
    /// 90 days.
    std::chrono::seconds absolute_timeout = std::chrono::hours(24 * 90);
    /// Cookie Max-Age (and token lifetime for jwt/iron), never past the absolute expiry.
    /// Default 30 days. iron: the seal's ttl; the cookie gets iron-session's ttl - 60 s, so it
    /// must be over 60 s.
    std::chrono::seconds max_age = std::chrono::hours(24 * 30);
    /// Sliding renewal writes at most once per this interval (server: one store::touch; jwt/iron:
    /// a re-issued token). Default 24 hours (next-auth updateAge). Zero renews on every save.
    std::chrono::seconds update_age = std::chrono::hours(24);
    /// Session data larger than this (as JSON) is refused at save with errc::too_large.
    /// Default 16 KiB.
    std::size_t max_data_bytes = 16 * 1024;
    /// A session without a user id is anonymous (no sign-in yet): anyone can start one with a
    /// request that carries no cookie, so it is held to tighter limits until it gets a user, or
    /// such requests could fill the store with large, long-lived records. Its data over this (or
    /// max_data_bytes, when smaller) is refused at save with errc::too_large. Default 4 KiB.
    std::size_t anonymous_max_data_bytes = 4 * 1024;
    /// The idle timeout of an anonymous session (or idle_timeout, when shorter); once it has a
    /// user id it gets idle_timeout. Its sliding renewal runs at least every half of this, even
    /// when update_age is longer, so an active visitor keeps the session. Default 1 hour.
    std::chrono::seconds anonymous_idle_timeout = std::chrono::hours(1);

    /// Cookie base name. Empty means the strategy's default: `sesh.session-token` (server),
    /// `next-auth.session-token` (jwt and database, so next-auth apps share it), `iron-session`
    /// (iron).
    /// The prefix below is added to a custom name too, unless it already starts with `__`.
    std::string cookie_name;
    /// Secure cookies, and the name prefix: server `__Host-` (`__Secure-` when a domain is set or
    /// the path is not "/"), jwt and database `__Secure-` (as next-auth on https), iron none (iron-session
    /// uses its cookieName as given). Default on; seshd turns it off only for a plain-http
    /// development origin.
    bool secure = true;
    /// The SameSite attribute. Default Lax (next-auth and iron-session). None requires secure.
    sesh::same_site same_site = sesh::same_site::lax;
    /// Cookie Domain; empty means host-only (required for the `__Host-` prefix).
    std::string domain;
    /// Cookie Path. Default "/".
    std::string path = "/";
    /// jwt/iron: split cookies over 3933 characters into chunks, as next-auth does. With it
    /// off, a cookie that would pass 4096 bytes is refused at save with errc::too_large.
    /// Default on. (iron-session itself never chunks: a chunked seal only sesh can read.)
    bool chunking = true;

    /// Time source; null means sesh::system_clock(). Must outlive the manager. Give the store
    /// the same clock.
    const sesh::clock* clock = nullptr;
    /// Randomness for tokens; null means sesh::system_random(). Must outlive the manager.
    random_source* random = nullptr;
};

/// What a user sees in "my devices": one live server session.
struct session_info {
    std::string id;  ///< the store key: safe to show, usable with revoke()
    clock::time_point created;
    clock::time_point last_seen;
    clock::time_point expires;
    std::string address;
    std::string user_agent;
};

/// Loads, saves, renews, rotates and revokes sessions. Thread-safe: one manager serves all
/// requests; each session object belongs to one request. Copies share one immutable state.
///
/// What the token carries for the stateless strategies. jwt: the session data as claims, the
/// user id as `sub`, next-auth's `iat`/`exp`/`jti`, `sesh_sid` (the session id, the same in every
/// token of one session: session::id) and `sesh_iat_ms`/`sesh_created_ms` (issue and creation
/// time in milliseconds; a token made by next-auth, without them, counts from `iat`, and its
/// `jti` serves as the session id). iron: the data, plus a `_sesh` member {sid, iat_ms,
/// created_ms, uid} (sid only with a store) when a store is configured or a user id is set; an anonymous iron session without a store is sealed exactly
/// as iron-session would seal its data, and then lives as iron-session's do: until the seal
/// expires, with no sliding renewal and no server-side idle or absolute limit.
class session_manager {
public:
    /// errc::invalid_argument when a required option for the strategy is missing or unusable
    /// (no store for server, no secret for jwt, a short iron password, timeouts <= 0, a negative
    /// update_age, max_data_bytes or anonymous_max_data_bytes 0, anonymous_idle_timeout <= 0,
    /// iron max_age <= 60 s, a cookie name that is not a token, or
    /// attributes a browser would refuse such as SameSite=None without Secure).
    [[nodiscard]] static result<session_manager> create(session_options options);

    /// The cookie name in use, with its prefix (e.g. `__Host-sesh.session-token`).
    [[nodiscard]] const std::string& cookie_name() const noexcept;
    /// True when the strategy keeps each session as a record of the user's in the store
    /// (server), so list() answers and each listed id can be revoked on its own ("my devices").
    /// False for jwt and iron, whose sessions live in the cookie: list() refuses them (revoke
    /// by id and revoke_others still work with a store). Fixed at create(); thread-safe.
    [[nodiscard]] bool lists_sessions() const noexcept;

    /// The session of a request. No cookie → a new, empty session. A valid cookie → the loaded
    /// session. An expired, tampered, malformed, revoked or unknown cookie → a new, empty session
    /// marked so that save() clears (or replaces) the cookie; a tampered or malformed one is
    /// logged at debug level (names and ids only, never the token). Only errc::store_unavailable
    /// is an error (answer 503); bad input never is. `client` is kept for a server session created
    /// by the next save ("my devices"). Thread-safe.
    [[nodiscard]] result<session> load(std::string_view cookie_header, const client_info& client) const;
    /// load, for a coroutine on an event loop: the same contract, with the store reached through
    /// its asynchronous face (<sesh/async_store.hpp>), so the loop serves other requests while it
    /// waits. `cookie_header` and the views in `client` must stay valid until the await ends.
    [[nodiscard]] boost::asio::awaitable<result<session>> async_load(std::string_view cookie_header,
                                                                     client_info client) const;
    /// load and async_load from cookies the caller has parsed already (parse_cookie_header;
    /// an empty list for a header it refused), so a server parses each Cookie header once.
    /// `cookies`, the text they view and the views in `client` must stay valid until the call
    /// (or the await) ends.
    [[nodiscard]] result<session> load(const std::vector<cookie>& cookies, const client_info& client) const;
    [[nodiscard]] boost::asio::awaitable<result<session>> async_load(const std::vector<cookie>& cookies,
                                                                     client_info client) const;

    /// The Set-Cookie header values (without "Set-Cookie: ") to send for `s`: its data written
    /// (created lazily: a new session with no data and no user writes nothing), renewed if older
    /// than update_age, a regenerated token swapped in, or a stale cookie cleared. Empty when
    /// nothing needs sending, and always empty for a destroyed session. Errors: too_large (data
    /// over max_data_bytes, or a cookie over 4096 bytes without chunking), invalid_argument (jwt
    /// data holding a claim sesh writes itself, listed at session::data; iron data holding
    /// `_sesh`), store_unavailable, store_full; not_found when the session was destroyed
    /// meanwhile (by logout elsewhere): it is not brought back. On error `s` is unchanged.
    [[nodiscard]] result<std::vector<std::string>> save(session& s) const;
    /// save, awaited (as async_load is); `s` must outlive the await.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<std::string>>> async_save(session& s) const;

    /// Ends `s`: removes the server record, or denies the session id (jwt/iron with a store)
    /// until the session's absolute expiry, which ends every token the session was ever given,
    /// not only the current one (without a store a stateless token stays valid until it expires,
    /// only the cookie goes).
    /// Returns the Set-Cookie values that clear the cookie and every chunk the request had.
    /// Errors: store_unavailable (then `s` is unchanged).
    [[nodiscard]] result<std::vector<std::string>> destroy(session& s) const;
    /// destroy, awaited (as async_load is); `s` must outlive the await.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<std::string>>> async_destroy(session& s) const;

    /// Gives `s` a new token with the same data (call it at login: no session fixation). The
    /// old token stops working at the next save, which writes the new cookie (jwt/iron: a new
    /// session id, and the old one, with every token that carried it, is denied when a store is
    /// configured; without one the old tokens live until they expire). The absolute timeout starts again, as for a new session. No effect on a new
    /// session, which gets a fresh token at its first save anyway.
    void regenerate(session& s) const;

    /// Live server sessions of a user, oldest first, for "my devices". Only when
    /// lists_sessions(): errc::invalid_argument otherwise or for an empty user id; store_unavailable.
    [[nodiscard]] result<std::vector<session_info>> list(std::string_view user_id) const;
    /// list, awaited (as async_load is).
    [[nodiscard]] boost::asio::awaitable<result<std::vector<session_info>>> async_list(std::string_view user_id) const;
    /// Ends one session by its id (session_info::id, session::id). Server: removes the record.
    /// jwt/iron with a store: denies that session id, and so every token of the session, for
    /// absolute_timeout (or max_age, if longer) from now. Succeeds whether or not it existed.
    /// errc::invalid_argument for jwt/iron without a store or an empty id; store_unavailable.
    [[nodiscard]] result<void> revoke(std::string_view session_id) const;
    /// revoke, awaited (as async_load is).
    [[nodiscard]] boost::asio::awaitable<result<void>> async_revoke(std::string_view session_id) const;
    /// Ends every session of a user (server: removes the records; jwt/iron with a store: tokens
    /// issued before now, to the millisecond, stop loading). Returns how many server records were removed (0 for
    /// jwt/iron). errc::invalid_argument for an empty user id or jwt/iron without a store.
    [[nodiscard]] result<std::size_t> revoke_user(std::string_view user_id) const;
    /// revoke_user, awaited (as async_load is).
    [[nodiscard]] boost::asio::awaitable<result<std::size_t>> async_revoke_user(std::string_view user_id) const;
    /// Ends every session of `s`'s user except `s` itself (e.g. after a password change). For
    /// jwt/iron this sets the user's not-before time to now and marks `s` to be re-issued at its
    /// next save, so save(s) must follow. Returns how many server records were removed.
    /// errc::invalid_argument for an anonymous `s` or jwt/iron without a store.
    [[nodiscard]] result<std::size_t> revoke_others(session& s) const;
    /// revoke_others, awaited (as async_load is); `s` must outlive the await.
    [[nodiscard]] boost::asio::awaitable<result<std::size_t>> async_revoke_others(session& s) const;

    struct impl;

private:
    explicit session_manager(std::shared_ptr<const impl> p) noexcept : impl_(std::move(p)) {}
    std::shared_ptr<const impl> impl_;
};

}  // namespace sesh
