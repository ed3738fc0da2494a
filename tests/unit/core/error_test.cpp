// sesh::errc: every enumerator converts to an error_code in sesh's category with its own message.
#include <sesh/result.hpp>

#include <set>

#include <gtest/gtest.h>

namespace {

void expect_distinct_message(sesh::errc e, std::set<std::string>& seen) {
    const std::error_code ec = e;  // implicit, through is_error_code_enum
    EXPECT_EQ(&ec.category(), &sesh::error_category());
    EXPECT_EQ(ec.value(), static_cast<int>(e));
    EXPECT_FALSE(ec.message().empty());
    EXPECT_NE(ec.message(), "unknown sesh error");
    EXPECT_TRUE(seen.insert(ec.message()).second) << ec.message();
}

TEST(error, malformed_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::malformed, s); }
TEST(error, bad_mac_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::bad_mac, s); }
TEST(error, expired_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::expired, s); }
TEST(error, not_yet_valid_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::not_yet_valid, s); }
TEST(error, unknown_key_id_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::unknown_key_id, s); }
TEST(error, unsupported_algorithm_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::unsupported_algorithm, s); }
TEST(error, too_large_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::too_large, s); }
TEST(error, invalid_argument_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::invalid_argument, s); }
TEST(error, crypto_failure_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::crypto_failure, s); }

TEST(error, store_unavailable_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::store_unavailable, s); }
TEST(error, store_full_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::store_full, s); }
TEST(error, not_found_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::not_found, s); }
TEST(error, already_exists_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::already_exists, s); }

TEST(error, wrong_type_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::wrong_type, s); }
TEST(error, upstream_failure_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::upstream_failure, s); }
TEST(error, claim_mismatch_has_its_own_message) { std::set<std::string> s; expect_distinct_message(sesh::errc::claim_mismatch, s); }

TEST(error, all_messages_are_distinct) {
    std::set<std::string> seen;
    for (int v = static_cast<int>(sesh::errc::malformed); v <= static_cast<int>(sesh::errc::claim_mismatch); ++v)
        expect_distinct_message(static_cast<sesh::errc>(v), seen);
}

TEST(error, category_is_named_sesh) { EXPECT_STREQ(sesh::error_category().name(), "sesh"); }

TEST(error, fail_builds_an_unexpected_result) {
    sesh::result<int> r = sesh::fail(sesh::errc::expired);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sesh::errc::expired);
}

}  // namespace

// "Bad expected access" said nothing: the exception names the error and carries it.
TEST(error, value_of_a_failed_result_throws_the_error_and_its_message) {
    const sesh::result<int> r = sesh::fail(sesh::errc::store_unavailable);
    try {
        (void)r.value();
        FAIL() << "value() must throw";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), sesh::errc::store_unavailable);
        EXPECT_EQ(std::string(e.what()), "sesh::result::value() on an error (sesh:10): session store unavailable");
    }
    try {
        (void)r.value();
    } catch (const tl::bad_expected_access<std::error_code>& e) {
        EXPECT_EQ(e.error(), sesh::errc::store_unavailable);
    }
}
