// Interop driver: answers JSON-lines requests from the Node tests with sesh's codecs, so the npm
// packages and sesh can exchange tokens in both directions under a clock the test controls.
//
// Request (one JSON object per line; "now" is Unix milliseconds, optional):
//   {"op":"jwt_encode","format":"v4"|"v5","secrets":[…],"salt":"…","max_age":S,"now":MS,"claims":{…}}
//   {"op":"jwt_decode","format":"v4"|"v5","secrets":[…],"salt":"…","now":MS,"token":"…"}
//   {"op":"iron_seal","passwords":{"1":"…"},"ttl":S,"now":MS,"data":…}
//   {"op":"iron_unseal","passwords":{"1":"…"},"ttl":S,"now":MS,"seal":"…"}
//   {"op":"get_token","kind":"nextauth"|"authjs"|"iron_session","secrets":[…],"passwords":{…},
//    "secure_cookie":B,"cookie_name":"…","salt":"…","raw":B,"now":MS,"cookie":"<Cookie header>",
//    "authorization":"…"}   (all but op and cookie optional)
// Reply: {"ok":true,"token"|"claims"|"seal"|"data":…} (get_token: "raw" and "claims") or {"ok":false,"error":"<sesh error message>"}.
#include <sesh/authjs_jwt.hpp>
#include <sesh/get_token.hpp>
#include <sesh/iron.hpp>
#include <sesh/nextauth_jwt.hpp>

#include <iostream>
#include <string>

#include <boost/json.hpp>

namespace json = boost::json;

namespace {

json::object error_reply(const std::string& why) { return {{"ok", false}, {"error", why}}; }
json::object error_reply(std::error_code ec) { return error_reply(ec.message()); }

std::vector<std::string> strings(const json::value& v) {
    std::vector<std::string> out;
    if (const auto* a = v.if_array())
        for (const auto& s : *a) out.emplace_back(s.as_string());
    return out;
}

std::chrono::seconds seconds_field(const json::object& req, const char* key, std::chrono::seconds fallback) {
    if (const auto* v = req.if_contains(key)) return std::chrono::seconds(v->to_number<std::int64_t>());
    return fallback;
}

// Both JWT codecs take the same options fields and answer the same calls; only the types differ.
template <class Codec, class Options>
json::object run_jwt(const json::object& req, bool encode, const sesh::clock& clk) {
    Options o;
    o.secrets = strings(req.at("secrets"));
    if (const auto* salt = req.if_contains("salt")) o.salt = std::string(salt->as_string());
    o.max_age = seconds_field(req, "max_age", o.max_age);
    o.clock = &clk;
    auto codec = Codec::create(o);
    if (!codec) return error_reply(codec.error());
    if (encode) {
        auto t = codec->encode(req.at("claims").as_object());
        return t ? json::object{{"ok", true}, {"token", *t}} : error_reply(t.error());
    }
    auto c = codec->decode(req.at("token").as_string());
    return c ? json::object{{"ok", true}, {"claims", *c}} : error_reply(c.error());
}

json::object jwt(const json::object& req, bool encode, const sesh::clock& clk) {
    const auto* format = req.if_contains("format");
    if (!format || format->as_string() == "v4")
        return run_jwt<sesh::nextauth_jwt_codec, sesh::nextauth_jwt_options>(req, encode, clk);
    return run_jwt<sesh::authjs_jwt_codec, sesh::authjs_jwt_options>(req, encode, clk);
}

json::object iron(const json::object& req, bool seal, const sesh::clock& clk) {
    sesh::iron_options o;
    for (const auto& [id, pw] : req.at("passwords").as_object()) o.passwords[std::string(id)] = std::string(pw.as_string());
    o.ttl = seconds_field(req, "ttl", o.ttl);
    o.clock = &clk;
    auto codec = sesh::iron_codec::create(o);
    if (!codec) return error_reply(codec.error());
    if (seal) {
        auto s = codec->seal(req.at("data"));
        return s ? json::object{{"ok", true}, {"seal", *s}} : error_reply(s.error());
    }
    auto d = codec->unseal(req.at("seal").as_string());
    return d ? json::object{{"ok", true}, {"data", *d}} : error_reply(d.error());
}

json::object get_token(const json::object& req, const sesh::clock& clk) {
    sesh::get_token_options o;
    const auto* kind = req.if_contains("kind");
    if (kind && kind->as_string() == "authjs") o.kind = sesh::token_kind::authjs;
    if (kind && kind->as_string() == "iron_session") o.kind = sesh::token_kind::iron_session;
    if (const auto* s = req.if_contains("secrets")) o.secrets = strings(*s);
    if (const auto* pw = req.if_contains("passwords"))
        for (const auto& [id, p] : pw->as_object()) o.passwords[std::string(id)] = std::string(p.as_string());
    if (const auto* b = req.if_contains("secure_cookie")) o.secure_cookie = b->as_bool();
    if (const auto* n = req.if_contains("cookie_name")) o.cookie_name = std::string(n->as_string());
    if (const auto* salt = req.if_contains("salt")) o.salt = std::string(salt->as_string());
    if (const auto* raw = req.if_contains("raw")) o.raw = raw->as_bool();
    o.clock = &clk;
    std::string authorization;
    if (const auto* a = req.if_contains("authorization")) authorization = std::string(a->as_string());
    auto t = sesh::get_token(req.at("cookie").as_string(), std::move(o), authorization);
    return t ? json::object{{"ok", true}, {"raw", t->raw}, {"claims", t->claims}} : error_reply(t.error());
}

json::object handle(const json::object& req) {
    sesh::manual_clock clk;
    if (const auto* now = req.if_contains("now"))
        clk.set(sesh::clock::time_point(std::chrono::milliseconds(now->to_number<std::int64_t>())));
    const auto op = req.at("op").as_string();
    if (op == "jwt_encode") return jwt(req, true, clk);
    if (op == "jwt_decode") return jwt(req, false, clk);
    if (op == "iron_seal") return iron(req, true, clk);
    if (op == "iron_unseal") return iron(req, false, clk);
    if (op == "get_token") return get_token(req, clk);
    return error_reply("unknown op");
}

}  // namespace

int main() {
    std::ios::sync_with_stdio(false);
    std::string line;
    while (std::getline(std::cin, line)) {
        json::object reply;
        try {
            reply = handle(json::parse(line).as_object());
        } catch (const std::exception& e) {
            // A malformed request is a bug in the test, reported as such rather than a crash.
            reply = error_reply(std::string("driver: ") + e.what());
        }
        std::cout << json::serialize(reply) << '\n' << std::flush;
    }
}
