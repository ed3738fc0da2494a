// The jwt strategy: the session as the claims of a next-auth v4 session token, so that a
// Next.js app with the same secret reads (and writes) the very cookie.
#include <sesh/nextauth_jwt.hpp>

#include "session/strategy_stateless.hpp"

namespace sesh::detail {

namespace json = boost::json;

namespace {

// Claims sesh writes itself: data under these names would be overwritten or misread.
constexpr std::string_view jwt_reserved[] = {"sub", "iat", "exp", "jti", "sesh_iat_ms", "sesh_created_ms", "sesh_sid"};

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

class jwt_strategy final : public session_ops::stateless_strategy {
public:
    jwt_strategy(nextauth_jwt_codec codec, std::chrono::seconds max_age) noexcept
        : codec_(std::move(codec)), max_age_(max_age) {}

    std::string_view default_cookie_name() const noexcept override {
        return "next-auth.session-token";  // next-auth's, so a Next.js app shares it
    }
    // next-auth names its session token `__Secure-` on https (core/lib/cookie.ts defaultCookies).
    cookie_prefix prefix() const noexcept override { return cookie_prefix::secure; }
    std::chrono::seconds cookie_max_age() const noexcept override { return max_age_; }

private:
    result<json::object> open(std::string_view token, token_facts& f) const override {
        auto claims = codec_.decode(token);
        if (!claims) return fail(claims.error());
        if (!read_jwt_claims(*claims, f)) return fail(errc::malformed);
        return claims;
    }

    // next-auth's encode: the data as claims plus `sub`; jwt_engine adds iat, exp and a new jti.
    // `sesh_sid` is the same in every token of the session, so logout can deny them all at once.
    result<issued_token> issue(const impl& m, const json::object& data, const std::string& user_id,
                               const std::string& sid, clock::time_point now, clock::time_point created) const override {
        json::object claims(data);
        if (!user_id.empty()) claims["sub"] = user_id;
        claims["sesh_sid"] = sid;
        claims["sesh_iat_ms"] = to_unix_ms(now);
        claims["sesh_created_ms"] = to_unix_ms(created);
        auto token = codec_.encode(claims);
        if (!token) return fail(token.error());
        issued_token out;
        out.token = std::move(*token);
        out.expires = std::chrono::floor<std::chrono::seconds>(now) + m.max_age;
        return out;
    }

    bool holds_reserved(const json::object& data) const noexcept override {
        for (auto name : jwt_reserved)
            if (data.contains(name)) return true;
        return false;
    }

    // Like next-auth's jti, a session id in every token, with or without a store.
    bool ids_without_store() const noexcept override { return true; }

    nextauth_jwt_codec codec_;
    std::chrono::seconds max_age_;
};

}  // namespace

result<std::unique_ptr<const session_strategy>> make_jwt_strategy(const session_options& o,
                                                                 const session_manager::impl& m) {
    nextauth_jwt_options jo;
    jo.secrets = o.secrets;
    jo.max_age = o.max_age;
    jo.clock = m.clock;
    jo.random = m.random;
    auto codec = nextauth_jwt_codec::create(std::move(jo));
    if (!codec) return fail(errc::invalid_argument);
    return std::make_unique<const jwt_strategy>(std::move(*codec), o.max_age);
}

}  // namespace sesh::detail
