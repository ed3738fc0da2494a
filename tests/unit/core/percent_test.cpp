// Percent-decoding, and cookie values read as the `cookie` npm package reads them.
#include "core/percent.hpp"

#include <gtest/gtest.h>

namespace {

using sesh::detail::cookie_value_decode;
using sesh::detail::percent_decode;

TEST(percent, decodes_escapes_of_either_case_and_refuses_cut_or_non_hex_ones) {
    EXPECT_EQ(percent_decode("a%2Fb%2fc"), "a/b/c");
    EXPECT_EQ(percent_decode("p%40ss+word"), "p@ss+word");
    EXPECT_EQ(percent_decode("p+w", true), "p w");
    EXPECT_EQ(percent_decode(""), "");
    EXPECT_EQ(percent_decode("%00"), std::string(1, '\0'));
    EXPECT_FALSE(percent_decode("%4"));
    EXPECT_FALSE(percent_decode("%"));
    EXPECT_FALSE(percent_decode("%G1"));
    EXPECT_FALSE(percent_decode("ab%2"));
}

TEST(percent, a_cookie_value_is_decoded_only_when_that_succeeds_as_decodeURIComponent_would) {
    EXPECT_EQ(cookie_value_decode("http%3A%2F%2Fa.example%2F"), "http://a.example/");
    EXPECT_EQ(cookie_value_decode("plain+text"), "plain+text");  // '+' is no space in a cookie
    EXPECT_EQ(cookie_value_decode("bad%G1"), "bad%G1");           // URIError: kept as sent
    EXPECT_EQ(cookie_value_decode("%FF%FE"), "%FF%FE");           // not UTF-8: kept as sent
    EXPECT_EQ(cookie_value_decode("%E2%9C%93"), "\xE2\x9C\x93");
}

}  // namespace
