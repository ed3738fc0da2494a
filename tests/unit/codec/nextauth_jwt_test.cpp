// next-auth v4 session tokens: next-auth's key and header, claims it adds, skew, rotation, and refusals.
#include <sesh/nextauth_jwt.hpp>

#include <cmath>
#include <limits>
#include <set>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "unit/codec/jwt_test_support.hpp"

#include "codec/jwe.hpp"

namespace {

namespace json = boost::json;
using sesh::errc;
using namespace std::chrono_literals;

constexpr std::string_view secret = "test-secret-0123456789";
// HKDF-SHA256 outputs computed independently with Node 20:
//   crypto.hkdfSync('sha256', 'test-secret-0123456789', '', 'NextAuth.js Generated Encryption Key', 32)
constexpr std::string_view derived_key_hex = "bbdd088d641e4409d2475451f52a84eac1b4ff3f82ca487b60ecd0894d65cdb6";
//   crypto.hkdfSync('sha256', 'test-secret-0123456789', 'pepper', 'NextAuth.js Generated Encryption Key (pepper)', 32)
constexpr std::string_view salted_key_hex = "65838f0b51a17af46e76444b51b9822e52e0e42dcb029e452a99c3c678dbbfc9";
// base64url of {"alg":"dir","enc":"A256GCM"}, the header jose writes for next-auth.
constexpr std::string_view v4_header = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0";

const sesh::clock::time_point t0{std::chrono::seconds(1'700'000'000)};

sesh::nextauth_jwt_codec make(const sesh::clock& clk, std::vector<std::string> secrets = {std::string(secret)},
                              std::string salt = {}) {
    sesh::nextauth_jwt_options o;
    o.secrets = std::move(secrets);
    o.salt = std::move(salt);
    o.clock = &clk;
    return sesh::nextauth_jwt_codec::create(std::move(o)).value();
}

sesh::detail::jwe_key known_key(std::string_view hex = derived_key_hex) {
    return sesh::detail::jwe_key::make(sesh::detail::jwe_enc::a256gcm, sesh::hex_decode(hex).value(), {}).value();
}

// A token built the way a peer would, from a raw header and plaintext, under `key`.
std::string forge(std::string_view header_json, std::string_view payload, const sesh::detail::jwe_key& key,
                  std::string_view encrypted_key = {}) {
    const std::string header = sesh::base64url_encode(sesh::as_bytes(header_json));
    std::string out = header + "." + std::string(encrypted_key);
    std::string plain(payload);
    const std::array<std::uint8_t, 12> iv{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    EXPECT_TRUE(key.seal(plain, iv, header, out));
    return out;
}

std::string forge_claims(std::string_view payload) {
    return forge(R"({"alg":"dir","enc":"A256GCM"})", payload, known_key());
}

// Opens a token with a raw A256GCM key, independently of the codec's key derivation.
std::optional<json::value> open_with(std::string_view token, std::string_view key_hex) {
    auto parts = sesh::detail::split_compact(token).value();
    const auto key = sesh::hex_decode(key_hex).value();
    const auto iv = sesh::base64url_decode(parts.iv).value();
    const auto ct = sesh::base64url_decode(parts.ciphertext).value();
    const auto tag = sesh::base64url_decode(parts.tag).value();
    std::string plain(ct.size(), '\0');
    if (!sesh::detail::aes256_gcm_decrypt(key, iv, sesh::as_bytes(parts.protected_header), ct, tag,
                                          reinterpret_cast<std::uint8_t*>(plain.data())))
        return std::nullopt;
    return json::parse(plain);
}

using sesh::test::code;
using sesh::test::error_of;
using sesh::test::is_uuid_v4;

TEST(nextauth_jwt, refuses_an_empty_secret_list_or_an_empty_secret) {
    for (const auto& secrets : std::vector<std::vector<std::string>>{{}, {""}, {"ok-secret", ""}}) {
        sesh::nextauth_jwt_options o;
        o.secrets = secrets;
        auto c = sesh::nextauth_jwt_codec::create(o);
        ASSERT_FALSE(c);
        EXPECT_EQ(error_of(c), code(errc::invalid_argument));
    }
}

TEST(nextauth_jwt, round_trips_nested_and_unicode_claims) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    const json::object claims = json::parse(R"({"name":"Zoë 🍕","email":"z@example.com","sub":"42",)"
                                            R"("roles":["a","b"],"prefs":{"theme":"dark","n":[1,2.5,null,true]}})")
                                    .as_object();
    const auto token = codec.encode(claims).value();
    const auto back = codec.decode(token).value();
    for (const auto& [k, v] : claims) EXPECT_EQ(back.at(k), v) << k;
    EXPECT_EQ(back.size(), claims.size() + 3);  // iat, exp, jti
    EXPECT_TRUE(codec.decode(codec.encode({}).value()));
}

TEST(nextauth_jwt, writes_the_compact_dir_a256gcm_shape_next_auth_writes) {
    sesh::manual_clock clk(t0);
    const auto token = make(clk).encode({{"sub", "1"}}).value();
    const auto parts = sesh::detail::split_compact(token).value();
    EXPECT_EQ(parts.protected_header, v4_header);
    EXPECT_TRUE(parts.encrypted_key.empty());
    EXPECT_EQ(parts.iv.size(), 16u);   // 12 bytes
    EXPECT_EQ(parts.tag.size(), 22u);  // 16 bytes
}

TEST(nextauth_jwt, encrypts_under_the_key_next_auth_derives) {
    sesh::manual_clock clk(t0);
    const auto token = make(clk).encode({{"sub", "1"}}).value();
    const auto opened = open_with(token, derived_key_hex);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->at("sub"), "1");
    // And a token sealed under that key by someone else opens.
    EXPECT_EQ(make(clk).decode(forge_claims(R"({"sub":"peer"})")).value().at("sub"), "peer");
}

TEST(nextauth_jwt, a_salt_changes_the_key_as_next_auth_does) {
    sesh::manual_clock clk(t0);
    const auto salted = make(clk, {std::string(secret)}, "pepper");
    const auto token = salted.encode({{"sub", "1"}}).value();
    EXPECT_TRUE(open_with(token, salted_key_hex));
    EXPECT_FALSE(open_with(token, derived_key_hex));
    EXPECT_EQ(error_of(make(clk).decode(token)), code(errc::bad_mac));
    EXPECT_TRUE(salted.decode(token));
}

TEST(nextauth_jwt, adds_iat_exp_and_a_fresh_uuid_v4_jti) {
    sesh::manual_clock clk(t0 + 500ms);  // iat is whole seconds, rounded down as next-auth does
    const auto codec = make(clk);
    const auto a = codec.decode(codec.encode({}).value()).value();
    const auto b = codec.decode(codec.encode({}).value()).value();
    EXPECT_EQ(a.at("iat"), 1'700'000'000);
    EXPECT_EQ(a.at("exp"), 1'700'000'000 + 30 * 24 * 3600);
    const std::string ja(a.at("jti").as_string()), jb(b.at("jti").as_string());
    EXPECT_TRUE(is_uuid_v4(ja)) << ja;
    EXPECT_TRUE(is_uuid_v4(jb)) << jb;
    EXPECT_NE(ja, jb);
}

TEST(nextauth_jwt, replaces_caller_supplied_iat_exp_and_jti) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    const auto back = codec.decode(codec.encode({{"iat", "x"}, {"exp", 1}, {"jti", 7}, {"sub", "s"}}).value()).value();
    EXPECT_EQ(back.at("iat"), 1'700'000'000);
    EXPECT_EQ(back.at("exp"), 1'700'000'000 + 30 * 24 * 3600);
    EXPECT_TRUE(back.at("jti").is_string());
    EXPECT_EQ(back.size(), 4u);
}

TEST(nextauth_jwt, expires_at_exp_with_15_seconds_of_skew) {
    sesh::manual_clock clk(t0);
    sesh::nextauth_jwt_options o;
    o.secrets = {std::string(secret)};
    o.max_age = 60s;
    o.clock = &clk;
    const auto codec = sesh::nextauth_jwt_codec::create(o).value();
    const auto token = codec.encode({}).value();
    clk.set(t0 + 60s + 14s);
    EXPECT_TRUE(codec.decode(token));
    clk.set(t0 + 60s + 15s);  // exp <= now - 15
    EXPECT_EQ(error_of(codec.decode(token)), code(errc::expired));
}

TEST(nextauth_jwt, honours_nbf_with_15_seconds_of_skew) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    const auto token = codec.encode({{"nbf", 1'700'000'100}}).value();
    clk.set(t0 + 84s);
    EXPECT_EQ(error_of(codec.decode(token)), code(errc::not_yet_valid));
    clk.set(t0 + 85s);  // nbf > now + 15 no longer holds
    EXPECT_TRUE(codec.decode(token));
}

TEST(nextauth_jwt, refuses_time_claims_that_are_not_numbers) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    for (const auto* payload : {R"({"exp":"2100-01-01"})", R"({"nbf":null})", R"({"iat":[1]})", R"({"exp":true})"})
        EXPECT_EQ(error_of(codec.decode(forge_claims(payload))), code(errc::malformed)) << payload;
    // Fractional times are numbers to JavaScript too.
    EXPECT_TRUE(codec.decode(forge_claims(R"({"exp":1700000100.5,"iat":1.5e9})")));
    EXPECT_TRUE(codec.decode(forge_claims(R"({"sub":"no exp at all"})")));
}

TEST(nextauth_jwt, encodes_only_claims_it_can_read_back) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    EXPECT_EQ(error_of(codec.encode({{"n", std::numeric_limits<double>::infinity()}})), code(errc::invalid_argument));
    EXPECT_EQ(error_of(codec.encode({{"a", json::array{std::nan("")}}})), code(errc::invalid_argument));
    // 64 levels counting the claims object are fine both ways; 65 are refused both ways.
    auto nest = [](int levels) {
        json::value v = 1;
        for (int i = 0; i < levels - 1; ++i) v = json::array{v};
        return json::object{{"deep", v}};
    };
    const auto ok = codec.encode(nest(64));
    ASSERT_TRUE(ok);
    EXPECT_TRUE(codec.decode(*ok));
    EXPECT_EQ(error_of(codec.encode(nest(65))), code(errc::invalid_argument));
    std::string deep = R"({"deep":)" + std::string(64, '[') + std::string(64, ']') + "}";
    EXPECT_EQ(error_of(codec.decode(forge_claims(deep))), code(errc::malformed));
}

// Found by fuzz/nextauth_jwt and fuzz/authjs_jwt (their seeds keep the inputs).
TEST(nextauth_jwt, gives_every_double_back_bit_for_bit) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    // Boost.JSON 1.81's parser reads 1.5000000000000001e200 as 1.5e200; decode must not.
    for (const double d : {1.5000000000000001e200, 0.1, 5e-324, 1.7976931348623157e308, 123456789.12345679}) {
        const auto back = codec.decode(codec.encode({{"d", d}}).value()).value();
        EXPECT_EQ(back.at("d").as_double(), d);
    }
}

TEST(nextauth_jwt, refuses_to_encode_an_nbf_it_could_not_read_back) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    EXPECT_EQ(error_of(codec.encode({{"nbf", "1f0c"}})), code(errc::invalid_argument));
    EXPECT_TRUE(codec.decode(codec.encode({{"nbf", 1}}).value()));
}

TEST(nextauth_jwt, rejects_claims_that_are_not_a_json_object) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    for (const auto* payload : {"[]", "1", R"("s")", "null", "not json", "{\"a\":1", "", "{} {}"})
        EXPECT_EQ(error_of(codec.decode(forge_claims(payload))), code(errc::malformed)) << payload;
}

TEST(nextauth_jwt, rejects_alg_none) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    EXPECT_EQ(error_of(codec.decode(forge(R"({"alg":"none","enc":"A256GCM"})", "{}", known_key()))),
              code(errc::unsupported_algorithm));
    // An unsecured JWT is three parts, not five.
    EXPECT_EQ(error_of(codec.decode("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")), code(errc::malformed));
}

TEST(nextauth_jwt, rejects_other_algorithms_and_encryptions) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    for (const auto* header :
         {R"({"alg":"A256KW","enc":"A256GCM"})", R"({"alg":"dir","enc":"A128GCM"})",
          R"({"alg":"dir","enc":"A256CBC-HS512"})", R"({"alg":"DIR","enc":"A256GCM"})"})
        EXPECT_EQ(error_of(codec.decode(forge(header, "{}", known_key()))), code(errc::unsupported_algorithm)) << header;
    for (const auto* header : {R"({"enc":"A256GCM"})", R"({"alg":"dir"})", R"({"alg":1,"enc":"A256GCM"})", "[]", "x"})
        EXPECT_EQ(error_of(codec.decode(forge(header, "{}", known_key()))), code(errc::malformed)) << header;
}

