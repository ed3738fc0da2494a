// iron_codec: iron-webcrypto's own seals byte for byte, seals rebuilt with raw OpenSSL, rotation,
// expiry across the skew, option checks, and every small corruption of a seal refused.
#include <sesh/iron.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sesh/encoding.hpp>

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sesh::errc;

const std::string pw_a = "a password of at least thirty-two characters";
const std::string pw_b = "another password, also at least 32 characters";

// Stateless, hence thread-safe: every fill writes 0, 1, 2, … — the salts and IV of the vectors.
class counting_random final : public sesh::random_source {
public:
    void fill(std::span<std::uint8_t> out) noexcept override {
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i);
    }
};

sesh::clock::time_point at_ms(std::int64_t ms) { return sesh::clock::time_point(std::chrono::milliseconds(ms)); }

// The error of a result, or no error when it holds a value: keeps a wrong success a failure
// rather than undefined behaviour.
template <class T>
std::error_code error_of(const sesh::result<T>& r) {
    return r ? std::error_code() : r.error();
}

sesh::iron_codec make(sesh::password_map passwords, const sesh::clock* clk = nullptr,
                      std::chrono::seconds ttl = std::chrono::hours(24 * 14), sesh::random_source* rnd = nullptr) {
    sesh::iron_options o;
    o.passwords = std::move(passwords);
    o.ttl = ttl;
    o.clock = clk;
    o.random = rnd;
    return sesh::iron_codec::create(std::move(o)).value();
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out(1);
    for (char c : s) {
        if (c == sep) out.emplace_back();
        else out.back() += c;
    }
    return out;
}

bool is_lower_hex(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// --- An iron seal built from OpenSSL's own PBKDF2, AES and HMAC, independent of sesh's crypto. ---

std::array<std::uint8_t, 32> openssl_key(const std::string& password, const std::string& salt) {
    std::array<std::uint8_t, 32> key{};
    EXPECT_EQ(PKCS5_PBKDF2_HMAC_SHA1(password.data(), static_cast<int>(password.size()),
                                     reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), 1,
                                     32, key.data()),
              1);
    return key;
}

std::string openssl_mac(const std::string& password, const std::string& salt, const std::string& base) {
    const auto key = openssl_key(password, salt);
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), 32, reinterpret_cast<const unsigned char*>(base.data()), base.size(), mac, &len);
    return sesh::base64url_encode({mac, len});
}

sesh::bytes openssl_cbc(bool encrypt, const std::array<std::uint8_t, 32>& key, sesh::byte_view iv, sesh::byte_view in) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    sesh::bytes out(in.size() + 16);
    int n = 0, m = 0;
    const bool ok = EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.data(), iv.data(), encrypt ? 1 : 0) == 1 &&
                    EVP_CipherUpdate(ctx, out.data(), &n, in.data(), static_cast<int>(in.size())) == 1 &&
                    EVP_CipherFinal_ex(ctx, out.data() + n, &m) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) return {};
    out.resize(static_cast<std::size_t>(n + m));
    return out;
}

