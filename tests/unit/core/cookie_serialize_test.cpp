// Set-Cookie serialization: every attribute, and refusal of every cookie a browser would drop.
#include <sesh/cookie.hpp>

#include <string>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;

sesh::set_cookie plain(std::string name = "sid", std::string value = "abc") {
    sesh::set_cookie c;
    c.name = std::move(name);
    c.value = std::move(value);
    return c;
}

// Every attribute off, so a test can switch on exactly one.
sesh::set_cookie bare(std::string name = "sid", std::string value = "abc") {
    auto c = plain(std::move(name), std::move(value));
    c.path.clear();
    c.secure = false;
    c.http_only = false;
    c.same_site = sesh::same_site::unset;
    return c;
}

std::string ok(const sesh::set_cookie& c) {
    auto r = sesh::serialize(c);
    EXPECT_TRUE(r) << c.name << "=" << c.value << ": " << (r ? "" : r.error().message());
    return r ? *r : std::string();
}

std::error_code refused(const sesh::set_cookie& c) {
    auto r = sesh::serialize(c);
    EXPECT_FALSE(r) << *r;
    return r ? std::error_code() : r.error();
}

std::chrono::system_clock::time_point unix_time(std::int64_t s) {
    return std::chrono::system_clock::time_point{std::chrono::seconds{s}};
}