TEST(nextauth_jwt, rejects_zip_and_crit_headers) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    for (const auto* header :
         {R"({"alg":"dir","enc":"A256GCM","zip":"DEF"})", R"({"alg":"dir","enc":"A256GCM","crit":["exp"],"exp":1})",
          R"({"alg":"dir","enc":"A256GCM","crit":[]})"})
        EXPECT_EQ(error_of(codec.decode(forge(header, "{}", known_key()))), code(errc::unsupported_algorithm)) << header;
}

TEST(nextauth_jwt, accepts_a_header_with_extra_members_it_may_ignore) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    EXPECT_TRUE(codec.decode(forge(R"({"enc":"A256GCM","alg":"dir","kid":"whatever","typ":"JWT"})", "{}", known_key())));
}

TEST(nextauth_jwt, rejects_a_non_empty_encrypted_key_part) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    EXPECT_EQ(error_of(codec.decode(forge(R"({"alg":"dir","enc":"A256GCM"})", "{}", known_key(), "AAAA"))),
              code(errc::malformed));
    // The same with the constant header, which skips JSON parsing.
    auto token = codec.encode({}).value();
    token.insert(v4_header.size() + 1, "AAAA");
    EXPECT_EQ(error_of(codec.decode(token)), code(errc::malformed));
}