// Fe26.2 with any id, expiry text and plaintext: shapes sesh's own seal() never writes.
std::string forge(const std::string& password, const std::string& id, const std::string& plaintext,
                  const std::string& exp = "", const std::string& marker = "~2") {
    const std::string enc_salt(64, 'e'), mac_salt(64, 'f');
    const std::array<std::uint8_t, 16> iv{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    const auto cipher = openssl_cbc(true, openssl_key(password, enc_salt), iv, sesh::as_bytes(plaintext));
    const std::string base = "Fe26.2*" + id + "*" + enc_salt + "*" + sesh::base64url_encode(iv) + "*" +
                             sesh::base64url_encode(cipher) + "*" + exp;
    return base + "*" + mac_salt + "*" + openssl_mac(password, mac_salt, base) + marker;
}

// ------------------------------------------------------------------------------------------------

TEST(iron, seals_and_unseals_a_round_trip) {
    const auto codec = make({{"1", pw_a}});
    for (const char* text : {R"({"user":{"id":1,"name":"Ada","roles":["admin"]}})", R"({})", R"([1,2.5,"x",null,true])",
                             R"("just a string")", R"(0)", R"(false)",
                             R"({"emoji":"🦀 𝄞 Zoë","nested":{"a":[{"b":[]}]}})"}) {
        const json::value data = json::parse(text);
        const auto sealed = codec.seal(data);
        ASSERT_TRUE(sealed) << text;
        const auto opened = codec.unseal(*sealed);
        ASSERT_TRUE(opened) << text << ": " << opened.error().message();
        EXPECT_EQ(*opened, data) << text;
    }
}

TEST(iron, writes_the_seal_iron_webcrypto_writes_byte_for_byte) {
    // Made with iron-webcrypto 1.2.1's seal() (the one iron-session 8.0.4 calls) under Date.now()
    // = 1700000000000, ttl 3600000 ms, password {id: '7', secret: pw_a}, encryption salt = hex of
    // bytes 0..31, iv = bytes 32..47, integrity salt = hex of bytes 48..79; then iron-session's
    // `~2` appended. sesh draws its 80 random bytes in that order.
    const std::string expected =
        "Fe26.2*7*000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f*ICEiIyQlJicoKSorLC0uLw*"
        "URAOTqJbDnwHWBMV5E5hMr34vRfLowILoXaCajzFYpAgChXtq8-IZNX38sPzgml4mWCVnFhCeerVaCnDiVYUfA*1700003600000*"
        "303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f*pJ3Lu751KIVZkmDGnkKZMblO-ELjVbECpdk3nw1_V3E~2";
    sesh::manual_clock clk(at_ms(1700000000000));
    counting_random rnd;
    const auto codec = make({{"7", pw_a}}, &clk, 3600s, &rnd);
    const json::value data = json::parse(R"({"user":{"id":42,"name":"Zoë 🦀"},"admin":false})");
    EXPECT_EQ(codec.seal(data).value(), expected);
    EXPECT_EQ(codec.unseal(expected).value(), data);
}

TEST(iron, writes_an_empty_expiry_for_ttl_zero_as_iron_webcrypto) {
    // As above with ttl 0 and data {n: 1}: iron writes `ttl ? now + ttl : ""`.
    const std::string expected =
        "Fe26.2*7*000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f*ICEiIyQlJicoKSorLC0uLw*"
        "cNFcrq9OxUthUXYHK6qXFQ**303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f*"
        "RRgtCR1RPPSV1qfVhG6cBbUAYVnj1vZ78xfL4valQJc~2";
    sesh::manual_clock clk(at_ms(1700000000000));
    counting_random rnd;
    const auto codec = make({{"7", pw_a}}, &clk, 0s, &rnd);
    EXPECT_EQ(codec.seal(json::parse(R"({"n":1})")).value(), expected);
    clk.advance(std::chrono::hours(24 * 365 * 100));
    EXPECT_EQ(codec.unseal(expected).value(), json::parse(R"({"n":1})"));
}

TEST(iron, seal_has_iron_structure_and_fresh_salts_each_time) {
    sesh::manual_clock clk(at_ms(1'650'000'000'123));
    const auto codec = make({{"1", pw_a}, {"2", pw_b}}, &clk, 1000s);
    const std::string s1 = codec.seal(json::parse(R"({"a":1})")).value();
    const std::string s2 = codec.seal(json::parse(R"({"a":1})")).value();
    ASSERT_GT(s1.size(), 2u);
    EXPECT_EQ(s1.substr(s1.size() - 2), "~2");
    const auto p = split(s1.substr(0, s1.size() - 2), '*');
    ASSERT_EQ(p.size(), 8u);
    EXPECT_EQ(p[0], "Fe26.2");
    EXPECT_EQ(p[1], "2");
    EXPECT_EQ(p[2].size(), 64u);
    EXPECT_TRUE(is_lower_hex(p[2]));
    EXPECT_EQ(sesh::base64url_decode(p[3]).value().size(), 16u);
    EXPECT_EQ(sesh::base64url_decode(p[4]).value().size() % 16, 0u);
    EXPECT_EQ(p[5], "1650001000123");
    EXPECT_EQ(p[6].size(), 64u);
    EXPECT_TRUE(is_lower_hex(p[6]));
    EXPECT_NE(p[2], p[6]);
    EXPECT_EQ(p[7].size(), 43u);
    const auto q = split(s2, '*');
    EXPECT_NE(p[2], q[2]);
    EXPECT_NE(p[3], q[3]);
    EXPECT_NE(p[6], q[6]);
}

TEST(iron, seal_verifies_and_decrypts_with_plain_openssl) {
    const auto codec = make({{"1", pw_a}});
    const std::string sealed = codec.seal(json::parse(R"({"user":"Ada Lovelace","n":[1,2,3]})")).value();
    const auto p = split(sealed.substr(0, sealed.size() - 2), '*');
    ASSERT_EQ(p.size(), 8u);
    const std::string base = p[0] + "*" + p[1] + "*" + p[2] + "*" + p[3] + "*" + p[4] + "*" + p[5];
    EXPECT_EQ(openssl_mac(pw_a, p[6], base), p[7]);
    const auto plain = openssl_cbc(false, openssl_key(pw_a, p[2]), sesh::base64url_decode(p[3]).value(),
                                   sesh::base64url_decode(p[4]).value());
    EXPECT_EQ(std::string(plain.begin(), plain.end()), R"({"user":"Ada Lovelace","n":[1,2,3]})");
}

TEST(iron, opens_a_seal_built_with_plain_openssl) {
    const auto codec = make({{"1", pw_a}});
    const auto opened = codec.unseal(forge(pw_a, "1", R"({"from":"openssl","list":[true,null]})"));
    ASSERT_TRUE(opened) << opened.error().message();
    EXPECT_EQ(*opened, json::parse(R"({"from":"openssl","list":[true,null]})"));
}

// --- Passwords and rotation. ----------------------------------------------------------------------

TEST(iron, seals_with_the_highest_id_and_opens_with_any_known_id) {
    const auto both = make({{"1", pw_a}, {"2", pw_b}});
    const auto only_1 = make({{"1", pw_a}});
    const auto only_2 = make({{"2", pw_b}});
    const json::value data = json::parse(R"({"v":"rotated"})");
    const std::string sealed = both.seal(data).value();
    EXPECT_EQ(split(sealed, '*')[1], "2");
    EXPECT_EQ(both.unseal(sealed).value(), data);
    EXPECT_EQ(only_2.unseal(sealed).value(), data);
    EXPECT_EQ(error_of(only_1.unseal(sealed)), errc::unknown_key_id);
    // An old seal under id 1 still opens after rotation.
    EXPECT_EQ(both.unseal(only_1.seal(data).value()).value(), data);
}

TEST(iron, same_id_with_another_password_is_a_bad_mac) {
    const auto a = make({{"1", pw_a}});
    const auto b = make({{"1", pw_b}});
    EXPECT_EQ(error_of(b.unseal(a.seal(json::object()).value())), errc::bad_mac);
}

TEST(iron, compares_ids_as_numbers_like_math_max) {
    EXPECT_EQ(split(make({{"2", pw_a}, {"10", pw_b}}).seal(json::object()).value(), '*')[1], "10");
    EXPECT_EQ(split(make({{"9", pw_a}, {"x", pw_b}}).seal(json::object()).value(), '*')[1], "9");
    EXPECT_EQ(split(make({{"a", pw_a}, {"b", pw_b}}).seal(json::object()).value(), '*')[1], "b");
    EXPECT_EQ(split(make({{"01", pw_a}, {"1", pw_b}}).seal(json::object()).value(), '*')[1], "1");
}

TEST(iron, an_empty_id_means_default_as_iron) {
    const std::string sealed = forge(pw_a, "", R"({"who":"default"})");
    EXPECT_EQ(make({{"default", pw_a}}).unseal(sealed).value(), json::parse(R"({"who":"default"})"));
    EXPECT_EQ(error_of(make({{"1", pw_a}}).unseal(sealed)), errc::unknown_key_id);
}

TEST(iron, refuses_short_or_non_utf8_passwords_and_bad_ids) {
    const auto create = [](sesh::password_map m) {
        sesh::iron_options o;
        o.passwords = std::move(m);
        return sesh::iron_codec::create(std::move(o));
    };
    EXPECT_EQ(error_of(create({})), errc::invalid_argument);
    EXPECT_EQ(error_of(create({{"1", std::string(31, 'x')}})), errc::invalid_argument);
    EXPECT_TRUE(create({{"1", std::string(32, 'x')}}));
    EXPECT_EQ(error_of(create({{"1", pw_a}, {"2", "short"}})), errc::invalid_argument);
    // JavaScript counts UTF-16 code units: 31 'é' are 62 bytes but 31 characters...
    std::string e31;
    for (int i = 0; i < 31; ++i) e31 += "é";
    EXPECT_EQ(error_of(create({{"1", e31}})), errc::invalid_argument);
    // ...and 16 crabs are 32 code units.
    std::string crabs;
    for (int i = 0; i < 16; ++i) crabs += "🦀";
    EXPECT_TRUE(create({{"1", crabs}}));
    EXPECT_EQ(error_of(create({{"1", std::string(40, 'x') + "\xC3"}})), errc::invalid_argument);
    EXPECT_EQ(error_of(create({{"1", std::string(40, 'x') + "\xED\xA0\x80"}})), errc::invalid_argument);  // surrogate
    EXPECT_EQ(error_of(create({{"1", std::string(40, 'x') + "\xC0\xAF"}})), errc::invalid_argument);      // overlong
    for (const char* id : {"", "a-b", "a b", "é", "1*2", "1~2"})
        EXPECT_EQ(error_of(create({{id, pw_a}})), errc::invalid_argument) << id;
    EXPECT_TRUE(create({{"default", pw_a}, {"key_2", pw_b}}));
}

TEST(iron, refuses_options_out_of_range) {
    const auto with = [](auto change) {
        sesh::iron_options o;
        o.passwords = {{"1", pw_a}};
        change(o);
        return sesh::iron_codec::create(std::move(o));
    };
    EXPECT_EQ(error_of(with([](auto& o) { o.ttl = -1s; })), errc::invalid_argument);
    EXPECT_EQ(error_of(with([](auto& o) { o.ttl = std::chrono::seconds(1'000'000'000'001); })), errc::invalid_argument);
    EXPECT_EQ(error_of(with([](auto& o) { o.clock_skew = -1s; })), errc::invalid_argument);
    EXPECT_EQ(error_of(with([](auto& o) { o.max_seal_bytes = 0; })), errc::invalid_argument);
    EXPECT_TRUE(with([](auto& o) { o.ttl = 0s; }));
}

TEST(iron, parses_a_password_map_or_a_plain_password) {
    EXPECT_EQ(sesh::parse_password_map(pw_a).value(), (sesh::password_map{{"1", pw_a}}));
    EXPECT_EQ(sesh::parse_password_map(R"({"1":"one","2":"two"})").value(),
              (sesh::password_map{{"1", "one"}, {"2", "two"}}));
    EXPECT_EQ(error_of(sesh::parse_password_map(R"({"1":"one","2":2})")), errc::malformed);
    // Only a JSON object is a map; anything else is the password itself.
    EXPECT_EQ(sesh::parse_password_map(R"(["a","b"])").value(), (sesh::password_map{{"1", R"(["a","b"])"}}));
    EXPECT_EQ(sesh::parse_password_map("{not json").value(), (sesh::password_map{{"1", "{not json"}}));
}

// --- Time. ----------------------------------------------------------------------------------------

TEST(iron, expires_once_past_ttl_plus_the_60_second_skew) {
    sesh::manual_clock clk(at_ms(1'700'000'000'000));
    const auto codec = make({{"1", pw_a}}, &clk, 10s);
    const std::string sealed = codec.seal(json::parse(R"({"a":1})")).value();
    clk.advance(10s + 60s - 1ms);  // exp = now - 60 s + 1 ms: still valid
    EXPECT_TRUE(codec.unseal(sealed));
    clk.advance(1ms);  // iron: `exp <= now - skew` is expired
    EXPECT_EQ(error_of(codec.unseal(sealed)), errc::expired);
    clk.advance(std::chrono::hours(1000));
    EXPECT_EQ(error_of(codec.unseal(sealed)), errc::expired);
}

TEST(iron, ttl_zero_writes_no_expiry_and_never_expires) {
    sesh::manual_clock clk(at_ms(1'700'000'000'000));
    const auto codec = make({{"1", pw_a}}, &clk, 0s);
    const std::string sealed = codec.seal(json::parse(R"({"a":1})")).value();
    EXPECT_EQ(split(sealed, '*')[5], "");
    clk.advance(std::chrono::hours(24 * 365 * 200));  // nanosecond time_points end near 2262
    EXPECT_EQ(codec.unseal(sealed).value(), json::parse(R"({"a":1})"));
}

TEST(iron, reads_any_digit_expiry_iron_would) {
    sesh::manual_clock clk(at_ms(1'700'000'000'000));
    const auto codec = make({{"1", pw_a}}, &clk);
    // Leading zeros and numbers beyond 64 bits are still numbers to parseInt.
    EXPECT_TRUE(codec.unseal(forge(pw_a, "1", "{}", "0001700000000000")));
    EXPECT_TRUE(codec.unseal(forge(pw_a, "1", "{}", "99999999999999999999999999999")));
    EXPECT_EQ(error_of(codec.unseal(forge(pw_a, "1", "{}", "1699999940000"))), errc::expired);
    EXPECT_TRUE(codec.unseal(forge(pw_a, "1", "{}", "1699999940001")));
    for (const char* bad : {"-1", "1e3", " 1", "0x10", "1.5"})
        EXPECT_EQ(error_of(codec.unseal(forge(pw_a, "1", "{}", bad))), errc::malformed) << bad;
}

TEST(iron, refuses_to_seal_when_the_clock_is_before_1970) {
    // iron would write "-4" or so, which its own /^\d+$/ check then refuses.
    sesh::manual_clock clk(at_ms(-5));
    const auto codec = make({{"1", pw_a}}, &clk, 1s);
    EXPECT_EQ(error_of(codec.seal(json::object())), errc::invalid_argument);
    clk.set(at_ms(0));
    EXPECT_EQ(split(codec.seal(json::object()).value(), '*')[5], "1000");
}

TEST(iron, cookie_max_age_is_ttl_minus_60_seconds_as_iron_session) {
    EXPECT_EQ(make({{"1", pw_a}}).cookie_max_age(), 1209540s);
    EXPECT_EQ(make({{"1", pw_a}}, nullptr, 3600s).cookie_max_age(), 3540s);
    EXPECT_EQ(make({{"1", pw_a}}, nullptr, 0s).cookie_max_age(), 2147483647s);
    EXPECT_EQ(make({{"1", pw_a}}, nullptr, 30s).cookie_max_age(), 0s);
}

// --- What iron-session's unsealData returns. ------------------------------------------------------

TEST(iron, null_or_empty_plaintext_reads_as_an_empty_object) {
    const auto codec = make({{"1", pw_a}});
    EXPECT_EQ(codec.unseal(codec.seal(nullptr).value()).value(), json::object());
    EXPECT_EQ(codec.unseal(forge(pw_a, "1", "")).value(), json::object());
    EXPECT_EQ(codec.unseal(forge(pw_a, "1", "null")).value(), json::object());
}

TEST(iron, a_seal_without_marker_is_v1_and_yields_its_persistent_member) {
    const auto codec = make({{"1", pw_a}});
    const auto v1 = [&](const char* data) {
        std::string s = codec.seal(json::parse(data)).value();
        s.resize(s.size() - 2);
        return codec.unseal(s).value();
    };
    EXPECT_EQ(v1(R"({"persistent":{"user":"ada"},"flash":{}})"), json::parse(R"({"user":"ada"})"));
    EXPECT_EQ(v1(R"({"user":"ada"})"), json::object());
    EXPECT_EQ(v1(R"({"persistent":null})"), json::object());
    EXPECT_EQ(v1(R"({"persistent":7})"), json::object());
    EXPECT_EQ(v1(R"({"persistent":["x",{"y":1}]})"), json::parse(R"({"0":"x","1":{"y":1}})"));
    // `{..."aé🦀"}`: one key per UTF-16 code unit; the crab's halves are lone surrogates.
    EXPECT_EQ(v1(R"({"persistent":"aé🦀"})"), json::parse(R"({"0":"a","1":"é","2":"\ufffd","3":"\ufffd"})"));
    EXPECT_EQ(v1(R"(["persistent"])"), json::object());
    EXPECT_EQ(v1("null"), json::object());
}

TEST(iron, refuses_markers_other_than_a_final_tilde_2) {
    const auto codec = make({{"1", pw_a}});
    std::string s = codec.seal(json::object()).value();
    s.resize(s.size() - 2);
    for (const char* marker : {"~", "~3", "~02", "~2~2", "~2 ", "~22", "~~2", " ~2"})
        EXPECT_EQ(error_of(codec.unseal(s + marker)), errc::malformed) << marker;
}

TEST(iron, writes_non_finite_numbers_as_null_like_json_stringify) {
    const auto codec = make({{"1", pw_a}});
    json::value data = {{"inf", std::numeric_limits<double>::infinity()},
                        {"list", {1.5, std::nan(""), -std::numeric_limits<double>::infinity()}}};
    const auto opened = codec.unseal(codec.seal(data).value()).value();
    EXPECT_EQ(opened, json::parse(R"({"inf":null,"list":[1.5,null,null]})"));
    EXPECT_TRUE(std::isinf(data.at("inf").as_double()));  // the caller's value is untouched
}

TEST(iron, reads_nesting_deeper_than_boost_json_default) {
    const auto codec = make({{"1", pw_a}});
    std::string deep;
    for (int i = 0; i < 200; ++i) deep += "[";
    for (int i = 0; i < 200; ++i) deep += "]";
    const json::value data = json::parse(deep, {}, {.max_depth = 300});
    EXPECT_EQ(codec.unseal(codec.seal(data).value()).value(), data);
}

TEST(iron, reads_every_double_exactly_as_json_parse) {
    // Boost.JSON 1.81's parser is off by an ulp for some 17-digit doubles, which JSON.stringify
    // writes for values like Math.random(); a Node session must come back bit for bit.
    const auto codec = make({{"1", pw_a}});
    std::string text = "[";
    std::vector<double> expected;
    for (const char* n : {"1.3927926388013963e-143", "8.0863067236109623e+24", "1.7161392603081718e+277",
                          "0.30000000000000004", "-9.5998012756364456e-283", "5e-324", "1.7976931348623157e+308",
                          "0.1", "123456789012345678901234567890", "-0.0"}) {
        text += std::string(expected.empty() ? "" : ",") + n;
        expected.push_back(std::strtod(n, nullptr));
    }
    text += ",1e400,-1e400,1e-400]";
    const auto opened = codec.unseal(forge(pw_a, "1", text)).value();
    const auto& a = opened.as_array();
    ASSERT_EQ(a.size(), expected.size() + 3);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        ASSERT_TRUE(a[i].is_double()) << i;
        EXPECT_EQ(a[i].get_double(), expected[i]) << i;
        EXPECT_EQ(std::signbit(a[i].get_double()), std::signbit(expected[i])) << i;
    }
    // Beyond the double range, JSON.parse gives ±Infinity and 0; so does sesh.
    EXPECT_EQ(a[expected.size()].get_double(), std::numeric_limits<double>::infinity());
    EXPECT_EQ(a[expected.size() + 1].get_double(), -std::numeric_limits<double>::infinity());
    EXPECT_EQ(a[expected.size() + 2].get_double(), 0.0);
    // Integers keep their exact 64-bit values.
    EXPECT_EQ(codec.unseal(forge(pw_a, "1", "[-9223372036854775808,18446744073709551615]")).value(),
              json::parse("[-9223372036854775808,18446744073709551615]"));
}

