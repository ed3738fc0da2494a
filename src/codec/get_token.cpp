// get_token: which cookie each peer reads and how, then the existing codecs decode it. Matches
// next-auth 4.24's getToken (next-auth/jwt), @auth/core 0.34's getToken and iron-session 8's read.
#include <sesh/get_token.hpp>

#include <cstdlib>
#include <variant>

#include <sesh/authjs_jwt.hpp>
#include <sesh/nextauth_jwt.hpp>

#include "core/percent.hpp"

namespace sesh {

struct token_reader::impl {
    token_kind kind;
    std::string cookie_name;
    // monostate when only raw tokens are asked for: no secret is needed then, as in getToken.
    std::variant<std::monostate, nextauth_jwt_codec, authjs_jwt_codec, iron_codec> codec;
};

namespace {

// next-auth v4's default for secureCookie: NEXTAUTH_URL?.startsWith("https://") ?? !!VERCEL.
bool nextauth_secure_from_environment() {
    if (const char* url = std::getenv("NEXTAUTH_URL")) return std::string_view(url).starts_with("https://");
    const char* vercel = std::getenv("VERCEL");
    return vercel != nullptr && *vercel != '\0';
}

std::string default_cookie_name(token_kind kind, bool secure) {
    const std::string base = kind == token_kind::nextauth ? "next-auth.session-token" : "authjs.session-token";
    return secure ? "__Secure-" + base : base;
}

// Both peers: `authorization.split(" ")[0] === "Bearer"`, then decodeURIComponent(split[1]).
// A lone "Bearer" gives JavaScript's "undefined", a token no codec opens: malformed here too.
result<std::string> bearer_token(std::string_view authorization) {
    const auto space = authorization.find(' ');
    if (authorization.substr(0, space) != "Bearer") return fail(errc::not_found);
    if (space == std::string_view::npos) return fail(errc::malformed);
    auto encoded = authorization.substr(space + 1);
    encoded = encoded.substr(0, encoded.find(' '));
    auto decoded = detail::percent_decode(encoded);
    if (!decoded) return fail(errc::malformed);
    if (decoded->empty()) return fail(errc::not_found);
    return std::move(*decoded);
}

result<boost::json::object> decode_with(const token_reader::impl& r, std::string_view raw) {
    if (const auto* v4 = std::get_if<nextauth_jwt_codec>(&r.codec)) return v4->decode(raw);
    if (const auto* v5 = std::get_if<authjs_jwt_codec>(&r.codec)) return v5->decode(raw);
    auto data = std::get<iron_codec>(r.codec).unseal(raw);
    if (!data) return fail(data.error());
    if (!data->is_object()) return fail(errc::malformed);
    return std::move(data->as_object());
}

}  // namespace

result<token_reader> token_reader::create(get_token_options o) {
    auto p = std::make_shared<impl>();
    p->kind = o.kind;
    if (o.kind == token_kind::iron_session) {
        if (o.cookie_name.empty()) return fail(errc::invalid_argument);
        p->cookie_name = o.cookie_name;
    } else {
        const bool secure = o.secure_cookie.value_or(o.kind == token_kind::nextauth && nextauth_secure_from_environment());
        p->cookie_name = o.cookie_name.empty() ? default_cookie_name(o.kind, secure) : o.cookie_name;
    }
    if (!is_valid_cookie_name(p->cookie_name)) return fail(errc::invalid_argument);
    if (!o.raw) {
        switch (o.kind) {
        case token_kind::nextauth: {
            nextauth_jwt_options c;
            c.secrets = std::move(o.secrets);
            c.salt = o.salt.value_or("");
            c.clock = o.clock;
            auto codec = nextauth_jwt_codec::create(std::move(c));
            if (!codec) return fail(codec.error());
            p->codec = std::move(*codec);
            break;
        }
        case token_kind::authjs: {
            authjs_jwt_options c;
            c.secrets = std::move(o.secrets);
            c.salt = o.salt.value_or(p->cookie_name);  // Auth.js: salt = cookieName
            c.clock = o.clock;
            auto codec = authjs_jwt_codec::create(std::move(c));
            if (!codec) return fail(codec.error());
            p->codec = std::move(*codec);
            break;
        }
        case token_kind::iron_session: {
            iron_options c;
            c.passwords = std::move(o.passwords);
            c.clock = o.clock;
            auto codec = iron_codec::create(std::move(c));
            if (!codec) return fail(codec.error());
            p->codec = std::move(*codec);
            break;
        }
        }
    }
    return token_reader(std::move(p));
}

const std::string& token_reader::cookie_name() const noexcept { return impl_->cookie_name; }

result<token> token_reader::read(std::string_view cookie_header, std::string_view authorization) const {
    auto cookies = parse_cookie_header(cookie_header);
    if (!cookies) return fail(cookies.error());
    return read(*cookies, authorization);
}

result<token> token_reader::read(const std::vector<cookie>& cookies, std::string_view authorization) const {
    const impl& r = *impl_;
    token t;
    if (r.kind == token_kind::iron_session) {
        // iron-session reads one cookie by its exact name (cookie.parse(...)[cookieName]), and
        // cookie.parse percent-decodes a value holding '%' (keeping it as sent when that fails):
        // a seal whose '*' or '~' a client escaped still opens.
        if (auto v = find_cookie(cookies, r.cookie_name)) t.raw = detail::cookie_value_decode(*v);
        if (t.raw.empty()) return fail(errc::not_found);
    } else {
        if (auto joined = join_chunks(cookies, r.cookie_name)) t.raw = std::move(*joined);
        if (t.raw.empty()) {
            // The Bearer header is read only when no cookie gave a token, as getToken does.
            auto bearer = bearer_token(authorization);
            if (!bearer) return fail(bearer.error());
            t.raw = std::move(*bearer);
        }
    }
    if (std::holds_alternative<std::monostate>(r.codec)) return t;
    auto claims = decode_with(r, t.raw);
    if (!claims) return fail(claims.error());
    t.claims = std::move(*claims);
    return t;
}

result<token> get_token(std::string_view cookie_header, get_token_options options, std::string_view authorization) {
    auto reader = token_reader::create(std::move(options));
    if (!reader) return fail(reader.error());
    return reader->read(cookie_header, authorization);
}

}  // namespace sesh
