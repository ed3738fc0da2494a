// `sesh jwt encode|decode`: next-auth v4 and Auth.js v5 session tokens from the shell.
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sesh/authjs_jwt.hpp>
#include <sesh/nextauth_jwt.hpp>

#include "commands.hpp"
#include "secrets.hpp"

namespace sesh::cli {
namespace {

struct jwt_args {
    std::string format = "v4";
    std::optional<std::string> salt;
    std::optional<std::int64_t> max_age;
    std::optional<std::string> secret_file;
    std::string token;
};

void add_common(CLI::App* cmd, jwt_args& a) {
    cmd->add_option("--format", a.format, "v4 (next-auth 4, A256GCM) or v5 (Auth.js, A256CBC-HS512)")
        ->check(CLI::IsMember({"v4", "v5"}));
    cmd->add_option("--salt", a.salt, "HKDF salt: v4 default empty, v5 default the cookie name authjs.session-token");
    cmd->add_option("--secret-file", a.secret_file, "read the secret from this file instead of SESH_SECRET");
}

// Either codec behind one pair of calls; the choice is made once, from --format.
struct codec {
    std::optional<nextauth_jwt_codec> v4;
    std::optional<authjs_jwt_codec> v5;

    result<std::string> encode(const boost::json::object& claims) const { return v4 ? v4->encode(claims) : v5->encode(claims); }
    result<boost::json::object> decode(std::string_view t) const { return v4 ? v4->decode(t) : v5->decode(t); }
};

codec make_codec(const jwt_args& a) {
    const auto secrets = parse_jwt_secrets(read_secret_text(a.secret_file, "SESH_SECRET"));
    // next-auth takes any non-empty secret, so the codecs do too (a token from an app with a short
    // secret must still open), but a short one is guessable offline from any token: say so.
    for (const auto& s : secrets) {
        if (s.size() < 32)
            std::fprintf(stderr, "sesh: warning: a secret of %zu characters is weak; use 32 or more (`sesh secret`)\n",
                         s.size());
    }
    codec c;
    if (a.format == "v4") {
        nextauth_jwt_options o;
        o.secrets = secrets;
        if (a.salt) o.salt = *a.salt;
        if (a.max_age) o.max_age = std::chrono::seconds(*a.max_age);
        auto made = nextauth_jwt_codec::create(std::move(o));
        if (!made) fail_with("bad secret: " + made.error().message());
        c.v4 = std::move(*made);
    } else {
        authjs_jwt_options o;
        o.secrets = secrets;
        if (a.salt) o.salt = *a.salt;
        if (a.max_age) o.max_age = std::chrono::seconds(*a.max_age);
        auto made = authjs_jwt_codec::create(std::move(o));
        if (!made) fail_with("bad secret: " + made.error().message());
        c.v5 = std::move(*made);
    }
    return c;
}

}  // namespace

void add_jwt_commands(CLI::App& app) {
    auto* jwt = app.add_subcommand("jwt", "encode or decode next-auth session tokens (secret from SESH_SECRET)");
    jwt->require_subcommand(1);
    static jwt_args args;

    auto* enc = jwt->add_subcommand("encode", "claims JSON object on stdin -> token on stdout");
    add_common(enc, args);
    enc->add_option("--max-age", args.max_age, "lifetime in seconds written into exp (default 30 days)");
    enc->callback([] {
        const codec c = make_codec(args);
        boost::system::error_code ec;
        const auto claims = boost::json::parse(read_stdin(), ec);
        if (ec || !claims.is_object()) fail_with("stdin is not a JSON object of claims");
        auto token = c.encode(claims.get_object());
        if (!token) fail_with("cannot encode: " + token.error().message());
        std::printf("%s\n", token->c_str());
    });

    auto* dec = jwt->add_subcommand("decode", "token -> claims JSON on stdout");
    add_common(dec, args);
    dec->add_option("token", args.token, "the session token")->required();
    dec->callback([] {
        const codec c = make_codec(args);
        auto claims = c.decode(args.token);
        if (!claims) fail_with("cannot decode token: " + claims.error().message());
        std::printf("%s\n", boost::json::serialize(*claims).c_str());
    });
}

}  // namespace sesh::cli
