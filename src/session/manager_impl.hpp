// The session_manager's immutable state and the internal operations its source files share.
// Internal (not installed).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sesh/cookie.hpp>
#include <sesh/session_manager.hpp>

#include "core/unix_ms.hpp"

namespace sesh {

namespace detail {
class session_strategy;
}

/// Everything create() derives once, so load and save only read it. Immutable; shared by copies
/// of the manager across threads.
struct session_manager::impl {
    /// Where sessions live and how (strategy.hpp): every step that differs calls through it.
    std::unique_ptr<const detail::session_strategy> strategy;
    std::shared_ptr<sesh::store> store;  ///< null for jwt/iron without revocation
    const sesh::clock* clock = nullptr;
    random_source* random = nullptr;
    std::chrono::seconds idle_timeout{};
    std::chrono::seconds absolute_timeout{};
    std::chrono::seconds max_age{};
    std::chrono::seconds update_age{};
    std::chrono::seconds cookie_max_age{};  ///< max_age, or iron-session's ttl - 60 s for iron
    std::size_t max_data_bytes = 0;
    std::size_t anonymous_max_data_bytes = 0;         ///< never over max_data_bytes
    std::chrono::seconds anonymous_idle_timeout{};    ///< never over idle_timeout
    bool chunking = true;
    /// The session cookie with its final name and every attribute; the value is filled per save.
    set_cookie cookie;
};

namespace detail {

/// The steps of load/save/destroy, one group per file; a friend of session.
struct session_ops {
    using impl = session_manager::impl;

    // The strategies' steps (strategy.hpp), nested here because members of session's friend,
    // nested classes included, may use session's private state ([class.friend]/2): a new
    // strategy adds one line here and nothing to the public session.hpp.
    class server_strategy;     // strategy_server.cpp
    class stateless_strategy;  // strategy_stateless.hpp, the base of jwt and iron
    class database_strategy;   // strategy_database.cpp
    template <class Self>
    class record_strategy;     // strategy.hpp: the record steps server and database share

    // The steps that reach the store are coroutine templates over Io (store_io.hpp): one body
    // for the blocking face (blocking_io) and the asynchronous one (async_io), both instantiated
    // in the step's own file.
    template <class Io, class T>
    using task = typename Io::template task<T>;

    // manager_load.cpp
    /// session_manager::load and async_load, from the request's parsed cookies.
    template <class Io>
    [[nodiscard]] static task<Io, result<session>> load(const impl& m, const std::vector<cookie>& cookies,
                                                        client_info client);

    // manager_save.cpp
    /// session_manager::save and async_save.
    template <class Io>
    [[nodiscard]] static task<Io, result<std::vector<std::string>>> save(const impl& m, session& s);

    // manager_revoke.cpp
    /// session_manager::destroy and async_destroy.
    template <class Io>
    [[nodiscard]] static task<Io, result<std::vector<std::string>>> destroy(const impl& m, session& s);
    /// session_manager::list, revoke, revoke_user, revoke_others and their async_ namesakes. The
    /// ids are taken by value: an awaited body may outlive the caller's views.
    template <class Io>
    [[nodiscard]] static task<Io, result<std::vector<session_info>>> list(const impl& m, std::string user_id);
    template <class Io>
    [[nodiscard]] static task<Io, result<void>> revoke(const impl& m, std::string session_id);
    template <class Io>
    [[nodiscard]] static task<Io, result<std::size_t>> revoke_user(const impl& m, std::string user_id);
    template <class Io>
    [[nodiscard]] static task<Io, result<std::size_t>> revoke_others(const impl& m, session& s);

    // manager_cookies.cpp
    /// Set-Cookie values writing `value` under the session cookie name (chunked when allowed),
    /// and deleting every chunk of the request the new set does not overwrite.
    [[nodiscard]] static result<std::vector<std::string>> write_cookie(const impl& m, const session& s,
                                                                       std::string_view value,
                                                                       std::chrono::seconds max_age);
    /// Set-Cookie values deleting the cookie and its chunks the request carried; with
    /// `always_base`, the plain name too even if the request did not carry it.
    [[nodiscard]] static std::vector<std::string> clear_cookies(const impl& m, const session& s, bool always_base);

    /// The cookie Max-Age for a token written at `now`: the strategy's, but never past the
    /// session's absolute expiry.
    [[nodiscard]] static std::chrono::seconds cookie_age(const impl& m, clock::time_point now,
                                                         clock::time_point absolute_expires) noexcept;

    /// True when the data is over max_data_bytes as JSON.
    [[nodiscard]] static bool too_large(const impl& m, const session& s);

    /// Turns `s` into what load returns for no (or a bad) cookie, keeping the seen cookies.
    static void reset_to_new(session& s, bool stale) noexcept;
};

/// The idle timeout of a session with (or without) a user id: anonymous ones get the shorter.
[[nodiscard]] inline std::chrono::seconds idle_timeout_for(const session_manager::impl& m,
                                                            const std::string& user_id) noexcept {
    return user_id.empty() ? m.anonymous_idle_timeout : m.idle_timeout;
}

/// How long after its last renewal a session is renewed again: update_age, but for an anonymous
/// session at most half its idle timeout, so that a visitor active more often than that never
/// sees it end.
[[nodiscard]] inline std::chrono::seconds renew_after(const session_manager::impl& m,
                                                      const std::string& user_id) noexcept {
    return user_id.empty() ? std::min(m.update_age, m.anonymous_idle_timeout / 2) : m.update_age;
}

/// The latest millisecond count a token may carry: the end of year 9999, so no claim overflows
/// the arithmetic on counts (seconds times 1000). It is past what a nanosecond time_point holds
/// (2262): from_unix_ms refuses such counts.
inline constexpr std::int64_t max_unix_ms = 253'402'300'799'999;

}  // namespace detail
}  // namespace sesh
