// Cookie header parsing: what browsers send (spaces, quotes, duplicates), junk skipped, bounds kept.
#include <sesh/cookie.hpp>

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace {

using pairs = std::vector<std::pair<std::string, std::string>>;

// The parsed pairs as owned strings, so a test can compare the whole result at once.
pairs parse(std::string_view header, const sesh::cookie_limits& limits = {}) {
    auto r = sesh::parse_cookie_header(header, limits);
    EXPECT_TRUE(r) << header;
    pairs out;
    if (r)
        for (const auto& c : *r) out.emplace_back(c.name, c.value);
    return out;
}

TEST(cookie_parse, splits_pairs_on_semicolons) {
    EXPECT_EQ(parse("a=1; b=2;c=3"), (pairs{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
}

TEST(cookie_parse, gives_nothing_for_an_empty_or_blank_header) {
    EXPECT_TRUE(parse("").empty());
    EXPECT_TRUE(parse(" \t ").empty());
    EXPECT_TRUE(parse(";;").empty());
}

TEST(cookie_parse, trims_spaces_and_tabs_around_names_and_values) {
    EXPECT_EQ(parse(" a = 1 ;\tb\t=\t2\t; c=3 "), (pairs{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
}

TEST(cookie_parse, keeps_inner_spaces_of_a_value) {
    EXPECT_EQ(parse("a=x y z"), (pairs{{"a", "x y z"}}));
}

TEST(cookie_parse, removes_one_pair_of_surrounding_quotes) {
    EXPECT_EQ(parse(R"(a="quoted"; b=""; c=""x""; d=" sp ")"),
              (pairs{{"a", "quoted"}, {"b", ""}, {"c", "\"x\""}, {"d", " sp "}}));
}

TEST(cookie_parse, keeps_a_lone_or_unbalanced_quote) {
    EXPECT_EQ(parse(R"(a="; b="open; c=close")"), (pairs{{"a", "\""}, {"b", "\"open"}, {"c", "close\""}}));
}

TEST(cookie_parse, keeps_empty_values) {
    EXPECT_EQ(parse("a=; b=2"), (pairs{{"a", ""}, {"b", "2"}}));
}

TEST(cookie_parse, keeps_equals_signs_inside_values) {
    // base64 padding and query strings put '=' in values; only the first '=' splits.
    EXPECT_EQ(parse("a=b=c==; d=x=1&y=2"), (pairs{{"a", "b=c=="}, {"d", "x=1&y=2"}}));
}

TEST(cookie_parse, keeps_commas_and_utf8_that_browsers_send) {
    EXPECT_EQ(parse("a=x,y; b=caf\xc3\xa9"), (pairs{{"a", "x,y"}, {"b", "caf\xc3\xa9"}}));
}

TEST(cookie_parse, does_not_percent_decode) {
    EXPECT_EQ(parse("csrf=abc%7Cdef"), (pairs{{"csrf", "abc%7Cdef"}}));
}

TEST(cookie_parse, skips_pairs_without_an_equals_sign) {
    EXPECT_EQ(parse("junk; a=1; more junk; b=2"), (pairs{{"a", "1"}, {"b", "2"}}));
}

TEST(cookie_parse, skips_empty_names) {
    EXPECT_EQ(parse("=1; a=2;  =3"), (pairs{{"a", "2"}}));
}

TEST(cookie_parse, skips_names_with_characters_outside_a_token) {
    EXPECT_EQ(parse("a b=1; c(d)=2; e[0]=3; f\"=4; g/h=5; i:j=6; caf\xc3\xa9=7; ok=8"), (pairs{{"ok", "8"}}));
}

TEST(cookie_parse, accepts_every_token_character_in_a_name) {
    EXPECT_EQ(parse("!#$%&'*+-.^_`|~09AZaz=1"), (pairs{{"!#$%&'*+-.^_`|~09AZaz", "1"}}));
}

TEST(cookie_parse, skips_values_with_control_characters) {
    using namespace std::string_view_literals;
    EXPECT_EQ(parse("a=x\x01y; b=1"sv), (pairs{{"b", "1"}}));
    EXPECT_EQ(parse("a=x\0y; b=1"sv), (pairs{{"b", "1"}}));
    EXPECT_EQ(parse("a=x\x7fy; b=1"sv), (pairs{{"b", "1"}}));
    EXPECT_EQ(parse("a=x\r\ny; b=1"sv), (pairs{{"b", "1"}}));
}

TEST(cookie_parse, ignores_a_trailing_semicolon) {
    EXPECT_EQ(parse("a=1; b=2;"), (pairs{{"a", "1"}, {"b", "2"}}));
    EXPECT_EQ(parse("a=1; b=2; "), (pairs{{"a", "1"}, {"b", "2"}}));
}

TEST(cookie_parse, keeps_the_first_of_duplicate_names) {
    EXPECT_EQ(parse("sid=specific; other=1; sid=general"), (pairs{{"sid", "specific"}, {"other", "1"}}));
}

TEST(cookie_parse, treats_names_as_case_sensitive) {
    EXPECT_EQ(parse("sid=1; SID=2"), (pairs{{"sid", "1"}, {"SID", "2"}}));
}

TEST(cookie_parse, a_skipped_pair_does_not_shadow_a_later_valid_one) {
    EXPECT_EQ(parse("a=bad\x01; a=good"), (pairs{{"a", "good"}}));
}

TEST(cookie_parse, returns_views_into_the_header) {
    const std::string header = "a=1; b=\"2\"";
    auto r = sesh::parse_cookie_header(header);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 2u);
    for (const auto& c : *r) {
        EXPECT_GE(c.name.data(), header.data());
        EXPECT_LE(c.value.data() + c.value.size(), header.data() + header.size());
    }
    EXPECT_EQ((*r)[1].value.data(), header.data() + 8);
}

TEST(cookie_parse, refuses_a_header_over_the_byte_bound) {
    const std::string header = "a=" + std::string(100, 'x');
    EXPECT_EQ(sesh::parse_cookie_header(header, {.max_header_bytes = 101}).error(), sesh::errc::too_large);
    EXPECT_TRUE(sesh::parse_cookie_header(header, {.max_header_bytes = 102}));
}

TEST(cookie_parse, refuses_a_header_over_the_default_16_kib) {
    const std::string header = "a=" + std::string(16 * 1024 - 1, 'x');
    EXPECT_EQ(sesh::parse_cookie_header(header).error(), sesh::errc::too_large);
    EXPECT_TRUE(sesh::parse_cookie_header(header.substr(1)));
}

TEST(cookie_parse, keeps_at_most_max_cookies_pairs) {
    std::string header;
    for (int i = 0; i < 10; ++i) header += "c" + std::to_string(i) + "=" + std::to_string(i) + "; ";
    const auto got = parse(header, {.max_cookies = 4});
    EXPECT_EQ(got, (pairs{{"c0", "0"}, {"c1", "1"}, {"c2", "2"}, {"c3", "3"}}));
}

TEST(cookie_parse, counts_only_kept_pairs_against_max_cookies) {
    EXPECT_EQ(parse("junk; a=1; a=2; =x; b=2; c=3", {.max_cookies = 2}), (pairs{{"a", "1"}, {"b", "2"}}));
}

TEST(cookie_parse, keeps_the_default_300_cookies_and_no_more) {
    std::string header;
    for (int i = 0; i < 400; ++i) header += "c" + std::to_string(i) + "=v;";
    const auto got = parse(header);
    ASSERT_EQ(got.size(), 300u);
    EXPECT_EQ(got.back().first, "c299");
}

TEST(cookie_parse, survives_arbitrary_bytes) {
    // Every byte value in many positions: no crash, no throw, and every kept name is a token.
    std::string header;
    for (int round = 0; round < 4; ++round)
        for (int b = 0; b < 256; ++b) {
            header += static_cast<char>(b);
            if (b % 7 == 0) header += '=';
            if (b % 11 == 0) header += ';';
        }
    auto r = sesh::parse_cookie_header(header);
    ASSERT_TRUE(r);
    for (const auto& c : *r) EXPECT_TRUE(sesh::is_valid_cookie_name(c.name)) << c.name;
}

TEST(cookie_name, accepts_tokens_and_refuses_separators_and_empty) {
    EXPECT_TRUE(sesh::is_valid_cookie_name("__Secure-next-auth.session-token"));
    EXPECT_FALSE(sesh::is_valid_cookie_name(""));
    for (std::string_view bad : {"a b", "a;b", "a=b", "a,b", "a\"b", "a\\b", "a\tb", "a@b", "a{b", "a\x7f"})
        EXPECT_FALSE(sesh::is_valid_cookie_name(bad)) << bad;
}

TEST(find_cookie, returns_the_first_value_of_the_exact_name) {
    const std::string header = "a=1; ab=2; A=3";
    auto r = sesh::parse_cookie_header(header);
    ASSERT_TRUE(r);
    EXPECT_EQ(sesh::find_cookie(*r, "ab"), "2");
    EXPECT_EQ(sesh::find_cookie(*r, "A"), "3");
    EXPECT_FALSE(sesh::find_cookie(*r, "b"));
    EXPECT_FALSE(sesh::find_cookie(*r, ""));
}

TEST(find_cookie, tells_an_empty_value_from_a_missing_cookie) {
    const std::string header = "a=";
    auto r = sesh::parse_cookie_header(header);
    ASSERT_TRUE(r);
    ASSERT_TRUE(sesh::find_cookie(*r, "a"));
    EXPECT_EQ(*sesh::find_cookie(*r, "a"), "");
}

}  // namespace