// --- Failures, one errc each. ----------------------------------------------------------------------

TEST(iron, rejects_a_flipped_mac_byte) {
    const auto codec = make({{"1", pw_a}});
    std::string s = codec.seal(json::object()).value();
    char& c = s[s.size() - 10];
    c = c == 'A' ? 'B' : 'A';
    EXPECT_EQ(error_of(codec.unseal(s)), errc::bad_mac);
}

TEST(iron, rejects_a_changed_ciphertext_as_a_bad_mac) {
    const auto codec = make({{"1", pw_a}});
    std::string s = codec.seal(json::parse(R"({"admin":false})")).value();
    const auto star = s.find('*', s.find('*', s.find('*', s.find('*') + 1) + 1) + 1);
    char& c = s[star + 1];
    c = c == 'A' ? 'B' : 'A';
    EXPECT_EQ(error_of(codec.unseal(s)), errc::bad_mac);
}

TEST(iron, rejects_oversized_input_before_any_work) {
    sesh::iron_options o;
    o.passwords = {{"1", pw_a}};
    o.max_seal_bytes = 300;
    const auto codec = sesh::iron_codec::create(o).value();
    EXPECT_EQ(error_of(codec.unseal(std::string(301, 'A'))), errc::too_large);
    EXPECT_EQ(error_of(codec.unseal(std::string(300, 'A'))), errc::malformed);
    EXPECT_EQ(error_of(codec.seal(json::string(std::string(200, 'x')))), errc::too_large);
    // The bound is inclusive: find the largest string that still seals, and open it.
    std::string fits;
    for (std::size_t n = 0; n < 100; ++n) {
        const auto s = codec.seal(json::string(std::string(n, 'x')));
        if (!s) break;
        EXPECT_LE(s->size(), 300u);
        EXPECT_EQ(codec.unseal(*s).value(), json::string(std::string(n, 'x')));
        fits = *s;
    }
    EXPECT_GT(fits.size(), 300u - 22);  // within one AES block (22 base64url characters) of the bound
}

