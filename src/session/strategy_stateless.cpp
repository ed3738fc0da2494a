// The steps jwt and iron sessions share: open the token and enforce the server's idle and
// absolute limits, re-issue it when it changed or is due, and revoke through the store.
#include <algorithm>
#include <array>
#include <cmath>

#include <sesh/log.hpp>

#include <sesh/encoding.hpp>

#include "session/strategy_stateless.hpp"

namespace sesh::detail {

namespace json = boost::json;

namespace {

// A non-negative JSON number as a whole count up to `limit` (doubles floored, as JavaScript
// peers may write them), or nothing: a time claim outside that range is not one sesh can use.
std::optional<std::int64_t> whole_count(const json::value& v, std::int64_t limit) noexcept {
    if (const auto* i = v.if_int64()) {
        if (*i >= 0 && *i <= limit) return *i;
    } else if (const auto* u = v.if_uint64()) {
        if (*u <= static_cast<std::uint64_t>(limit)) return static_cast<std::int64_t>(*u);
    } else if (const auto* d = v.if_double()) {
        if (*d >= 0 && *d <= static_cast<double>(limit)) return static_cast<std::int64_t>(std::floor(*d));
    }
    return std::nullopt;
}

// A new session id: 128 random bits, base64url.
std::string new_session_id(const session_manager::impl& m) {
    std::array<std::uint8_t, 16> raw;
    m.random->fill(raw);
    return base64url_encode(raw);
}

// Tokens not valid before this time: whole milliseconds, the precision of sesh's issue-time
// claims, so a token re-issued in the same instant is not refused by its own revocation.
clock::time_point not_before_now(const session_manager::impl& m) {
    return std::chrono::floor<std::chrono::milliseconds>(m.clock->now());
}

}  // namespace

bool take_string(json::object& o, std::string_view key, std::string& out) {
    const json::value* v = o.if_contains(key);
    if (!v) return true;
    const json::string* s = v->if_string();
    if (!s) return false;
    out.assign(s->data(), s->size());
    o.stable_erase(key);
    return true;
}

bool take_number(json::object& o, std::string_view key, std::int64_t limit, std::int64_t& out) {
    const json::value* v = o.if_contains(key);
    if (!v) return true;
    const auto n = whole_count(*v, limit);
    if (!n) return false;
    out = *n;
    o.stable_erase(key);
    return true;
}

template <class Io>
session_ops::task<Io, result<void>> session_ops::stateless_strategy::load_with(const impl& m, session& s,
                                                                               const std::vector<cookie>& cookies,
                                                                               std::optional<std::string_view>) const {
    const auto value = join_chunks(cookies, m.cookie.name);
    if (!value) {
        sesh::logger()->debug("sesh: {} chunks do not join (a gap or a duplicate), ignored", m.cookie.name);
        s.stale_cookie_ = true;
        co_return result<void>{};
    }
    token_facts f;
    auto data = open(*value, f);
    if (!data) {
        if (data.error() != errc::expired)
            sesh::logger()->debug("sesh: {} cookie refused: {}", m.cookie.name, data.error().message());
        s.stale_cookie_ = true;
        co_return result<void>{};
    }
    // A time the clock cannot hold (past 2262) makes the token unusable: the arithmetic below
    // would overflow. That includes max_unix_ms, the reading of a token without `exp` or of a
    // seal without expiry, which were refused before as well (the overflow made them look expired).
    const auto token_expires = from_unix_ms(f.expires_ms);
    const auto issued_at = from_unix_ms(f.issued_ms), created_at = from_unix_ms(f.created_ms);
    if (!token_expires || (f.issued_ms >= 0 && (!issued_at || !created_at))) {
        s.stale_cookie_ = true;
        co_return result<void>{};
    }
    const auto now = m.clock->now();
    clock::time_point issued{}, created{}, absolute = *token_expires, expires = *token_expires;
    if (f.issued_ms >= 0) {
        issued = *issued_at;
        created = *created_at;
        absolute = created + m.absolute_timeout;
        expires = std::min({*token_expires, issued + idle_timeout_for(m, f.user_id), absolute});
    }
    // The codecs enforce the token's own expiry; the server's idle and absolute limits are ours.
    if (now >= expires) {
        s.stale_cookie_ = true;
        co_return result<void>{};
    }
    // The session id, which logout and revoke deny: sesh's own, or for a token a peer made (no
    // sid) its jti, which every re-issue then carries on as the sid.
    std::string id = !f.sid.empty() ? std::move(f.sid) : std::move(f.jti);
    if (m.store && (!id.empty() || !f.user_id.empty())) {
        auto revoked = co_await Io::revoked(*m.store, id, f.user_id, issued);
        if (!revoked) co_return fail(revoked.error());
        if (*revoked) {
            sesh::logger()->debug("sesh: revoked {} session {} refused", m.cookie.name, id);
            s.stale_cookie_ = true;
            co_return result<void>{};
        }
    }
    s.data_ = std::move(*data);
    s.user_id_ = std::move(f.user_id);
    s.id_ = std::move(id);
    s.created_ = created;
    s.last_seen_ = issued;
    s.absolute_expires_ = absolute;
    s.token_expires_ = *token_expires;
    s.expires_ = expires;
    s.has_metadata_ = f.has_metadata;
    // A seal iron-session made carries no jti and no user: re-issue it with sesh's metadata so
    // that it becomes revocable.
    s.reissue_ = m.store && !f.has_metadata;
    s.is_new_ = false;
    co_return result<void>{};
}

template <class Io>
session_ops::task<Io, result<std::vector<std::string>>> session_ops::stateless_strategy::save_with(const impl& m,
                                                                                                  session& s) const {
    const auto now = m.clock->now();
    // next-auth re-issues its token on every session read; sesh throttles that to update_age.
    const bool renew = !s.is_new_ && s.has_metadata_ && now - s.last_seen_ >= renew_after(m, s.user_id_);
    if (!s.is_new_ && !s.modified_ && !s.reissue_ && s.previous_id_.empty() && !renew)
        co_return std::vector<std::string>{};
    if (too_large(m, s)) co_return fail(errc::too_large);
    if (holds_reserved(s.data_)) co_return fail(errc::invalid_argument);

    // A session without a known creation time (new, or a seal iron-session made) starts now.
    const bool restart = s.is_new_ || !s.has_metadata_;
    const auto created = restart ? now : s.created_;
    const auto absolute = restart ? now + m.absolute_timeout : s.absolute_expires_;
    // One id for every token of the session: kept from the token loaded (a next-auth token's
    // jti stands in for it, so denying it ends that token too), drawn anew for a new session
    // or after regenerate.
    std::string sid = s.id_;
    if (sid.empty() && (ids_without_store() || m.store)) sid = new_session_id(m);
    auto made = issue(m, s.data_, s.user_id_, sid, now, created);
    if (!made) co_return fail(made.error());
    auto cookies = write_cookie(m, s, made->token, cookie_age(m, now, made->has_metadata ? absolute : made->expires));
    if (!cookies) co_return cookies;
    // Only once the new token is certain: deny the one regenerate retired.
    if (m.store && !s.previous_id_.empty())
        if (auto d = co_await Io::deny(*m.store, s.previous_id_, s.previous_expires_); !d) co_return fail(d.error());

    s.token_ = std::move(made->token);
    s.id_ = std::move(sid);
    s.previous_id_.clear();
    s.has_metadata_ = made->has_metadata;
    s.token_expires_ = made->expires;
    if (made->has_metadata) {
        s.created_ = created;
        s.last_seen_ = now;
        s.absolute_expires_ = absolute;
        s.expires_ = std::min({made->expires, now + idle_timeout_for(m, s.user_id_), absolute});
    } else {
        s.created_ = s.last_seen_ = {};
        s.absolute_expires_ = s.expires_ = made->expires;
    }
    s.is_new_ = s.modified_ = s.reissue_ = s.stale_cookie_ = false;
    co_return cookies;
}

template <class Io>
session_ops::task<Io, result<void>> session_ops::stateless_strategy::end_with(const impl& m, session& s) const {
    if (!m.store || s.is_new_) co_return result<void>{};
    // Every token the session was given (at login, after each write, at each renewal) carries
    // its id, and any of them may have been copied: deny the id until the session's absolute
    // expiry, past which no token of it loads anyway (ASVS 3.3.1).
    if (!s.previous_id_.empty())
        if (auto d = co_await Io::deny(*m.store, s.previous_id_, s.previous_expires_); !d) co_return fail(d.error());
    if (!s.id_.empty() && s.previous_id_ != s.id_)
        if (auto d = co_await Io::deny(*m.store, s.id_, deny_until(s)); !d) co_return fail(d.error());
    co_return result<void>{};
}

template <class Io>
session_ops::task<Io, result<void>> session_ops::stateless_strategy::revoke_with(const impl& m,
                                                                                 std::string session_id) const {
    // A session id outlives any one token: its tokens keep coming, each max_age long, until the
    // absolute timeout, which cannot end later than absolute_timeout from now.
    co_return co_await Io::deny(*m.store, session_id, m.clock->now() + std::max(m.absolute_timeout, m.max_age));
}

template <class Io>
session_ops::task<Io, result<std::size_t>> session_ops::stateless_strategy::revoke_user_with(
    const impl& m, std::string user_id) const {
    if (auto r = co_await Io::set_not_before(*m.store, user_id, not_before_now(m)); !r) co_return fail(r.error());
    co_return std::size_t{0};
}

template <class Io>
session_ops::task<Io, result<std::size_t>> session_ops::stateless_strategy::revoke_others_with(const impl& m,
                                                                                              session& s) const {
    if (auto r = co_await Io::set_not_before(*m.store, s.user_id_, not_before_now(m)); !r) co_return fail(r.error());
    // `s` was issued before now too: its next save must give it a token from now on.
    s.reissue_ = true;
    co_return std::size_t{0};
}

void session_ops::stateless_strategy::regenerate(const impl& m, session& s) const {
    // The new token gets a new session id at save; the old id, and with it every token the
    // session had so far, is denied then (with a store).
    if (m.store && s.previous_id_.empty() && !s.id_.empty()) {
        s.previous_id_ = s.id_;
        s.previous_expires_ = deny_until(s);
    }
    s.id_.clear();
    // A login starts a new session: the absolute limit counts from here, as for server sessions.
    const auto now = m.clock->now();
    s.created_ = now;
    s.absolute_expires_ = now + m.absolute_timeout;
    s.reissue_ = true;
}

clock::time_point session_ops::stateless_strategy::deny_until(const session& s) noexcept {
    // Until no token of the session can load: the absolute expiry (all its tokens share the
    // creation time), or the token's own expiry when later (a seal without sesh's metadata
    // has no absolute limit but its own).
    return std::max(s.absolute_expires_, s.token_expires_);
}

// Both faces of every step, compiled here with their bodies; jwt and iron reach them through
// strategy_faces.
using stateless = session_ops::stateless_strategy;
template session_ops::task<blocking_io, result<void>> stateless::load_with<blocking_io>(
    const session_ops::impl&, session&, const std::vector<cookie>&, std::optional<std::string_view>) const;
template session_ops::task<async_io, result<void>> stateless::load_with<async_io>(
    const session_ops::impl&, session&, const std::vector<cookie>&, std::optional<std::string_view>) const;
template session_ops::task<blocking_io, result<std::vector<std::string>>> stateless::save_with<blocking_io>(
    const session_ops::impl&, session&) const;
template session_ops::task<async_io, result<std::vector<std::string>>> stateless::save_with<async_io>(
    const session_ops::impl&, session&) const;
template session_ops::task<blocking_io, result<void>> stateless::end_with<blocking_io>(const session_ops::impl&,
                                                                                       session&) const;
template session_ops::task<async_io, result<void>> stateless::end_with<async_io>(const session_ops::impl&,
                                                                                 session&) const;
template session_ops::task<blocking_io, result<void>> stateless::revoke_with<blocking_io>(const session_ops::impl&,
                                                                                          std::string) const;
template session_ops::task<async_io, result<void>> stateless::revoke_with<async_io>(const session_ops::impl&,
                                                                                    std::string) const;
template session_ops::task<blocking_io, result<std::size_t>> stateless::revoke_user_with<blocking_io>(
    const session_ops::impl&, std::string) const;
template session_ops::task<async_io, result<std::size_t>> stateless::revoke_user_with<async_io>(
    const session_ops::impl&, std::string) const;
template session_ops::task<blocking_io, result<std::size_t>> stateless::revoke_others_with<blocking_io>(
    const session_ops::impl&, session&) const;
template session_ops::task<async_io, result<std::size_t>> stateless::revoke_others_with<async_io>(
    const session_ops::impl&, session&) const;

}  // namespace sesh::detail
