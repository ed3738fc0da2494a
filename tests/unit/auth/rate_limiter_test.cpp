// rate_limiter with a hand-moved clock: the limit, the rolling window, keys apart, the bound.
#include <sesh/rate_limiter.hpp>

#include <string>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;

struct rate_limiter_test : ::testing::Test {
    sesh::manual_clock clock;
    sesh::rate_limit_options options(std::size_t limit = 3) {
        sesh::rate_limit_options o;
        o.limit = limit;
        o.window = 600s;
        o.clock = &clock;
        return o;
    }
};

TEST_F(rate_limiter_test, allows_the_limit_then_says_how_long_to_wait) {
    sesh::rate_limiter r(options());
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(r.try_acquire("10.0.0.1"), 0ms);
        clock.advance(10s);
    }
    EXPECT_EQ(r.try_acquire("10.0.0.1"), 570s) << "until the first attempt leaves the window";
    EXPECT_EQ(r.try_acquire("10.0.0.1"), 570s) << "a refused attempt is not counted";
}

TEST_F(rate_limiter_test, the_window_rolls) {
    sesh::rate_limiter r(options());
    for (int i = 0; i < 3; ++i) EXPECT_EQ(r.try_acquire("10.0.0.1"), 0ms);
    clock.advance(600s);
    EXPECT_EQ(r.try_acquire("10.0.0.1"), 0ms);
}

TEST_F(rate_limiter_test, keys_are_counted_apart) {
    sesh::rate_limiter r(options(1));
    EXPECT_EQ(r.try_acquire("10.0.0.1"), 0ms);
    EXPECT_GT(r.try_acquire("10.0.0.1"), 0ms);
    EXPECT_EQ(r.try_acquire("10.0.0.2"), 0ms);
}

TEST_F(rate_limiter_test, a_refunded_attempt_does_not_count) {
    sesh::rate_limiter r(options(1));
    EXPECT_EQ(r.try_acquire("10.0.0.1"), 0ms);
    r.refund("10.0.0.1");
    EXPECT_EQ(r.try_acquire("10.0.0.1"), 0ms);
    EXPECT_GT(r.try_acquire("10.0.0.1"), 0ms);
    r.refund("10.9.9.9");  // nothing counted: nothing happens
}

TEST_F(rate_limiter_test, a_limit_of_zero_means_no_limit) {
    sesh::rate_limiter r(options(0));
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(r.try_acquire("10.0.0.1"), 0ms);
}

TEST_F(rate_limiter_test, keeps_a_bounded_number_of_keys_and_still_counts_the_newest) {
    auto o = options(1);
    o.max_entries = 100;
    sesh::rate_limiter r(o);
    for (int i = 0; i < 10'000; ++i) ASSERT_EQ(r.try_acquire("10.1." + std::to_string(i)), 0ms);
    EXPECT_GT(r.try_acquire("10.1.9999"), 0ms);
}

}  // namespace