TEST(iron, rejects_malformed_shapes) {
    const auto codec = make({{"1", pw_a}});
    const std::string good = codec.seal(json::object()).value();
    auto p = split(good.substr(0, good.size() - 2), '*');
    const auto join = [](std::vector<std::string> v) {
        std::string s;
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "*" : "") + v[i];
        return s + "~2";
    };
    const auto with = [&](std::size_t i, std::string v) {
        auto q = p;
        q[i] = std::move(v);
        return join(q);
    };
    EXPECT_EQ(error_of(codec.unseal("")), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal("~2")), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal("*******~2")), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(good.substr(0, good.rfind('*')) + "~2")), errc::malformed);  // 7 parts
    EXPECT_EQ(error_of(codec.unseal(good.substr(0, good.size() - 2) + "*x~2")), errc::malformed);  // 9 parts
    EXPECT_EQ(error_of(codec.unseal(with(0, "Fe26.1"))), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(with(2, ""))), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(with(2, std::string(64, 'G')))), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(with(6, std::string(64, 'A')))), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(with(3, p[3] + "A"))), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(with(7, p[7] + "A"))), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(with(5, "soon"))), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(with(1, "9"))), errc::unknown_key_id);
}

TEST(iron, authentic_but_unreadable_plaintext_is_malformed) {
    const auto codec = make({{"1", pw_a}});
    EXPECT_EQ(error_of(codec.unseal(forge(pw_a, "1", "{not json"))), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(forge(pw_a, "1", "{} trailing"))), errc::malformed);
    EXPECT_EQ(error_of(codec.unseal(forge(pw_a, "1", "\"\xFF\""))), errc::malformed);
}

