// Auth.js v5 session tokens: A256CBC-HS512 under the salted key, kid thumbprints, rotation, and refusals.
#include <sesh/authjs_jwt.hpp>


#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "unit/codec/jwt_test_support.hpp"

#include "codec/jwe.hpp"

namespace {

namespace json = boost::json;
using sesh::errc;
using namespace std::chrono_literals;

constexpr std::string_view secret = "test-secret-0123456789";
// Computed independently with Node 20 (salt = info suffix = "authjs.session-token"):
//   k = crypto.hkdfSync('sha256', 'test-secret-0123456789', 'authjs.session-token',
//                       'Auth.js Generated Encryption Key (authjs.session-token)', 64)
//   kid = crypto.createHash('sha512').update(JSON.stringify({k: k.toString('base64url'), kty: 'oct'}))
//                                    .digest('base64url')
// and the same with length 32 and sha256 for the A256GCM key.
constexpr std::string_view cbc_key_hex =
    "0fb7bdf9ee95400dc108f6791606e718263f71a12e4db20cce7d9f1cbe082eed"
    "e750c5041ca27e1a6910fb74a34ead6f97054ff72911ffb703361a4cf4a67b0c";
constexpr std::string_view cbc_kid = "yZq0VKUFxGPe6joDwtE4I9BXjeizrRxWUQN0xgDaYv_uysdy7o45BFZBGUCLSz-YYwapLHH5EOzCxCnaN_w53Q";
constexpr std::string_view gcm_key_hex = "0fb7bdf9ee95400dc108f6791606e718263f71a12e4db20cce7d9f1cbe082eed";
constexpr std::string_view gcm_kid = "DirtyUV_yjI30mOC4aOr0F_r2Mlign8AWCrW2Wryk4U";

const sesh::clock::time_point t0{std::chrono::seconds(1'700'000'000)};

sesh::authjs_jwt_codec make(const sesh::clock& clk, std::vector<std::string> secrets = {std::string(secret)}) {
    sesh::authjs_jwt_options o;
    o.secrets = std::move(secrets);
    o.clock = &clk;
    return sesh::authjs_jwt_codec::create(std::move(o)).value();
}

sesh::detail::jwe_key raw_key(sesh::detail::jwe_enc enc, std::string_view hex) {
    return sesh::detail::jwe_key::make(enc, sesh::hex_decode(hex).value(), {}).value();
}

// A token sealed the way a peer would, from a raw header and plaintext.
std::string forge(std::string_view header_json, std::string_view payload,
                  sesh::detail::jwe_enc enc = sesh::detail::jwe_enc::a256cbc_hs512, std::string_view encrypted_key = {}) {
    const auto key = raw_key(enc, enc == sesh::detail::jwe_enc::a256gcm ? gcm_key_hex : cbc_key_hex);
    const std::string header = sesh::base64url_encode(sesh::as_bytes(header_json));
    std::string out = header + "." + std::string(encrypted_key);
    std::string plain(payload);
    const std::array<std::uint8_t, 16> iv{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
    EXPECT_TRUE(key.seal(plain, {iv.data(), enc == sesh::detail::jwe_enc::a256gcm ? 12u : 16u}, header, out));
    return out;
}

std::string cbc_header() { return R"({"alg":"dir","enc":"A256CBC-HS512","kid":")" + std::string(cbc_kid) + "\"}"; }

using sesh::test::code;
using sesh::test::error_of;
using sesh::test::is_uuid_v4;

TEST(authjs_jwt, refuses_an_empty_secret_list_or_an_empty_secret) {
    for (const auto& secrets : std::vector<std::vector<std::string>>{{}, {""}, {"ok-secret", ""}}) {
        sesh::authjs_jwt_options o;
        o.secrets = secrets;
        auto c = sesh::authjs_jwt_codec::create(o);
        ASSERT_FALSE(c);
        EXPECT_EQ(error_of(c), code(errc::invalid_argument));
    }
}

TEST(authjs_jwt, round_trips_nested_and_unicode_claims) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    const json::object claims =
        json::parse(R"({"name":"Zoë 🍕","sub":"42","a":[1,{"b":null}],"o":{"x":"\u0000\"\\"}})").as_object();
    const auto back = codec.decode(codec.encode(claims).value()).value();
    for (const auto& [k, v] : claims) EXPECT_EQ(back.at(k), v) << k;
    EXPECT_EQ(back.size(), claims.size() + 3);
}

