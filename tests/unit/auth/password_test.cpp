// argon2id hashing: round trips, refusals, rehash detection, and the dummy for unknown users.
#include <sesh/password.hpp>

#include <chrono>

#include <gtest/gtest.h>

namespace {

const sesh::password_params fast{1, 8 * 1024 * 1024};

TEST(password, verifies_the_password_it_hashed) {
    auto h = sesh::hash_password("correct horse battery", fast);
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=8192,t=1,p=1$"));
    EXPECT_TRUE(sesh::verify_password(*h, "correct horse battery"));
}

TEST(password, rejects_a_wrong_password) {
    auto h = sesh::hash_password("correct horse battery", fast);
    ASSERT_TRUE(h);
    EXPECT_FALSE(sesh::verify_password(*h, "correct horse batterz"));
    EXPECT_FALSE(sesh::verify_password(*h, ""));
}

TEST(password, salts_every_hash) {
    EXPECT_NE(*sesh::hash_password("same password here", fast), *sesh::hash_password("same password here", fast));
}

TEST(password, rejects_malformed_and_foreign_hashes) {
    EXPECT_FALSE(sesh::verify_password("", "x"));
    EXPECT_FALSE(sesh::verify_password("$2b$10$abcdefghijklmnopqrstuv", "x"));
    EXPECT_FALSE(sesh::verify_password(std::string(1000, '$'), "x"));
}

TEST(password, default_parameters_are_owasps) {
    auto h = sesh::hash_password("correct horse battery");
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    EXPECT_FALSE(sesh::password_needs_rehash(*h));
}

TEST(password, needs_rehash_when_parameters_change) {
    auto h = sesh::hash_password("correct horse battery", fast);
    EXPECT_FALSE(sesh::password_needs_rehash(*h, fast));
    EXPECT_TRUE(sesh::password_needs_rehash(*h, sesh::password_params{2, 8 * 1024 * 1024}));
    EXPECT_TRUE(sesh::password_needs_rehash("not a hash", fast));
}

TEST(password, accepts_12_to_128_code_points) {
    EXPECT_FALSE(sesh::is_acceptable_password("short"));
    EXPECT_FALSE(sesh::is_acceptable_password(std::string(11, 'a')));
    EXPECT_TRUE(sesh::is_acceptable_password("twelve chars"));
    EXPECT_TRUE(sesh::is_acceptable_password("with spaces and ünïcödé"));
    EXPECT_TRUE(sesh::is_acceptable_password("correct horse battery staple, " + std::string(98, 'z')));
    EXPECT_FALSE(sesh::is_acceptable_password(std::string(129, 'a')));
    EXPECT_FALSE(sesh::is_acceptable_password(std::string("twelve chars\0x", 14)));
    EXPECT_FALSE(sesh::is_acceptable_password("invalid utf8 \xff\xfe here"));
    // 12 code points of 4 bytes each: counted as 12, not 48.
    std::string emoji;
    for (int i = 0; i < 12; ++i) emoji += "\xF0\x9F\x94\x91";
    EXPECT_TRUE(sesh::is_acceptable_password(emoji));
}

// Issue 17, finding 13d (ASVS 4.0.3 2.1.7): common and guessable passwords are refused.
TEST(password, refuses_common_and_guessable_passwords) {
    EXPECT_FALSE(sesh::is_acceptable_password("aaaaaaaaaaaa"));
    EXPECT_FALSE(sesh::is_acceptable_password("password1234"));
    EXPECT_FALSE(sesh::is_acceptable_password("qwertyuiopasdf"));
    EXPECT_FALSE(sesh::is_acceptable_password("123456789012"));
    EXPECT_FALSE(sesh::is_acceptable_password(std::string(128, 'a')));
}

TEST(password, accepts_a_few_unrelated_words) {
    EXPECT_TRUE(sesh::is_acceptable_password("correct horse battery staple"));  // tests/seshd/client.mjs
    EXPECT_TRUE(sesh::is_acceptable_password("apollo guidance computer"));
    EXPECT_TRUE(sesh::is_acceptable_password("a long enough password"));
}

TEST(password, says_why_a_password_is_refused) {
    using sesh::password_problem;
    EXPECT_EQ(sesh::check_new_password("short"), password_problem::too_short);
    EXPECT_EQ(sesh::check_new_password(std::string(129, 'x')), password_problem::too_long);
    EXPECT_EQ(sesh::check_new_password("invalid utf8 \xff\xfe here"), password_problem::not_text);
    EXPECT_EQ(sesh::check_new_password("password1234"), password_problem::too_common);
    EXPECT_EQ(sesh::check_new_password("aaaaaaaaaaaa"), password_problem::too_guessable);
    EXPECT_EQ(sesh::check_new_password("correct horse battery staple"), password_problem::none);
    for (auto p : {password_problem::too_short, password_problem::too_long, password_problem::not_text,
                   password_problem::too_common, password_problem::too_guessable})
        EXPECT_FALSE(sesh::describe(p).empty());
}

TEST(password, refuses_a_password_made_of_the_users_own_name) {
    const std::string_view mine[] = {"quantum.gecko.rider", "qgr@example.com"};
    EXPECT_EQ(sesh::check_new_password("quantum.gecko.rider", {}), sesh::password_problem::none);
    EXPECT_NE(sesh::check_new_password("quantum.gecko.rider", mine), sesh::password_problem::none);
}

TEST(password, the_dummy_costs_about_what_a_real_verification_costs) {
    auto h = sesh::hash_password("correct horse battery", fast);
    (void)sesh::verify_dummy_password("warm up the dummy", fast);
    using clock = std::chrono::steady_clock;
    auto time = [](auto&& fn) {
        const auto start = clock::now();
        for (int i = 0; i < 5; ++i) fn();
        return clock::now() - start;
    };
    const auto real = time([&] { (void)sesh::verify_password(*h, "wrong password!"); });
    const auto dummy = time([&] { EXPECT_FALSE(sesh::verify_dummy_password("wrong password!", fast)); });
    // Same work: within a factor of three either way (generous for a shared CI machine).
    EXPECT_LT(dummy, real * 3);
    EXPECT_LT(real, dummy * 3);
}

}  // namespace