TEST(nextauth_jwt, rejects_a_header_iss_that_the_claims_contradict) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    const auto header = R"({"alg":"dir","enc":"A256GCM","iss":"a"})";
    EXPECT_EQ(error_of(codec.decode(forge(header, R"({"iss":"b"})", known_key()))), code(errc::malformed));
    EXPECT_EQ(error_of(codec.decode(forge(header, R"({})", known_key()))), code(errc::malformed));
    EXPECT_TRUE(codec.decode(forge(header, R"({"iss":"a"})", known_key())));
}

TEST(nextauth_jwt, rejects_wrong_part_counts_and_bad_base64url) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    const auto token = codec.encode({}).value();
    for (const std::string& bad : {std::string(), std::string("...."), std::string("a.b.c.d"), token + ".x",
                                   token.substr(0, token.rfind('.')), token + "=", std::string(token).replace(3, 1, "+")})
        EXPECT_EQ(error_of(codec.decode(bad)), code(errc::malformed)) << bad;
}

TEST(nextauth_jwt, refuses_tokens_over_the_size_bound_before_any_work) {
    sesh::manual_clock clk(t0);
    sesh::nextauth_jwt_options o;
    o.secrets = {std::string(secret)};
    o.clock = &clk;
    o.max_token_bytes = 300;
    const auto codec = sesh::nextauth_jwt_codec::create(o).value();
    EXPECT_EQ(error_of(codec.decode(std::string(301, 'A'))), code(errc::too_large));
    EXPECT_EQ(error_of(codec.encode({{"big", std::string(300, 'x')}})), code(errc::too_large));
    const auto small = codec.encode({{"sub", "1"}});
    ASSERT_TRUE(small);
    EXPECT_LE(small->size(), 300u);
}

