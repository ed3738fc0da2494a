// Saving jwt and iron sessions: a new token when the data changed, when regenerate or
// revoke_others asked for one, or once per update_age as sliding renewal.
#include <array>

#include <sesh/encoding.hpp>

#include "session/manager_impl.hpp"
#include "session/store_io.hpp"

namespace sesh::detail {

namespace json = boost::json;

namespace {

// Claims sesh writes itself: data under these names would be overwritten or misread.
constexpr std::string_view jwt_reserved[] = {"sub", "iat", "exp", "jti", "sesh_iat_ms", "sesh_created_ms", "sesh_sid"};

bool holds_reserved(const session_manager::impl& m, const json::object& data) noexcept {
    if (m.iron) return data.contains("_sesh");
    for (auto name : jwt_reserved)
        if (data.contains(name)) return true;
    return false;
}

// A new session id: 128 random bits, base64url.
std::string new_session_id(const session_manager::impl& m) {
    std::array<std::uint8_t, 16> raw;
    m.random->fill(raw);
    return base64url_encode(raw);
}

// A fresh token and what it says about itself.
struct issued {
    std::string token;
    clock::time_point expires;
    bool has_metadata = true;
};

// next-auth's encode: the data as claims plus `sub`; jwt_engine adds iat, exp and a new jti.
// `sesh_sid` is the same in every token of the session, so logout can deny them all at once.
result<issued> issue_jwt(const session_manager::impl& m, const json::object& data, const std::string& user_id,
                         const std::string& sid, clock::time_point now, clock::time_point created) {
    json::object claims(data);
    if (!user_id.empty()) claims["sub"] = user_id;
    claims["sesh_sid"] = sid;
    claims["sesh_iat_ms"] = to_unix_ms(now);
    claims["sesh_created_ms"] = to_unix_ms(created);
    auto token = m.jwt->encode(claims);
    if (!token) return fail(token.error());
    issued out;
    out.token = std::move(*token);
    out.expires = std::chrono::floor<std::chrono::seconds>(now) + m.max_age;
    return out;
}

// iron-session seals the data alone; sesh adds `_sesh` only when it has something to keep
// there (a session id to deny, a user id), so an anonymous session without a store stays
// byte-compatible with what iron-session itself would seal.
result<issued> issue_iron(const session_manager::impl& m, const json::object& data, const std::string& user_id,
                          const std::string& sid, clock::time_point now, clock::time_point created) {
    issued out;
    out.has_metadata = m.store || !user_id.empty();
    const json::object* sealed = &data;
    json::object with_meta;
    if (out.has_metadata) {
        json::object meta;
        if (!sid.empty()) meta["sid"] = sid;
        meta["iat_ms"] = to_unix_ms(now);
        meta["created_ms"] = to_unix_ms(created);
        if (!user_id.empty()) meta["uid"] = user_id;
        with_meta = data;
        with_meta["_sesh"] = std::move(meta);
        sealed = &with_meta;
    }
    auto token = m.iron->seal(*sealed);
    if (!token) return fail(token.error());
    out.token = std::move(*token);
    out.expires = std::chrono::floor<std::chrono::milliseconds>(now) + m.max_age;
    return out;
}

}  // namespace

template <class Io>
typename Io::template task<result<std::vector<std::string>>> session_ops::save_stateless(const impl& m, session& s) {
    if (s.is_new_ && s.data_.empty() && s.user_id_.empty())
        co_return s.stale_cookie_ ? clear_cookies(m, s, false) : std::vector<std::string>{};
    const auto now = m.clock->now();
    // next-auth re-issues its token on every session read; sesh throttles that to update_age.
    const bool renew = !s.is_new_ && s.has_metadata_ && now - s.last_seen_ >= renew_after(m, s.user_id_);
    if (!s.is_new_ && !s.modified_ && !s.reissue_ && s.previous_id_.empty() && !renew)
        co_return std::vector<std::string>{};
    if (too_large(m, s)) co_return fail(errc::too_large);
    if (holds_reserved(m, s.data_)) co_return fail(errc::invalid_argument);

    // A session without a known creation time (new, or a seal iron-session made) starts now.
    const bool restart = s.is_new_ || !s.has_metadata_;
    const auto created = restart ? now : s.created_;
    const auto absolute = restart ? now + m.absolute_timeout : s.absolute_expires_;
    // One id for every token of the session: kept from the token loaded (a next-auth token's
    // jti stands in for it, so denying it ends that token too), drawn anew for a new session
    // or after regenerate. iron needs one only when a store can deny it.
    std::string sid = s.id_;
    if (sid.empty() && (m.jwt || m.store)) sid = new_session_id(m);
    auto made = m.jwt ? issue_jwt(m, s.data_, s.user_id_, sid, now, created)
                       : issue_iron(m, s.data_, s.user_id_, sid, now, created);
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

template blocking_io::task<result<std::vector<std::string>>> session_ops::save_stateless<blocking_io>(const impl&, session&);
template async_io::task<result<std::vector<std::string>>> session_ops::save_stateless<async_io>(const impl&, session&);

}  // namespace sesh::detail
