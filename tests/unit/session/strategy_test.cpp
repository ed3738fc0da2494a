// The session strategies as create() makes them: what each needs, its cookie's name and prefix,
// its cookie lifetime and whether it lists sessions (src/session/strategy.hpp).
#include "session/strategy.hpp"

#include <gtest/gtest.h>

#include "unit/session/session_fixture.hpp"

namespace {

using sesh::errc;
using sesh::detail::cookie_prefix;
using namespace std::chrono_literals;

struct session_strategies : ::testing::Test {
    sesh::manual_clock clk{sesh_test::t0};
    sesh::session_manager::impl m;

    session_strategies() {
        m.clock = &clk;
        m.random = &sesh::system_random();
    }
    sesh::session_options options() {
        sesh::session_options o;
        o.store = std::make_shared<sesh_test::counting_store>(clk);
        o.secrets = {"a-next-auth-secret-for-the-tests"};
        o.passwords = {{"1", "an-iron-session-password-of-32+chars"}};
        o.max_age = 12h;
        return o;
    }
};

TEST_F(session_strategies, server_needs_a_store_and_lists_its_sessions_under_a_host_cookie) {
    auto o = options();
    const auto st = sesh::detail::make_server_strategy(o, m).value();
    EXPECT_EQ(st->default_cookie_name(), "sesh.session-token");
    EXPECT_EQ(st->prefix(), cookie_prefix::host);
    EXPECT_EQ(st->cookie_max_age(), 12h);
    EXPECT_TRUE(st->lists_sessions());
    o.store.reset();
    EXPECT_EQ(sesh::detail::make_server_strategy(o, m).error(), errc::invalid_argument);
}

TEST_F(session_strategies, jwt_needs_a_secret_and_names_its_cookie_as_next_auth_does) {
    auto o = options();
    const auto st = sesh::detail::make_jwt_strategy(o, m).value();
    EXPECT_EQ(st->default_cookie_name(), "next-auth.session-token");
    EXPECT_EQ(st->prefix(), cookie_prefix::secure);
    EXPECT_EQ(st->cookie_max_age(), 12h);
    EXPECT_FALSE(st->lists_sessions());
    o.store.reset();  // a store only makes its tokens revocable
    EXPECT_TRUE(sesh::detail::make_jwt_strategy(o, m));
    o.secrets.clear();
    EXPECT_EQ(sesh::detail::make_jwt_strategy(o, m).error(), errc::invalid_argument);
}

TEST_F(session_strategies, iron_needs_a_long_password_and_gives_its_cookie_iron_sessions_lifetime) {
    auto o = options();
    const auto st = sesh::detail::make_iron_strategy(o, m).value();
    EXPECT_EQ(st->default_cookie_name(), "iron-session");
    EXPECT_EQ(st->prefix(), cookie_prefix::none);
    EXPECT_EQ(st->cookie_max_age(), 12h - 60s);  // iron-session's ttl - 60 s
    EXPECT_FALSE(st->lists_sessions());
    o.max_age = 60s;
    EXPECT_EQ(sesh::detail::make_iron_strategy(o, m).error(), errc::invalid_argument);
    o = options();
    o.passwords = {{"1", "too-short"}};
    EXPECT_EQ(sesh::detail::make_iron_strategy(o, m).error(), errc::invalid_argument);
}

}  // namespace
