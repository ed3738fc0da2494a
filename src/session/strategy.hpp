// The session strategy interface: what server, jwt and iron sessions do differently, each one
// implementation in its own file (strategy_server.cpp, strategy_jwt.cpp, strategy_iron.cpp over
// strategy_stateless.cpp), chosen once by session_manager::create. Internal (not installed).
//
// The design, and why. The steps that reach the store are coroutine templates over Io
// (store_io.hpp), so one body serves the blocking and the asynchronous face; a virtual function
// cannot be a template. So each store step is a pair of virtuals, one per face, told apart by
// the Io tag they take (strategy_steps<Io>), and a strategy writes each body once, as a member
// template `<step>_with<Io>`: strategy_faces<Self> (CRTP) implements both virtuals of every
// step by calling it. The manager's steps (manager_*.cpp) keep what every strategy shares —
// finding the cookie, lazy creation, clearing cookies, the argument checks — and call through
// the interface once per step, never testing which strategy they run.
//
// A new strategy (issue 13's database strategy) is one file: a class nested in session_ops
// (declared there, so that it may touch session's private state) deriving from
// strategy_faces<itself>, its make_*_strategy factory, and one case in create's switch.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sesh/cookie.hpp>
#include <sesh/result.hpp>
#include <sesh/session.hpp>
#include <sesh/session_manager.hpp>

#include "session/manager_impl.hpp"
#include "session/store_io.hpp"

namespace sesh::detail {

/// The RFC 6265bis name prefix a secure session cookie takes.
enum class cookie_prefix {
    none,    ///< the name as given
    secure,  ///< `__Secure-`
    host,    ///< `__Host-`, or `__Secure-` when a Domain or a Path other than "/" rules it out
};

/// The store steps of a strategy for one face of the store (blocking_io or async_io). The Io
/// argument is a tag: it makes the two faces' virtuals distinct overloads that one class can
/// override. Every step keeps the manager's contract for it (session_manager.hpp).
template <class Io>
class strategy_steps {
public:
    template <class T>
    using task = typename Io::template task<T>;

    /// The request's session cookie into the new session `s`: `plain` is the cookie under its
    /// plain name (none when only chunks came), `cookies` all the request's. Leaves `s` new and
    /// stale when the cookie does not give a live session; only store errors fail.
    [[nodiscard]] virtual task<result<void>> load(Io, const session_manager::impl& m, session& s,
                                                  const std::vector<cookie>& cookies,
                                                  std::optional<std::string_view> plain) const = 0;
    /// save, once the manager has ruled out a destroyed session and a new one with nothing in it.
    [[nodiscard]] virtual task<result<std::vector<std::string>>> save(Io, const session_manager::impl& m,
                                                                      session& s) const = 0;
    /// destroy's store part: `s` ends in the store (erased, or its ids denied); the manager then
    /// clears the cookie.
    [[nodiscard]] virtual task<result<void>> end(Io, const session_manager::impl& m, session& s) const = 0;
    /// revoke, revoke_user and revoke_others, once the manager has checked that a store is
    /// configured and the id (or `s`'s user) is not empty.
    [[nodiscard]] virtual task<result<void>> revoke(Io, const session_manager::impl& m,
                                                    std::string session_id) const = 0;
    [[nodiscard]] virtual task<result<std::size_t>> revoke_user(Io, const session_manager::impl& m,
                                                                std::string user_id) const = 0;
    [[nodiscard]] virtual task<result<std::size_t>> revoke_others(Io, const session_manager::impl& m,
                                                                  session& s) const = 0;

protected:
    ~strategy_steps() = default;
};

/// One strategy: where its sessions live and how its cookie is named. Immutable once made;
/// thread-safe; owned by the manager's impl.
class session_strategy : public strategy_steps<blocking_io>, public strategy_steps<async_io> {
public:
    session_strategy() = default;
    session_strategy(const session_strategy&) = delete;
    session_strategy& operator=(const session_strategy&) = delete;
    virtual ~session_strategy() = default;

    /// The store steps of one face: `m.strategy->steps<Io>().load(Io{}, …)`.
    template <class Io>
    [[nodiscard]] const strategy_steps<Io>& steps() const noexcept {
        return *this;
    }

