// escape_for_log: request-derived text cannot break a log line or forge one (issue 17, finding 7).
#include <sesh/log_escape.hpp>

#include <gtest/gtest.h>

namespace {

using sesh::escape_for_log;

TEST(log_escape, leaves_ordinary_text_alone) {
    EXPECT_EQ(escape_for_log("ada.lovelace_1"), "ada.lovelace_1");
    EXPECT_EQ(escape_for_log("with spaces and ünïcödé 🔑"), "with spaces and ünïcödé 🔑");
    EXPECT_EQ(escape_for_log(""), "");
}

TEST(log_escape, escapes_line_breaks_so_no_line_can_be_forged) {
    EXPECT_EQ(escape_for_log("x\nFAKE line"), "x\\nFAKE line");
    EXPECT_EQ(escape_for_log("x\r\nFAKE"), "x\\r\\nFAKE");
    EXPECT_EQ(escape_for_log("tab\there"), "tab\\there");
}

TEST(log_escape, escapes_nul_and_other_control_characters_as_hex) {
    EXPECT_EQ(escape_for_log(std::string_view("a\0b", 3)), "a\\x00b");
    EXPECT_EQ(escape_for_log("\x1b[2J"), "\\x1b[2J");
    EXPECT_EQ(escape_for_log("\x7f"), "\\x7f");
}

TEST(log_escape, escapes_the_backslash_so_an_escape_cannot_be_faked) {
    EXPECT_EQ(escape_for_log("a\\nb"), "a\\\\nb");
}

TEST(log_escape, escapes_unicode_line_separators_and_c1_controls) {
    EXPECT_EQ(escape_for_log("a\u2028b\u2029c"), "a\\u2028b\\u2029c");
    EXPECT_EQ(escape_for_log("a\u0085b"), "a\\u0085b");  // NEL
}

TEST(log_escape, escapes_bytes_that_are_not_utf8) {
    EXPECT_EQ(escape_for_log("a\xff\xfe"), "a\\xff\\xfe");
    EXPECT_EQ(escape_for_log("\xc3"), "\\xc3") << "a truncated sequence";
    EXPECT_EQ(escape_for_log("\xc0\xaf"), "\\xc0\\xaf") << "an overlong '/'";
}

}  // namespace