TEST(nextauth_jwt, rejects_a_token_under_another_secret) {
    sesh::manual_clock clk(t0);
    const auto token = make(clk, {"another-secret-entirely"}).encode({}).value();
    EXPECT_EQ(error_of(make(clk).decode(token)), code(errc::bad_mac));
}

TEST(nextauth_jwt, rotates_secrets_encrypting_with_the_first_and_trying_all) {
    sesh::manual_clock clk(t0);
    const auto old_only = make(clk, {"old-secret-0123456789"});
    const auto rotated = make(clk, {"new-secret-0123456789", "old-secret-0123456789"});
    const auto old_token = old_only.encode({{"v", "old"}}).value();
    const auto new_token = rotated.encode({{"v", "new"}}).value();
    EXPECT_EQ(rotated.decode(old_token).value().at("v"), "old");
    EXPECT_EQ(rotated.decode(new_token).value().at("v"), "new");
    EXPECT_EQ(error_of(old_only.decode(new_token)), code(errc::bad_mac));
    EXPECT_TRUE(make(clk, {"new-secret-0123456789"}).decode(new_token));
}

TEST(nextauth_jwt, rejects_every_byte_change_truncation_and_extension) {
    sesh::manual_clock clk(t0);
    const auto codec = make(clk);
    sesh::test::expect_every_mutation_rejected(codec, codec.encode({{"sub", "1"}, {"name", "n"}}).value());
}

TEST(nextauth_jwt, is_safe_to_share_between_threads) {
    const auto codec = make(sesh::system_clock());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i) {
                auto tok = codec.encode({{"t", t}, {"i", i}});
                auto back = tok ? codec.decode(*tok) : sesh::result<json::object>(sesh::fail(errc::malformed));
                if (!back || back->at("i") != i) ++failures;
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
}

}  // namespace
