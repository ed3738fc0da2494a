// Login throttling with a hand-moved clock: free failures, doubling waits, the cap, the hour.
#include <sesh/login_throttle.hpp>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;

struct login_throttle_test : ::testing::Test {
    sesh::manual_clock clock;
    sesh::throttle_options options() {
        sesh::throttle_options o;
        o.clock = &clock;
        return o;
    }
};

TEST_F(login_throttle_test, lets_the_first_failures_through) {
    sesh::login_throttle t(options());
    for (int i = 0; i < 4; ++i) t.record_failure("ada", "10.0.0.1");
    EXPECT_EQ(t.retry_after("ada", "10.0.0.1"), 0ms);
}

TEST_F(login_throttle_test, waits_double_with_each_failure_past_the_free_ones_up_to_the_cap) {
    sesh::login_throttle t(options());
    for (int i = 0; i < 5; ++i) t.record_failure("ada", "10.0.0.1");
    EXPECT_EQ(t.retry_after("ada", "10.0.0.1"), 1000ms);
    t.record_failure("ada", "10.0.0.1");
    EXPECT_EQ(t.retry_after("ada", "10.0.0.1"), 2000ms);
    t.record_failure("ada", "10.0.0.1");
    EXPECT_EQ(t.retry_after("ada", "10.0.0.1"), 4000ms);
    for (int i = 0; i < 20; ++i) t.record_failure("ada", "10.0.0.1");
    EXPECT_EQ(t.retry_after("ada", "10.0.0.1"), 60'000ms) << "never more than max_delay after the last failure";
    clock.advance(60s);
    EXPECT_EQ(t.retry_after("ada", "10.0.0.1"), 0ms) << "a real user is not locked out for long";
}

TEST_F(login_throttle_test, other_accounts_are_not_slowed_by_one_account) {
    sesh::login_throttle t(options());
    for (int i = 0; i < 8; ++i) t.record_failure("ada", "10.0.0.1");
    EXPECT_EQ(t.retry_after("grace", "10.0.0.2"), 0ms);
}

TEST_F(login_throttle_test, an_address_guessing_many_names_is_slowed) {
    sesh::login_throttle t(options());
    for (int i = 0; i < 20; ++i) t.record_failure("name" + std::to_string(i), "10.0.0.66");
    EXPECT_GT(t.retry_after("someone-new", "10.0.0.66"), 0ms);
    EXPECT_EQ(t.retry_after("someone-new", "10.0.0.67"), 0ms);
}

TEST_F(login_throttle_test, takes_at_most_100_failures_per_hour_per_account) {
    sesh::login_throttle t(options());
    int allowed = 0;
    // An attacker retrying the moment each wait ends, over one hour.
    for (auto elapsed = 0s; elapsed < 3600s;) {
        const auto wait = t.retry_after("ada", "10.0.0." + std::to_string(allowed % 200));
        if (wait > 0ms) {
            const auto step = std::chrono::ceil<std::chrono::seconds>(wait);
            clock.advance(step);
            elapsed += step;
            continue;
        }
        t.record_failure("ada", "10.0.0." + std::to_string(allowed % 200));
        ++allowed;
    }
    EXPECT_LE(allowed, 100);
}

// Issue 17 finding 2: ten failures from one address made the owner wait on every address.
TEST_F(login_throttle_test, one_address_failures_do_not_slow_the_account_from_another_address) {
    sesh::login_throttle t(options());
    for (int i = 0; i < 10; ++i) t.record_failure("ada", "127.0.0.77");
    EXPECT_GT(t.retry_after("ada", "127.0.0.77"), 0ms) << "the guessing address waits";
    EXPECT_EQ(t.retry_after("ada", "127.0.0.99"), 0ms) << "the owner elsewhere does not";
}

TEST_F(login_throttle_test, one_address_guessing_for_hours_never_locks_the_owner_out_elsewhere) {
    sesh::login_throttle t(options());
    // An attacker on one address retrying the moment each wait ends, for three hours.
    for (auto elapsed = 0s; elapsed < 3h;) {
        ASSERT_EQ(t.retry_after("ada", "10.9.9.9"), 0ms) << "after " << elapsed.count() << " s";
        const auto wait = t.retry_after("ada", "10.0.0.66");
        if (wait > 0ms) {
            const auto step = std::chrono::ceil<std::chrono::seconds>(wait);
            clock.advance(step);
            elapsed += step;
            continue;
        }
        t.record_failure("ada", "10.0.0.66");
    }
}

TEST_F(login_throttle_test, few_failures_from_many_addresses_reach_the_account_cap) {
    sesh::login_throttle t(options());
    // Distributed guessing: 100 addresses, one failure each, within the hour.
    for (int i = 0; i < 100; ++i) t.record_failure("ada", "10.1.0." + std::to_string(i));
    EXPECT_GT(t.retry_after("ada", "10.2.0.1"), 0ms) << "the per-account cap holds for a fresh address";
    EXPECT_EQ(t.retry_after("grace", "10.2.0.1"), 0ms);
    clock.advance(61min);
    EXPECT_EQ(t.retry_after("ada", "10.2.0.1"), 0ms);
}

TEST_F(login_throttle_test, success_clears_the_wait_of_that_address_for_the_account) {
    sesh::login_throttle t(options());
    for (int i = 0; i < 7; ++i) t.record_failure("ada", "10.0.0.1");
    t.record_success("ada", "10.0.0.1");
    EXPECT_EQ(t.retry_after("ada", "10.0.0.1"), 0ms);
}

TEST_F(login_throttle_test, forgets_failures_after_an_hour) {
    sesh::login_throttle t(options());
    for (int i = 0; i < 9; ++i) t.record_failure("ada", "10.0.0.1");
    clock.advance(61min);
    EXPECT_EQ(t.retry_after("ada", "10.0.0.1"), 0ms);
}

TEST_F(login_throttle_test, keeps_a_bounded_number_of_entries) {
    auto o = options();
    o.max_entries = 100;
    sesh::login_throttle t(o);
    for (int i = 0; i < 10'000; ++i) t.record_failure("flood" + std::to_string(i), "10.0.0.1");
    // The newest names are still counted; the table did not grow past its bound (no crash, fast).
    t.record_failure("flood9999", "10.0.0.1");
    SUCCEED();
}

}  // namespace