    /// The cookie name when session_options::cookie_name is empty.
    [[nodiscard]] virtual std::string_view default_cookie_name() const noexcept = 0;
    /// The name prefix of a secure cookie.
    [[nodiscard]] virtual cookie_prefix prefix() const noexcept = 0;
    /// The cookie Max-Age of a fresh token, before the absolute expiry caps it.
    [[nodiscard]] virtual std::chrono::seconds cookie_max_age() const noexcept = 0;
    /// session_manager::lists_sessions.
    [[nodiscard]] virtual bool lists_sessions() const noexcept = 0;
    /// session_manager::regenerate, for a session neither new nor destroyed.
    virtual void regenerate(const session_manager::impl& m, session& s) const = 0;
};

/// Implements both faces of every store step by calling Self's member templates
/// load_with<Io>, save_with<Io>, end_with<Io>, revoke_with<Io>, revoke_user_with<Io> and
/// revoke_others_with<Io> (same arguments, without the tag).
template <class Self>
class strategy_faces : public session_strategy {
    const Self& self() const noexcept { return static_cast<const Self&>(*this); }

protected:
    template <class Io, class T>
    using task = typename Io::template task<T>;
    using impl = session_manager::impl;

public:
    task<blocking_io, result<void>> load(blocking_io, const impl& m, session& s, const std::vector<cookie>& cookies,
                                         std::optional<std::string_view> plain) const final {
        return self().template load_with<blocking_io>(m, s, cookies, plain);
    }
    task<async_io, result<void>> load(async_io, const impl& m, session& s, const std::vector<cookie>& cookies,
                                      std::optional<std::string_view> plain) const final {
        return self().template load_with<async_io>(m, s, cookies, plain);
    }
    task<blocking_io, result<std::vector<std::string>>> save(blocking_io, const impl& m, session& s) const final {
        return self().template save_with<blocking_io>(m, s);
    }
    task<async_io, result<std::vector<std::string>>> save(async_io, const impl& m, session& s) const final {
        return self().template save_with<async_io>(m, s);
    }
    task<blocking_io, result<void>> end(blocking_io, const impl& m, session& s) const final {
        return self().template end_with<blocking_io>(m, s);
    }
    task<async_io, result<void>> end(async_io, const impl& m, session& s) const final {
        return self().template end_with<async_io>(m, s);
    }
    task<blocking_io, result<void>> revoke(blocking_io, const impl& m, std::string id) const final {
        return self().template revoke_with<blocking_io>(m, std::move(id));
    }
    task<async_io, result<void>> revoke(async_io, const impl& m, std::string id) const final {
        return self().template revoke_with<async_io>(m, std::move(id));
    }
    task<blocking_io, result<std::size_t>> revoke_user(blocking_io, const impl& m, std::string user) const final {
        return self().template revoke_user_with<blocking_io>(m, std::move(user));
    }
    task<async_io, result<std::size_t>> revoke_user(async_io, const impl& m, std::string user) const final {
        return self().template revoke_user_with<async_io>(m, std::move(user));
    }
    task<blocking_io, result<std::size_t>> revoke_others(blocking_io, const impl& m, session& s) const final {
        return self().template revoke_others_with<blocking_io>(m, s);
    }
    task<async_io, result<std::size_t>> revoke_others(async_io, const impl& m, session& s) const final {
        return self().template revoke_others_with<async_io>(m, s);
    }
};

/// The strategies, made from the options by session_manager::create once it has filled `m`'s
/// clock, randomness and limits. errc::invalid_argument when an option the strategy needs is
/// missing or unusable (server: no store; jwt: no usable secret; iron: a short password or
/// max_age <= 60 s).
[[nodiscard]] result<std::unique_ptr<const session_strategy>> make_server_strategy(const session_options& o,
                                                                                  const session_manager::impl& m);
[[nodiscard]] result<std::unique_ptr<const session_strategy>> make_jwt_strategy(const session_options& o,
                                                                               const session_manager::impl& m);
[[nodiscard]] result<std::unique_ptr<const session_strategy>> make_iron_strategy(const session_options& o,
                                                                                const session_manager::impl& m);
/// database: errc::invalid_argument without a store that keeps Auth.js's sessions
/// (store::keeps_authjs_sessions).
[[nodiscard]] result<std::unique_ptr<const session_strategy>> make_database_strategy(const session_options& o,
                                                                                    const session_manager::impl& m);

/// The steps of a strategy whose session is a record in the store under its id (server,
/// database): ending, revoking and listing-based revocation erase records. Self supplies the
/// rest (load_with, save_with) as strategy_faces asks.
template <class Self>
class session_ops::record_strategy : public strategy_faces<Self> {
public:
    template <class Io>
    task<Io, result<void>> end_with(const impl& m, session& s) const {
        // The record in the store: the old key if regenerate swapped in a token not yet saved.
        const std::string& key = !s.previous_id_.empty() ? s.previous_id_ : s.id_;
        if (s.is_new_ || key.empty()) co_return result<void>{};
        co_return co_await Io::erase(*m.store, key);
    }
    template <class Io>
    task<Io, result<void>> revoke_with(const impl& m, std::string id) const {
        co_return co_await Io::erase(*m.store, id);
    }
    template <class Io>
    task<Io, result<std::size_t>> revoke_user_with(const impl& m, std::string user_id) const {
        co_return co_await Io::erase_user(*m.store, user_id, {});
    }
    template <class Io>
    task<Io, result<std::size_t>> revoke_others_with(const impl& m, session& s) const {
        // Keep the record that is stored: regenerate's new key has none until the next save.
        std::string_view keep;
        if (!s.is_new_) keep = !s.previous_id_.empty() ? s.previous_id_ : s.id_;
        co_return co_await Io::erase_user(*m.store, s.user_id_, keep);
    }
};

}  // namespace sesh::detail