TEST(authjs_jwt, writes_the_header_auth_js_writes_with_the_rfc7638_kid) {
    sesh::manual_clock clk(t0);
    const auto token = make(clk).encode({}).value();
    const auto parts = sesh::detail::split_compact(token).value();
    const auto header = sesh::base64url_decode(parts.protected_header).value();
    EXPECT_EQ(std::string(header.begin(), header.end()), cbc_header());
    EXPECT_TRUE(parts.encrypted_key.empty());
    EXPECT_EQ(parts.iv.size(), 22u);   // 16 bytes
    EXPECT_EQ(parts.tag.size(), 43u);  // 32 bytes
    EXPECT_EQ(sesh::detail::oct_jwk_thumbprint(sesh::hex_decode(gcm_key_hex).value()), gcm_kid);
}

TEST(authjs_jwt, encrypts_under_the_key_auth_js_derives) {
    // Opens the token by hand, per RFC 7518 §5.2.2.2, with the key computed by Node.
    sesh::manual_clock clk(t0);
    const auto token = make(clk).encode({{"sub", "1"}}).value();
    const auto parts = sesh::detail::split_compact(token).value();
    const auto key = sesh::hex_decode(cbc_key_hex).value();
    const auto iv = sesh::base64url_decode(parts.iv).value();
    const auto ct = sesh::base64url_decode(parts.ciphertext).value();
    const auto tag = sesh::base64url_decode(parts.tag).value();
    const sesh::detail::hmac mac(sesh::detail::hash_alg::sha512, {key.data(), 32});
    auto s = mac.begin();
    s.update(sesh::as_bytes(parts.protected_header));
    s.update(iv);
    s.update(ct);
    const std::uint64_t bits = parts.protected_header.size() * 8;
    std::uint8_t al[8];
    for (int i = 0; i < 8; ++i) al[i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    s.update(al);
    std::uint8_t full[64];
    s.finish(full);
    EXPECT_EQ(sesh::hex_encode({full, 32}), sesh::hex_encode(tag));
    std::string plain(ct.size(), '\0');
    const auto n = sesh::detail::aes256_cbc_decrypt({key.data() + 32, 32}, iv, ct,
                                                    reinterpret_cast<std::uint8_t*>(plain.data()));
    ASSERT_TRUE(n);
    plain.resize(*n);
    EXPECT_EQ(json::parse(plain).at("sub"), "1");
}

TEST(authjs_jwt, decodes_a256gcm_tokens_with_or_without_kid) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    const std::string with_kid = R"({"alg":"dir","enc":"A256GCM","kid":")" + std::string(gcm_kid) + "\"}";
    EXPECT_EQ(codec.decode(forge(with_kid, R"({"v":1})", sesh::detail::jwe_enc::a256gcm)).value().at("v"), 1);
    EXPECT_EQ(codec.decode(forge(R"({"alg":"dir","enc":"A256GCM"})", R"({"v":2})", sesh::detail::jwe_enc::a256gcm))
                  .value()
                  .at("v"),
              2);
    EXPECT_EQ(codec.decode(forge(R"({"alg":"dir","enc":"A256CBC-HS512"})", R"({"v":3})")).value().at("v"), 3);
}

TEST(authjs_jwt, rejects_an_unknown_kid) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    EXPECT_EQ(error_of(codec.decode(forge(R"({"alg":"dir","enc":"A256CBC-HS512","kid":"nope"})", "{}"))),
              code(errc::unknown_key_id));
    EXPECT_EQ(error_of(codec.decode(forge(R"({"alg":"dir","enc":"A256CBC-HS512","kid":""})", "{}"))),
              code(errc::unknown_key_id));
    // The GCM key's kid does not name the CBC key.
    const std::string crossed = R"({"alg":"dir","enc":"A256CBC-HS512","kid":")" + std::string(gcm_kid) + "\"}";
    EXPECT_EQ(error_of(codec.decode(forge(crossed, "{}"))), code(errc::unknown_key_id));
    EXPECT_EQ(error_of(codec.decode(forge(R"({"alg":"dir","enc":"A256CBC-HS512","kid":7})", "{}"))),
              code(errc::malformed));
}

TEST(authjs_jwt, selects_the_secret_by_kid_and_uses_the_first_without_one) {
    sesh::manual_clock clk(t0);
    const auto rotated = make(clk, {"new-secret-0123456789", std::string(secret)});
    // kid names the old (second) secret: found.
    EXPECT_TRUE(rotated.decode(forge(cbc_header(), "{}")));
    // No kid: Auth.js tries only its first secret, so the old key does not open it.
    EXPECT_EQ(error_of(rotated.decode(forge(R"({"alg":"dir","enc":"A256CBC-HS512"})", "{}"))), code(errc::bad_mac));
}

TEST(authjs_jwt, rotates_secrets_encrypting_with_the_first) {
    sesh::manual_clock clk(t0);
    const auto old_only = make(clk, {"old-secret-0123456789"});
    const auto rotated = make(clk, {"new-secret-0123456789", "old-secret-0123456789"});
    const auto old_token = old_only.encode({{"v", "old"}}).value();
    const auto new_token = rotated.encode({{"v", "new"}}).value();
    EXPECT_EQ(rotated.decode(old_token).value().at("v"), "old");
    EXPECT_EQ(rotated.decode(new_token).value().at("v"), "new");
    EXPECT_EQ(error_of(old_only.decode(new_token)), code(errc::unknown_key_id));
    EXPECT_TRUE(make(clk, {"new-secret-0123456789"}).decode(new_token));
}

