// Account name and e-mail rules, and user ids.
#include <sesh/users.hpp>

#include <gtest/gtest.h>

namespace {

TEST(users, accepts_lower_case_names_of_letters_digits_and_dot_dash_underscore) {
    EXPECT_TRUE(sesh::is_valid_user_name("ada"));
    EXPECT_TRUE(sesh::is_valid_user_name("ada.lovelace_1815-x"));
    EXPECT_TRUE(sesh::is_valid_user_name("7of9"));
    EXPECT_TRUE(sesh::is_valid_user_name(std::string(64, 'a')));
}

TEST(users, refuses_empty_long_upper_case_and_odd_names) {
    for (std::string_view bad : {"", "Ada", ".ada", "-ada", "a b", "ada@x", "ädä", "a/b", "a\nb"})
        EXPECT_FALSE(sesh::is_valid_user_name(bad)) << bad;
    EXPECT_FALSE(sesh::is_valid_user_name(std::string(65, 'a')));
}

TEST(users, normalizes_case_and_surrounding_spaces) {
    EXPECT_EQ(sesh::normalize_user_name("  Ada.Lovelace \t"), "ada.lovelace");
}

TEST(users, checks_email_shape_only) {
    EXPECT_TRUE(sesh::is_valid_email(""));
    EXPECT_TRUE(sesh::is_valid_email("ada@example.com"));
    for (std::string_view bad : {"ada", "@example.com", "ada@", "ada@example", "a b@example.com", "a@b@c.com", "ada@example.com."})
        EXPECT_FALSE(sesh::is_valid_email(bad)) << bad;
}

TEST(users, makes_distinct_32_hex_ids) {
    const auto a = sesh::make_user_id(), b = sesh::make_user_id();
    EXPECT_EQ(a.size(), 32u);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(a, b);
}

}  // namespace
