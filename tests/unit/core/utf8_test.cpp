// The one UTF-8 decoder: what RFC 3629 calls well-formed, and nothing else.
#include "core/utf8.hpp"

#include <string>

#include <gtest/gtest.h>

namespace {

using sesh::detail::decode_utf8;
using sesh::detail::valid_utf8;

TEST(utf8, decodes_one_to_four_byte_characters) {
    const auto a = decode_utf8("a", 0);
    EXPECT_EQ(a.code_point, U'a');
    EXPECT_EQ(a.length, 1u);
    const auto e = decode_utf8("\xC3\xA9", 0);  // é
    EXPECT_EQ(e.code_point, U'\u00E9');
    EXPECT_EQ(e.length, 2u);
    const auto euro = decode_utf8("x\xE2\x82\xAC", 1);  // €, not at the start
    EXPECT_EQ(euro.code_point, U'\u20AC');
    EXPECT_EQ(euro.length, 3u);
    const auto key = decode_utf8("\xF0\x9F\x94\x91", 0);  // 🔑
    EXPECT_EQ(key.code_point, U'\U0001F511');
    EXPECT_EQ(key.length, 4u);
    EXPECT_TRUE(valid_utf8("with spaces and ünïcödé 🔑"));
    EXPECT_TRUE(valid_utf8(""));
}

TEST(utf8, decodes_the_edges_of_each_length) {
    EXPECT_EQ(decode_utf8("\x7F", 0).length, 1u);
    EXPECT_EQ(decode_utf8("\xC2\x80", 0).code_point, U'\u0080');
    EXPECT_EQ(decode_utf8("\xDF\xBF", 0).code_point, U'\u07FF');
    EXPECT_EQ(decode_utf8("\xE0\xA0\x80", 0).code_point, U'\u0800');
    EXPECT_EQ(decode_utf8("\xEF\xBF\xBF", 0).code_point, U'\uFFFF');
    EXPECT_EQ(decode_utf8("\xF0\x90\x80\x80", 0).code_point, U'\U00010000');
    EXPECT_EQ(decode_utf8("\xF4\x8F\xBF\xBF", 0).code_point, U'\U0010FFFF');
}

TEST(utf8, refuses_overlong_forms) {
    for (const std::string s : {"\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xE0\x9F\xBF", "\xF0\x80\x80\x80",
                                "\xF0\x8F\xBF\xBF"}) {
        EXPECT_EQ(decode_utf8(s, 0).length, 0u) << s.size();
        EXPECT_FALSE(valid_utf8(s));
    }
}

TEST(utf8, refuses_surrogates) {
    EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));  // U+D800
    EXPECT_FALSE(valid_utf8("\xED\xBF\xBF"));  // U+DFFF
    EXPECT_FALSE(valid_utf8("\xED\xA0\xBD\xED\xB4\x91"));  // a CESU-8 pair
    EXPECT_TRUE(valid_utf8("\xED\x9F\xBF"));   // U+D7FF
    EXPECT_TRUE(valid_utf8("\xEE\x80\x80"));   // U+E000
}

TEST(utf8, refuses_code_points_past_10ffff) {
    EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // U+110000
    EXPECT_FALSE(valid_utf8("\xF5\x80\x80\x80"));
    EXPECT_FALSE(valid_utf8("\xF7\xBF\xBF\xBF"));
    EXPECT_FALSE(valid_utf8("\xF8\x88\x80\x80\x80"));  // the old five-byte form
    EXPECT_FALSE(valid_utf8("\xFF"));
}

TEST(utf8, refuses_truncated_sequences_and_stray_continuations) {
    EXPECT_FALSE(valid_utf8("\xC3"));
    EXPECT_FALSE(valid_utf8("\xE2\x82"));
    EXPECT_FALSE(valid_utf8("\xF0\x9F\x94"));
    EXPECT_FALSE(valid_utf8("ok\xE2\x82"));
    EXPECT_FALSE(valid_utf8("\xE2\x82x"));  // cut short by a byte that is not a continuation
    EXPECT_FALSE(valid_utf8("\x80"));
    EXPECT_FALSE(valid_utf8("a\xBF" "b"));
    EXPECT_EQ(decode_utf8("\xF0\x9F\x94", 0).length, 0u);
    EXPECT_EQ(decode_utf8("\xF0\x9F\x94", 0).code_point, U'\0');
}

TEST(utf8, takes_nul_as_a_character_for_callers_to_judge) {
    const std::string nul("a\0b", 3);
    EXPECT_TRUE(valid_utf8(nul));
    const auto c = decode_utf8(nul, 1);
    EXPECT_EQ(c.code_point, U'\0');
    EXPECT_EQ(c.length, 1u);
    EXPECT_FALSE(valid_utf8(std::string("\xC0\x80", 2)));  // NUL's overlong disguise (modified UTF-8)
}

}  // namespace