TEST(authjs_jwt, the_salt_is_part_of_the_key) {
    sesh::manual_clock clk(t0);
    sesh::authjs_jwt_options o;
    o.secrets = {std::string(secret)};
    o.salt = "__Secure-authjs.session-token";
    o.clock = &clk;
    const auto secure = sesh::authjs_jwt_codec::create(o).value();
    const auto token = secure.encode({}).value();
    EXPECT_TRUE(secure.decode(token));
    EXPECT_EQ(error_of(make(clk).decode(token)), code(errc::unknown_key_id));
}

TEST(authjs_jwt, checks_the_tag_before_decrypting) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    auto token = codec.encode({}).value();
    // The last ciphertext character changes the padding block; the MAC must fail first.
    const auto tag_dot = token.rfind('.');
    token[tag_dot - 1] = token[tag_dot - 1] == 'A' ? 'Q' : 'A';
    EXPECT_EQ(error_of(codec.decode(token)), code(errc::bad_mac));
}

TEST(authjs_jwt, expires_and_honours_nbf_with_15_seconds_of_skew) {
    sesh::manual_clock clk(t0);
    sesh::authjs_jwt_options o;
    o.secrets = {std::string(secret)};
    o.max_age = 60s;
    o.clock = &clk;
    const auto codec = sesh::authjs_jwt_codec::create(o).value();
    const auto token = codec.encode({{"nbf", 1'700'000'030}}).value();
    clk.set(t0 + 14s);
    EXPECT_EQ(error_of(codec.decode(token)), code(errc::not_yet_valid));
    clk.set(t0 + 15s);
    EXPECT_TRUE(codec.decode(token));
    clk.set(t0 + 74s);
    EXPECT_TRUE(codec.decode(token));
    clk.set(t0 + 75s);
    EXPECT_EQ(error_of(codec.decode(token)), code(errc::expired));
}

TEST(authjs_jwt, adds_iat_exp_and_a_uuid_v4_jti) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    const auto a = codec.decode(codec.encode({}).value()).value();
    const auto b = codec.decode(codec.encode({}).value()).value();
    EXPECT_EQ(a.at("iat"), 1'700'000'000);
    EXPECT_EQ(a.at("exp"), 1'700'000'000 + 30 * 24 * 3600);
    EXPECT_TRUE(is_uuid_v4(std::string(a.at("jti").as_string())));
    EXPECT_NE(a.at("jti"), b.at("jti"));
}

TEST(authjs_jwt, rejects_alg_none_other_encryptions_zip_crit_and_an_encrypted_key) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    for (const auto* header : {R"({"alg":"none","enc":"A256CBC-HS512"})", R"({"alg":"dir","enc":"A128CBC-HS256"})",
                               R"({"alg":"dir","enc":"A192GCM"})", R"({"alg":"dir","enc":"A256CBC-HS512","zip":"DEF"})",
                               R"({"alg":"dir","enc":"A256CBC-HS512","crit":["b64"],"b64":false})"})
        EXPECT_EQ(error_of(codec.decode(forge(header, "{}"))), code(errc::unsupported_algorithm)) << header;
    EXPECT_EQ(error_of(codec.decode(forge(cbc_header(), "{}", sesh::detail::jwe_enc::a256cbc_hs512, "AAAA"))),
              code(errc::malformed));
}

TEST(authjs_jwt, rejects_claims_that_are_not_a_json_object) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    for (const auto* payload : {"[]", "1", R"("s")", "null", "{", "", R"({"exp":"tomorrow"})"})
        EXPECT_EQ(error_of(codec.decode(forge(cbc_header(), payload))), code(errc::malformed)) << payload;
}

TEST(authjs_jwt, refuses_tokens_over_the_size_bound) {
    sesh::manual_clock clk(t0);
    sesh::authjs_jwt_options o;
    o.secrets = {std::string(secret)};
    o.clock = &clk;
    o.max_token_bytes = 400;
    const auto codec = sesh::authjs_jwt_codec::create(o).value();
    EXPECT_EQ(error_of(codec.decode(std::string(401, 'A'))), code(errc::too_large));
    EXPECT_EQ(error_of(codec.encode({{"big", std::string(400, 'x')}})), code(errc::too_large));
}

TEST(authjs_jwt, rejects_every_byte_change_truncation_and_extension) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    sesh::test::expect_every_mutation_rejected(codec, codec.encode({{"sub", "1"}}).value());
}

}  // namespace
