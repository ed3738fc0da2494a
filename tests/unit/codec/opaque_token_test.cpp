// Opaque tokens: shape, uniqueness, and a store key that is the SHA-256 of the token.
#include <sesh/opaque_token.hpp>

#include <set>

#include <gtest/gtest.h>

namespace {

TEST(opaque_token, is_43_base64url_characters_carrying_256_bits) {
    const std::string t = sesh::make_opaque_token();
    EXPECT_EQ(t.size(), 43u);
    EXPECT_TRUE(sesh::is_opaque_token(t));
}

TEST(opaque_token, does_not_repeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(sesh::make_opaque_token()).second);
}

TEST(opaque_token, shape_check_rejects_junk) {
    const std::string t = sesh::make_opaque_token();
    EXPECT_FALSE(sesh::is_opaque_token(t.substr(1)));
    EXPECT_FALSE(sesh::is_opaque_token(t + "A"));
    EXPECT_FALSE(sesh::is_opaque_token(std::string(42, 'A') + "B"));  // non-canonical last character
    EXPECT_FALSE(sesh::is_opaque_token(std::string(42, 'A') + "="));
    EXPECT_FALSE(sesh::is_opaque_token(std::string(42, '+') + "A"));
    EXPECT_FALSE(sesh::is_opaque_token(""));
}

TEST(opaque_token, store_key_is_sha256_hex_of_the_token) {
    EXPECT_EQ(sesh::opaque_token_store_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const std::string t = sesh::make_opaque_token();
    EXPECT_EQ(sesh::opaque_token_store_key(t).size(), 64u);
    EXPECT_EQ(sesh::opaque_token_store_key(t).find(t), std::string::npos);
}

}  // namespace
