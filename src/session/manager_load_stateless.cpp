// Loading jwt and iron sessions: open the token, split sesh's own claims from the data, enforce
// idle and absolute limits, and ask the store (when there is one) whether it was revoked.
#include <algorithm>
#include <charconv>
#include <cmath>

#include <sesh/log.hpp>

#include "session/manager_impl.hpp"
#include "session/store_io.hpp"

namespace sesh::detail {

namespace json = boost::json;

namespace {

// What a token says about itself, besides the session data.
struct token_facts {
    std::string jti;
    std::string sid;  // the session id every token of the session shares; empty in a peer's token
    std::string user_id;
    std::int64_t issued_ms = -1;   // -1: unknown (an iron seal without sesh metadata)
    std::int64_t created_ms = -1;
    std::int64_t expires_ms = max_unix_ms;
    bool has_metadata = true;
};

// A non-negative JSON number as a whole count up to `limit` (doubles floored, as JavaScript
// peers may write them), or nothing: a time claim outside that range is not one sesh can use.
std::optional<std::int64_t> whole(const json::value& v, std::int64_t limit) noexcept {
    if (const auto* i = v.if_int64()) {
        if (*i >= 0 && *i <= limit) return *i;
    } else if (const auto* u = v.if_uint64()) {
        if (*u <= static_cast<std::uint64_t>(limit)) return static_cast<std::int64_t>(*u);
    } else if (const auto* d = v.if_double()) {
        if (*d >= 0 && *d <= static_cast<double>(limit)) return static_cast<std::int64_t>(std::floor(*d));
    }
    return std::nullopt;
}

// Reads and removes `key` from `o`: absent → true with `out` untouched; present but unusable → false.
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
    const auto n = whole(*v, limit);
    if (!n) return false;
    out = *n;
    o.stable_erase(key);
    return true;
}

// next-auth's claims plus sesh's: `sub` is the user, `iat`/`exp` in seconds, and sesh's own
// millisecond times, since a not-before set within the second of an `iat` needs them (a token
// made by next-auth has none and counts from `iat`, rounded down: revoked the safe way).
bool read_jwt_claims(json::object& claims, token_facts& f) {
    std::int64_t iat = -1, exp = -1;
    const std::int64_t max_s = max_unix_ms / 1000;
    if (!take_string(claims, "sub", f.user_id) || !take_string(claims, "jti", f.jti) ||
        !take_string(claims, "sesh_sid", f.sid) ||
        !take_number(claims, "iat", max_s, iat) || !take_number(claims, "exp", max_s, exp) ||
        !take_number(claims, "sesh_iat_ms", max_unix_ms, f.issued_ms) ||
        !take_number(claims, "sesh_created_ms", max_unix_ms, f.created_ms))
        return false;
    if (f.issued_ms < 0) {
        if (iat < 0) return false;  // no issue time: neither idle nor not-before could be checked
        f.issued_ms = iat * 1000;
    }
    if (f.created_ms < 0) f.created_ms = f.issued_ms;
    if (exp >= 0) f.expires_ms = exp * 1000;
    return true;
}

// iron-session has no claims: sesh keeps its own in one `_sesh` member of the sealed object.
bool read_iron_metadata(json::object& data, token_facts& f) {
    json::value* v = data.if_contains("_sesh");
    if (!v) {
        f.has_metadata = false;
        return true;
    }
    json::object* meta = v->if_object();
    if (!meta) return false;
    json::object m = std::move(*meta);
    data.stable_erase("_sesh");
    // `jti`: the id of seals sesh made before session ids (one per seal); read as the sid.
    if (!take_string(m, "sid", f.sid) || !take_string(m, "jti", f.jti) || !take_string(m, "uid", f.user_id) ||
        !take_number(m, "iat_ms", max_unix_ms, f.issued_ms) ||
        !take_number(m, "created_ms", max_unix_ms, f.created_ms) || f.issued_ms < 0)
        return false;
    if (f.created_ms < 0) f.created_ms = f.issued_ms;
    return true;
}

// The expiry field of an authentic seal (`Fe26.2*id*salt*iv*cipher*EXP*salt*mac`): unseal
// checked it but does not return it, and deny() needs it. Empty (ttl 0) reads as never.
std::int64_t seal_expiry_ms(std::string_view seal) noexcept {
    for (int i = 0; i < 5; ++i) {
        const auto star = seal.find('*');
        if (star == std::string_view::npos) return max_unix_ms;
        seal.remove_prefix(star + 1);
    }
    std::int64_t ms = 0;
    const auto [p, ec] = std::from_chars(seal.data(), seal.data() + seal.size(), ms);
    if (ec != std::errc() || p == seal.data() || ms < 0) return max_unix_ms;
    return std::min(ms, max_unix_ms);
}

// Opens `value` with the strategy's codec: the data and the facts, or nothing (logged when the
// token is damaged rather than merely old).
std::optional<json::object> open_token(const session_manager::impl& m, std::string_view value, token_facts& f) {
    std::error_code ec;
    std::optional<json::object> data;
    if (m.jwt) {
        auto claims = m.jwt->decode(value);
        if (!claims) {
            ec = claims.error();
        } else if (read_jwt_claims(*claims, f)) {
            data = std::move(*claims);
        } else {
            ec = errc::malformed;
        }
    } else {
        auto v = m.iron->unseal(value);
        if (!v) {
            ec = v.error();
        } else if (json::object* o = v->if_object(); o && read_iron_metadata(*o, f)) {
            f.expires_ms = seal_expiry_ms(value);
            data = std::move(*o);
        } else {
            ec = errc::malformed;
        }
    }
    if (!data && ec != errc::expired) sesh::logger()->debug("sesh: {} cookie refused: {}", m.cookie.name, ec.message());
    return data;
}

}  // namespace

template <class Io>
typename Io::template task<result<void>> session_ops::load_stateless(const impl& m, session& s, std::string_view value) {
    token_facts f;
    auto data = open_token(m, value, f);
    if (!data) {
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

template blocking_io::task<result<void>> session_ops::load_stateless<blocking_io>(const impl&, session&, std::string_view);
template async_io::task<result<void>> session_ops::load_stateless<async_io>(const impl&, session&, std::string_view);

}  // namespace sesh::detail
