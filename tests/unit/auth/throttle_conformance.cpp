// The login throttle's contract, the same over every backend (instantiated per backend).
#include "unit/auth/throttle_store_conformance.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

TEST_P(throttle_conformance, waits_begin_after_the_free_failures_and_double) {
    auto t = node();
    for (int i = 0; i < 4; ++i) fail(*t, "ada", "10.0.0.1");
    EXPECT_EQ(wait(*t, "ada", "10.0.0.1"), 0ms);
    fail(*t, "ada", "10.0.0.1");
    EXPECT_EQ(wait(*t, "ada", "10.0.0.1"), 1000ms);
    fail(*t, "ada", "10.0.0.1");
    EXPECT_EQ(wait(*t, "ada", "10.0.0.1"), 2000ms);
    clock_.advance(500ms);
    EXPECT_EQ(wait(*t, "ada", "10.0.0.1"), 1500ms);
    EXPECT_EQ(wait(*t, "grace", "10.0.0.2"), 0ms) << "another account from another address";
}

TEST_P(throttle_conformance, keeps_enough_failures_to_reach_the_longest_wait) {
    auto t = node();
    for (int i = 0; i < 60; ++i) fail(*t, "ada", "10.0.0.1");
    EXPECT_EQ(wait(*t, "ada", "10.0.0.1"), 60'000ms);
    clock_.advance(60s);
    EXPECT_EQ(wait(*t, "ada", "10.0.0.1"), 0ms);
}

TEST_P(throttle_conformance, an_address_guessing_many_names_waits) {
    auto t = node();
    for (int i = 0; i < 20; ++i) fail(*t, "name" + std::to_string(i), "10.0.0.66");
    EXPECT_EQ(wait(*t, "someone-new", "10.0.0.66"), 1000ms);
    EXPECT_EQ(wait(*t, "someone-new", "10.0.0.67"), 0ms);
}

TEST_P(throttle_conformance, an_account_takes_its_hourly_cap_with_each_address_within_its_share) {
    throttle_options o;
    o.free_failures_per_account = 1000;
    o.free_failures_per_address = 1000;
    o.max_failures_per_hour = 4;
    o.address_share_per_hour = 2;
    auto t = node(o);
    for (int i = 0; i < 5; ++i) fail(*t, "ada", "10.0.0.1");
    EXPECT_EQ(wait(*t, "ada", "10.0.0.9"), 0ms) << "one address counts only its share";
    clock_.advance(1s);
    fail(*t, "ada", "10.0.0.2");
    fail(*t, "ada", "10.0.0.2");
    EXPECT_EQ(wait(*t, "ada", "10.0.0.9"), 3'599'000ms) << "until the oldest counted failure is an hour old";
    EXPECT_EQ(wait(*t, "grace", "10.0.0.9"), 0ms);
}

TEST_P(throttle_conformance, a_success_clears_its_pair_but_not_the_address) {
    auto t = node();
    for (int i = 0; i < 7; ++i) fail(*t, "ada", "10.0.0.1");
    for (int i = 0; i < 13; ++i) fail(*t, "x" + std::to_string(i), "10.0.0.1");
    succeed(*t, "ada", "10.0.0.1");
    EXPECT_EQ(wait(*t, "ada", "10.0.0.1"), 1000ms) << "the address's 20 failures stay";
    EXPECT_EQ(wait(*t, "ada", "10.0.0.2"), 0ms);
}

TEST_P(throttle_conformance, failures_are_forgotten_after_an_hour) {
    auto t = node();
    for (int i = 0; i < 30; ++i) fail(*t, "ada", "10.0.0.1");
    clock_.advance(1h);
    EXPECT_EQ(wait(*t, "ada", "10.0.0.1"), 0ms);
    fail(*t, "ada", "10.0.0.1");
    EXPECT_EQ(wait(*t, "ada", "10.0.0.1"), 0ms) << "the old ones no longer count toward the free failures";
}

TEST_P(throttle_conformance, odd_names_and_addresses_are_kept_apart) {
    auto t = node();
    for (int i = 0; i < 5; ++i) fail(*t, "a:b", "c");
    EXPECT_EQ(wait(*t, "a:b", "c"), 1000ms);
    EXPECT_EQ(wait(*t, "a", "b:c"), 0ms);
    EXPECT_EQ(wait(*t, "b", "c:a"), 0ms);
}

}  // namespace
}  // namespace sesh::test
