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

result<std::vector<session_info>> session_manager::list(std::string_view user_id) const {
    const impl& m = *impl_;
    if (m.strategy != strategy::server || user_id.empty()) return fail(errc::invalid_argument);
    auto records = m.store->list_user(user_id);
    if (!records) return fail(records.error());
    std::vector<session_info> out;
    out.reserve(records->size());
    for (auto& r : *records)
        out.push_back({std::move(r.key), r.created, r.last_seen, r.expires(), std::move(r.address),
                       std::move(r.user_agent)});
    return out;
}

result<void> session_manager::revoke(std::string_view session_id) const {
    const impl& m = *impl_;
    if (!m.store || session_id.empty()) return fail(errc::invalid_argument);
    if (m.strategy == strategy::server) return m.store->erase(session_id);
    // A session id outlives any one token: its tokens keep coming, each max_age long, until the
    // absolute timeout, which cannot end later than absolute_timeout from now.
    return m.store->deny(session_id, m.clock->now() + std::max(m.absolute_timeout, m.max_age));
}

result<std::size_t> session_manager::revoke_user(std::string_view user_id) const {
    const impl& m = *impl_;
    if (!m.store || user_id.empty()) return fail(errc::invalid_argument);
    if (m.strategy == strategy::server) return m.store->erase_user(user_id);
    if (auto r = m.store->set_not_before(user_id, not_before_now(m)); !r) return fail(r.error());
    return std::size_t{0};
}

result<std::size_t> session_manager::revoke_others(session& s) const {
    const impl& m = *impl_;
    if (!m.store || s.user_id_.empty()) return fail(errc::invalid_argument);
    if (m.strategy == strategy::server) {
        // Keep the record that is stored: regenerate's new key has none until the next save.
        std::string_view keep;
        if (!s.is_new_) keep = !s.previous_id_.empty() ? s.previous_id_ : s.id_;
        return m.store->erase_user(s.user_id_, keep);
    }
    if (auto r = m.store->set_not_before(s.user_id_, not_before_now(m)); !r) return fail(r.error());
    // `s` was issued before now too: its next save must give it a token from now on.
    s.reissue_ = true;
    return std::size_t{0};
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