TEST(cookie_serialize, writes_the_safe_defaults) {
    EXPECT_EQ(ok(plain()), "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
}

TEST(cookie_serialize, writes_only_name_and_value_when_every_attribute_is_off) {
    EXPECT_EQ(ok(bare()), "sid=abc");
}

TEST(cookie_serialize, writes_max_age) {
    auto c = bare();
    c.max_age = 2592000s;
    EXPECT_EQ(ok(c), "sid=abc; Max-Age=2592000");
}

TEST(cookie_serialize, writes_max_age_zero_for_a_deletion) {
    auto c = bare("sid", "");
    c.max_age = 0s;
    EXPECT_EQ(ok(c), "sid=; Max-Age=0");
}

TEST(cookie_serialize, writes_a_negative_max_age_as_zero) {
    auto c = bare();
    c.max_age = -5s;
    EXPECT_EQ(ok(c), "sid=abc; Max-Age=0");
}

TEST(cookie_serialize, writes_expires_as_an_imf_fixdate) {
    auto c = bare();
    c.expires = unix_time(784111777);  // RFC 7231 §7.1.1.1's example
    EXPECT_EQ(ok(c), "sid=abc; Expires=Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(cookie_serialize, writes_the_epoch_and_drops_sub_second_precision) {
    auto c = bare();
    c.expires = std::chrono::system_clock::time_point{} + 999ms;
    EXPECT_EQ(ok(c), "sid=abc; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(cookie_serialize, writes_expires_across_leap_days_centuries_and_2038) {
    auto c = bare();
    c.expires = unix_time(951782400);  // 2000-02-29 00:00:00
    EXPECT_EQ(ok(c), "sid=abc; Expires=Tue, 29 Feb 2000 00:00:00 GMT");
    c.expires = unix_time(4102444799);  // 2099-12-31 23:59:59
    EXPECT_EQ(ok(c), "sid=abc; Expires=Thu, 31 Dec 2099 23:59:59 GMT");
    c.expires = unix_time(2147483648);  // one second past a signed 32-bit time_t
    EXPECT_EQ(ok(c), "sid=abc; Expires=Tue, 19 Jan 2038 03:14:08 GMT");
    c.expires = unix_time(-1);
    EXPECT_EQ(ok(c), "sid=abc; Expires=Wed, 31 Dec 1969 23:59:59 GMT");
}

TEST(cookie_serialize, writes_the_ends_of_the_clock_range) {
    // libstdc++'s system_clock counts nanoseconds in 64 bits: 1677 to 2262, inside the 1601-9999
    // that serialize accepts, so every representable time has an IMF-fixdate.
    auto c = bare();
    c.expires = std::chrono::system_clock::time_point::min();
    EXPECT_EQ(ok(c), "sid=abc; Expires=Tue, 21 Sep 1677 00:12:43 GMT");
    c.expires = std::chrono::system_clock::time_point::max();
    EXPECT_EQ(ok(c), "sid=abc; Expires=Fri, 11 Apr 2262 23:47:16 GMT");
}

TEST(cookie_serialize, writes_domain_and_path) {
    auto c = bare();
    c.domain = "example.com";
    c.path = "/api";
    EXPECT_EQ(ok(c), "sid=abc; Domain=example.com; Path=/api");
}

TEST(cookie_serialize, writes_secure_httponly_and_each_same_site) {
    auto c = bare();
    c.secure = true;
    c.http_only = true;
    c.same_site = sesh::same_site::strict;
    EXPECT_EQ(ok(c), "sid=abc; Secure; HttpOnly; SameSite=Strict");
    c.same_site = sesh::same_site::lax;
    EXPECT_EQ(ok(c), "sid=abc; Secure; HttpOnly; SameSite=Lax");
    c.same_site = sesh::same_site::none;
    EXPECT_EQ(ok(c), "sid=abc; Secure; HttpOnly; SameSite=None");
}

TEST(cookie_serialize, writes_partitioned_with_secure) {
    auto c = bare();
    c.secure = true;
    c.partitioned = true;
    EXPECT_EQ(ok(c), "sid=abc; Secure; Partitioned");
}

TEST(cookie_serialize, writes_every_attribute_in_a_fixed_order) {
    sesh::set_cookie c = plain("__Secure-next-auth.session-token", "eyJhbGciOiJkaXIifQ..iv.ct.tag");
    c.max_age = 60s;
    c.expires = unix_time(784111777);
    c.domain = "example.com";
    c.same_site = sesh::same_site::none;
    c.partitioned = true;
    EXPECT_EQ(ok(c),
              "__Secure-next-auth.session-token=eyJhbGciOiJkaXIifQ..iv.ct.tag; Max-Age=60; "
              "Expires=Sun, 06 Nov 1994 08:49:37 GMT; Domain=example.com; Path=/; Secure; HttpOnly; "
              "SameSite=None; Partitioned");
}

TEST(cookie_serialize, accepts_an_empty_value) {
    EXPECT_EQ(ok(bare("sid", "")), "sid=");
}

TEST(cookie_serialize, accepts_every_cookie_octet_in_a_value) {
    std::string all;
    for (int c = 0x21; c <= 0x7e; ++c)
        if (c != '"' && c != ',' && c != ';' && c != '\\') all += static_cast<char>(c);
    EXPECT_EQ(ok(bare("sid", all)), "sid=" + all);
}

TEST(cookie_serialize, refuses_a_name_that_is_not_a_token) {
    for (std::string bad : {"", "a b", "a;b", "a=b", "a,b", "a\"b", "a(b)", "a\tb", "caf\xc3\xa9"})
        EXPECT_EQ(refused(bare(bad)), sesh::errc::invalid_argument) << bad;
}

TEST(cookie_serialize, refuses_a_space_in_the_value) {
    EXPECT_EQ(refused(bare("sid", "a b")), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, refuses_a_comma_in_the_value) {
    EXPECT_EQ(refused(bare("sid", "a,b")), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, refuses_a_semicolon_in_the_value) {
    EXPECT_EQ(refused(bare("sid", "a; Domain=evil.example")), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, refuses_a_double_quote_in_the_value) {
    EXPECT_EQ(refused(bare("sid", "\"abc\"")), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, refuses_a_backslash_in_the_value) {
    EXPECT_EQ(refused(bare("sid", "a\\b")), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, refuses_control_characters_in_the_value) {
    using namespace std::string_literals;
    for (std::string bad : {"a\tb"s, "a\r\nSet-Cookie: x=y"s, "a\0b"s, "a\x7f"s, "a\x1f"s})
        EXPECT_EQ(refused(bare("sid", bad)), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, refuses_non_ascii_in_the_value) {
    EXPECT_EQ(refused(bare("sid", "caf\xc3\xa9")), sesh::errc::invalid_argument);
    EXPECT_EQ(refused(bare("sid", "\x80")), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, refuses_a_semicolon_or_control_in_path_or_domain) {
    for (std::string bad : {"/a;b", "/; Domain=evil.example", "/a\r\nX: y", "/\x7f", "/caf\xc3\xa9"}) {
        auto c = bare();
        c.path = bad;
        EXPECT_EQ(refused(c), sesh::errc::invalid_argument) << bad;
        c = bare();
        c.domain = bad;
        EXPECT_EQ(refused(c), sesh::errc::invalid_argument) << bad;
    }
}

TEST(cookie_serialize, refuses_a_path_or_domain_over_1024_bytes) {
    auto c = bare();
    c.path = "/" + std::string(1023, 'p');
    EXPECT_TRUE(sesh::serialize(c));
    c.path += 'p';
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
    c = bare();
    c.domain = std::string(1025, 'd');
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, refuses_name_and_value_over_4096_bytes) {
    EXPECT_TRUE(sesh::serialize(bare("sid", std::string(4093, 'v'))));
    EXPECT_EQ(refused(bare("sid", std::string(4094, 'v'))), sesh::errc::too_large);
}

TEST(cookie_serialize, refuses_same_site_none_without_secure) {
    auto c = bare();
    c.same_site = sesh::same_site::none;
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, refuses_partitioned_without_secure) {
    auto c = bare();
    c.partitioned = true;
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, secure_prefix_needs_secure) {
    auto c = bare("__Secure-sid");
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
    c.secure = true;
    EXPECT_EQ(ok(c), "__Secure-sid=abc; Secure");
}

TEST(cookie_serialize, host_prefix_needs_secure) {
    auto c = plain("__Host-csrf");
    c.secure = false;
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, host_prefix_needs_path_slash) {
    auto c = plain("__Host-csrf");
    c.path = "/api";
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
    c.path = "";  // no Path attribute at all: RFC 6265bis §5.7 step 21 wants an explicit one
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, host_prefix_refuses_a_domain) {
    auto c = plain("__Host-csrf");
    c.domain = "example.com";
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, host_prefix_accepts_secure_path_slash_and_no_domain) {
    EXPECT_EQ(ok(plain("__Host-next-auth.csrf-token")),
              "__Host-next-auth.csrf-token=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
}

TEST(cookie_serialize, http_prefixes_need_secure_and_httponly) {
    for (std::string name : {"__Http-sid", "__Host-Http-sid"}) {
        auto c = plain(name);
        EXPECT_TRUE(sesh::serialize(c)) << name;
        c.http_only = false;
        EXPECT_EQ(refused(c), sesh::errc::invalid_argument) << name;
        c = plain(name);
        c.secure = false;
        EXPECT_EQ(refused(c), sesh::errc::invalid_argument) << name;
    }
    auto c = plain("__Host-Http-sid");
    c.domain = "example.com";
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, matches_prefixes_case_insensitively_as_rfc6265bis_does) {
    for (std::string name : {"__secure-sid", "__SECURE-sid", "__host-sid", "__HoSt-sid"})
        EXPECT_EQ(refused(bare(name)), sesh::errc::invalid_argument) << name;
    auto c = plain("__host-sid");
    c.domain = "example.com";
    EXPECT_EQ(refused(c), sesh::errc::invalid_argument);
}

TEST(cookie_serialize, does_not_apply_prefix_rules_to_lookalike_names) {
    for (std::string name : {"_Secure-sid", "__Secure_sid", "__Hostsid", "x__Host-sid", "Secure-sid"})
        EXPECT_TRUE(sesh::serialize(bare(name))) << name;
}

}  // namespace
