// next-auth CSRF tokens: made, verified, and refused when forged, foreign or truncated.
#include <sesh/csrf.hpp>

#include <gtest/gtest.h>

#include "core/crypto.hpp"

namespace {

constexpr std::string_view secret = "a-secret-of-reasonable-length-for-tests";

TEST(csrf, cookie_is_token_bar_sha256_of_token_and_secret) {
    const auto t = sesh::make_csrf_token(secret);
    EXPECT_EQ(t.token.size(), 64u);
    const std::string expected_hash = sesh::hex_encode(sesh::detail::sha256(sesh::as_bytes(t.token + std::string(secret))));
    EXPECT_EQ(t.cookie_value, t.token + "|" + expected_hash);
}

TEST(csrf, verifies_its_own_cookie_plain_or_percent_encoded) {
    const auto t = sesh::make_csrf_token(secret);
    EXPECT_EQ(sesh::verify_csrf_cookie(t.cookie_value, secret), t.token);
    std::string encoded = t.cookie_value;
    encoded.replace(encoded.find('|'), 1, "%7C");
    EXPECT_EQ(sesh::verify_csrf_cookie(encoded, secret), t.token);
    EXPECT_TRUE(sesh::csrf_matches(encoded, t.token, secret));
}

TEST(csrf, refuses_another_secret_a_forged_hash_and_junk) {
    const auto t = sesh::make_csrf_token(secret);
    EXPECT_FALSE(sesh::verify_csrf_cookie(t.cookie_value, "another-secret"));
    std::string forged = t.cookie_value;
    forged.back() = forged.back() == '0' ? '1' : '0';
    EXPECT_FALSE(sesh::verify_csrf_cookie(forged, secret));
    EXPECT_FALSE(sesh::verify_csrf_cookie(t.token, secret));
    EXPECT_FALSE(sesh::verify_csrf_cookie("", secret));
    EXPECT_FALSE(sesh::verify_csrf_cookie("|", secret));
    EXPECT_FALSE(sesh::verify_csrf_cookie(t.cookie_value.substr(0, 100), secret));
}

TEST(csrf, refuses_a_submitted_token_that_differs) {
    const auto t = sesh::make_csrf_token(secret);
    const auto other = sesh::make_csrf_token(secret);
    EXPECT_FALSE(sesh::csrf_matches(t.cookie_value, other.token, secret));
    EXPECT_FALSE(sesh::csrf_matches(t.cookie_value, "", secret));
    EXPECT_TRUE(sesh::csrf_matches(t.cookie_value, t.token, secret));
}

}  // namespace
