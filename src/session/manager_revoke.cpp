// Ending sessions: destroy (logout), regenerate (login), and revocation by id, by user, or of
// every session but the current one; plus "my devices".
#include <algorithm>

#include <sesh/opaque_token.hpp>

#include "session/manager_impl.hpp"
#include "session/store_io.hpp"

namespace sesh {

namespace {

// Tokens not valid before this time: whole milliseconds, the precision of sesh's issue-time
// claims, so a token re-issued in the same instant is not refused by its own revocation.
clock::time_point not_before_now(const session_manager::impl& m) {
    return std::chrono::floor<std::chrono::milliseconds>(m.clock->now());
}

}  // namespace

namespace detail {

template <class Io>
typename Io::template task<result<std::vector<std::string>>> session_ops::destroy(const impl& m, session& s) {
    if (m.strategy == strategy::server) {
        // The record in the store: the old key if regenerate swapped in a token not yet saved.
        const std::string& key = !s.previous_id_.empty() ? s.previous_id_ : s.id_;
        if (!s.is_new_ && !key.empty())
            if (auto e = co_await Io::erase(*m.store, key); !e) co_return fail(e.error());
    } else if (m.store && !s.is_new_) {
        // Every token the session was given (at login, after each write, at each renewal)
        // carries its id, and any of them may have been copied: deny the id until the session's
        // absolute expiry, past which no token of it loads anyway (ASVS 3.3.1).
        if (!s.previous_id_.empty())
            if (auto d = co_await Io::deny(*m.store, s.previous_id_, s.previous_expires_); !d) co_return fail(d.error());
        if (!s.id_.empty() && s.previous_id_ != s.id_)
            if (auto d = co_await Io::deny(*m.store, s.id_, deny_until(s)); !d) co_return fail(d.error());
    }
    // next-auth's signOut clears the session cookie and every chunk the request carried.
    auto cookies = clear_cookies(m, s, true);
    reset_to_new(s, false);
    s.previous_id_.clear();
    s.destroyed_ = true;
    co_return cookies;
}

template blocking_io::task<result<std::vector<std::string>>> session_ops::destroy<blocking_io>(const impl&, session&);
template async_io::task<result<std::vector<std::string>>> session_ops::destroy<async_io>(const impl&, session&);

}  // namespace detail

result<std::vector<std::string>> session_manager::destroy(session& s) const {
    return detail::session_ops::destroy<detail::blocking_io>(*impl_, s).get();
}

boost::asio::awaitable<result<std::vector<std::string>>> session_manager::async_destroy(session& s) const {
    return detail::session_ops::destroy<detail::async_io>(*impl_, s);
}

void session_manager::regenerate(session& s) const {
    const impl& m = *impl_;
    // A session not stored yet gets a fresh token at its first save anyway.
    if (s.is_new_ || s.destroyed_) return;
    if (m.strategy == strategy::server) {
        if (s.previous_id_.empty()) s.previous_id_ = std::move(s.id_);
        s.token_ = make_opaque_token(*m.random);
        s.id_ = opaque_token_store_key(s.token_);
        return;
    }
    // The new token gets a new session id at save; the old id, and with it every token the
    // session had so far, is denied then (with a store).
    if (m.store && s.previous_id_.empty() && !s.id_.empty()) {
        s.previous_id_ = s.id_;
        s.previous_expires_ = detail::session_ops::deny_until(s);
    }
    s.id_.clear();
    // A login starts a new session: the absolute limit counts from here, as for server sessions.
    const auto now = m.clock->now();
    s.created_ = now;
    s.absolute_expires_ = now + m.absolute_timeout;
    s.reissue_ = true;
}

namespace detail {

template <class Io>
typename Io::template task<result<std::vector<session_info>>> session_ops::list(const impl& m, std::string user_id) {
    if (m.strategy != strategy::server || user_id.empty()) co_return fail(errc::invalid_argument);
    auto records = co_await Io::list_user(*m.store, user_id);
    if (!records) co_return fail(records.error());
    std::vector<session_info> out;
    out.reserve(records->size());
    for (auto& r : *records)
        out.push_back({std::move(r.key), r.created, r.last_seen, r.expires(), std::move(r.address),
                       std::move(r.user_agent)});
    co_return out;
}

template <class Io>
typename Io::template task<result<void>> session_ops::revoke(const impl& m, std::string session_id) {
    if (!m.store || session_id.empty()) co_return fail(errc::invalid_argument);
    if (m.strategy == strategy::server) co_return co_await Io::erase(*m.store, session_id);
    // A session id outlives any one token: its tokens keep coming, each max_age long, until the
    // absolute timeout, which cannot end later than absolute_timeout from now.
    co_return co_await Io::deny(*m.store, session_id, m.clock->now() + std::max(m.absolute_timeout, m.max_age));
}

template <class Io>
typename Io::template task<result<std::size_t>> session_ops::revoke_user(const impl& m, std::string user_id) {
    if (!m.store || user_id.empty()) co_return fail(errc::invalid_argument);
    if (m.strategy == strategy::server) co_return co_await Io::erase_user(*m.store, user_id, {});
    if (auto r = co_await Io::set_not_before(*m.store, user_id, not_before_now(m)); !r) co_return fail(r.error());
    co_return std::size_t{0};
}

template <class Io>
typename Io::template task<result<std::size_t>> session_ops::revoke_others(const impl& m, session& s) {
    if (!m.store || s.user_id_.empty()) co_return fail(errc::invalid_argument);
    if (m.strategy == strategy::server) {
        // Keep the record that is stored: regenerate's new key has none until the next save.
        std::string_view keep;
        if (!s.is_new_) keep = !s.previous_id_.empty() ? s.previous_id_ : s.id_;
        co_return co_await Io::erase_user(*m.store, s.user_id_, keep);
    }
    if (auto r = co_await Io::set_not_before(*m.store, s.user_id_, not_before_now(m)); !r) co_return fail(r.error());
    // `s` was issued before now too: its next save must give it a token from now on.
    s.reissue_ = true;
    co_return std::size_t{0};
}

template blocking_io::task<result<std::vector<session_info>>> session_ops::list<blocking_io>(const impl&, std::string);
template blocking_io::task<result<void>> session_ops::revoke<blocking_io>(const impl&, std::string);
template blocking_io::task<result<std::size_t>> session_ops::revoke_user<blocking_io>(const impl&, std::string);
template blocking_io::task<result<std::size_t>> session_ops::revoke_others<blocking_io>(const impl&, session&);
template async_io::task<result<std::vector<session_info>>> session_ops::list<async_io>(const impl&, std::string);
template async_io::task<result<void>> session_ops::revoke<async_io>(const impl&, std::string);
template async_io::task<result<std::size_t>> session_ops::revoke_user<async_io>(const impl&, std::string);
template async_io::task<result<std::size_t>> session_ops::revoke_others<async_io>(const impl&, session&);

}  // namespace detail

result<std::vector<session_info>> session_manager::list(std::string_view user_id) const {
    return detail::session_ops::list<detail::blocking_io>(*impl_, std::string(user_id)).get();
}
boost::asio::awaitable<result<std::vector<session_info>>> session_manager::async_list(std::string_view user_id) const {
    return detail::session_ops::list<detail::async_io>(*impl_, std::string(user_id));
}
result<void> session_manager::revoke(std::string_view session_id) const {
    return detail::session_ops::revoke<detail::blocking_io>(*impl_, std::string(session_id)).get();
}
boost::asio::awaitable<result<void>> session_manager::async_revoke(std::string_view session_id) const {
    return detail::session_ops::revoke<detail::async_io>(*impl_, std::string(session_id));
}
result<std::size_t> session_manager::revoke_user(std::string_view user_id) const {
    return detail::session_ops::revoke_user<detail::blocking_io>(*impl_, std::string(user_id)).get();
}
boost::asio::awaitable<result<std::size_t>> session_manager::async_revoke_user(std::string_view user_id) const {
    return detail::session_ops::revoke_user<detail::async_io>(*impl_, std::string(user_id));
}
result<std::size_t> session_manager::revoke_others(session& s) const {
    return detail::session_ops::revoke_others<detail::blocking_io>(*impl_, s).get();
}
boost::asio::awaitable<result<std::size_t>> session_manager::async_revoke_others(session& s) const {
    return detail::session_ops::revoke_others<detail::async_io>(*impl_, s);
}

namespace detail {

clock::time_point session_ops::deny_until(const session& s) noexcept {
    // Until no token of the session can load: the absolute expiry (all its tokens share the
    // creation time), or the token's own expiry when later (a seal without sesh's metadata
    // has no absolute limit but its own).
    return std::max(s.absolute_expires_, s.token_expires_);
}

}  // namespace detail
}  // namespace sesh