// The property the issue asks for: no small corruption of a valid seal opens, and none crashes.
// The one exception is dropping the `~2` marker, which iron-session reads as a v1 seal.
TEST(iron, rejects_every_single_byte_change_truncation_and_extension) {
    sesh::manual_clock clk(at_ms(1'700'000'000'000));
    const auto codec = make({{"1", pw_a}, {"2", pw_b}}, &clk, 3600s);
    const std::string good = codec.seal(json::parse(R"({"user":"ada","persistent":{"p":1}})")).value();
    ASSERT_EQ(codec.unseal(good).value(), json::parse(R"({"user":"ada","persistent":{"p":1}})"));
    const auto refused = [&](const std::string& s) {
        const auto r = codec.unseal(s);
        if (r) return false;
        const auto e = r.error();
        return e == errc::malformed || e == errc::bad_mac || e == errc::unknown_key_id;
    };
    const std::string replacements("\0*~A_a-.02zZ9\xFF\x80 ", 16);
    std::size_t tried = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::vector<char> with = {static_cast<char>(good[i] ^ 1), static_cast<char>(good[i] ^ 0x20)};
        with.insert(with.end(), replacements.begin(), replacements.end());
        for (const char c : with) {
            if (c == good[i]) continue;
            std::string changed = good;
            changed[i] = c;
            EXPECT_TRUE(refused(changed)) << "byte " << i << " -> " << int(c);
            std::string inserted = good;
            inserted.insert(i, 1, c);
            EXPECT_TRUE(refused(inserted)) << "insert at " << i << ": " << int(c);
            tried += 2;
        }
        std::string removed = good;
        removed.erase(i, 1);
        EXPECT_TRUE(refused(removed)) << "erase " << i;
    }
    for (std::size_t n = 0; n < good.size(); ++n) {
        if (n == good.size() - 2) {
            EXPECT_EQ(codec.unseal(good.substr(0, n)).value(), json::parse(R"({"p":1})"));
            continue;
        }
        EXPECT_TRUE(refused(good.substr(0, n))) << "truncated to " << n;
    }
    const std::vector<std::string> tails = {"2", "~2", "*", "A", "=", "==", "\n", std::string(1, '\0'), "*AAAA"};
    for (const auto& tail : tails) EXPECT_TRUE(refused(good + tail)) << tail;
    EXPECT_TRUE(refused(" " + good));
    EXPECT_GT(tried, 5000u);
}

TEST(iron, copies_share_keys_and_work_across_threads) {
    const auto codec = make({{"1", pw_a}});
    const sesh::iron_codec copy = codec;
    std::vector<std::thread> threads;
    std::array<int, 4> ok{};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const std::string pad(static_cast<std::size_t>(i * 7), 'p');
                const json::value data = {{"t", t}, {"i", i}, {"pad", pad}};
                const auto s = (i % 2 ? codec : copy).seal(data);
                if (s && (i % 2 ? copy : codec).unseal(*s).value() == data) ++ok[static_cast<std::size_t>(t)];
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok, (std::array<int, 4>{200, 200, 200, 200}));
}

}  // namespace
