// session_manager with the database strategy, next-auth 4.24's database sessions (rows of
// Auth.js's `sessions` holding the cookie's UUID), on the test's clock, on every backend that
// instantiates database_strategy_test. The adapter's view of the same rows on PostgreSQL is
// tests/authjs/pg_adapter.test.mjs.
#include "integration/database_strategy_suite.hpp"

#include <sesh/error.hpp>
#include <sesh/session_manager.hpp>
#include <sesh/store.hpp>

#include <regex>

#include "unit/session/session_fixture.hpp"

namespace sesh::test {

using namespace std::chrono_literals;
using sesh_test::browser;
using sesh_test::loaded;
using sesh_test::saved;

void database_strategy_test::SetUp() {
    backend_ = GetParam()();
    auto d = backend_->open(clk_);
    if (!d) GTEST_SKIP() << "the database server did not start";
    db_.emplace(std::move(*d));
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(clk_.now());
    ASSERT_TRUE(db_->users->create(user{make_user_id(), "ada", "ada@example.com", "$argon2id$x", now, now}));
    user_id_ = (*db_->users->find_by_name("ada"))->id;
}

session_options database_strategy_test::options() {
    session_options o;
    o.strategy = strategy::database;
    o.store = db_->sessions;
    o.clock = &clk_;
    o.max_age = 30 * 24h;
    o.update_age = 24h;
    o.secure = false;
    return o;
}

session_manager database_strategy_test::make() { return session_manager::create(options()).value(); }

namespace {

constexpr std::int64_t t0_ms = 1'700'000'000'000;
constexpr std::int64_t max_age_ms = 30LL * 24 * 3600 * 1000;

// A browser signed in as `user_id` through `m` (a sign-in: regenerate, the user id, the profile).
browser sign_in(const session_manager& m, const std::string& user_id) {
    auto s = loaded(m, "");
    m.regenerate(s);
    s.set_user_id(user_id);
    s.set("username", "ada");
    browser b;
    b.apply(saved(m, s));
    return b;
}

TEST_P(database_strategy_test, needs_a_store_that_keeps_authjs_sessions) {
    auto o = options();
    o.store = open_store("memory:").value();
    auto m = session_manager::create(o);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error(), errc::invalid_argument);
    o.store = nullptr;
    EXPECT_FALSE(session_manager::create(o));
}

TEST_P(database_strategy_test, cookie_names_are_next_auths) {
    EXPECT_EQ(make().cookie_name(), "next-auth.session-token");
    auto o = options();
    o.secure = true;
    EXPECT_EQ(session_manager::create(o).value().cookie_name(), "__Secure-next-auth.session-token");
}

TEST_P(database_strategy_test, a_sign_in_writes_a_sessions_row_holding_the_cookies_uuid) {
    const auto m = make();
    const browser b = sign_in(m, user_id_);
    ASSERT_EQ(b.jar.size(), 1u);
    const std::string token = b.jar.at("next-auth.session-token");
    EXPECT_TRUE(std::regex_match(token, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << token;
    EXPECT_EQ(backend_->user_of_token(token), user_id_);
    EXPECT_EQ(backend_->expires_ms(), t0_ms + max_age_ms);  // next-auth's fromDate(maxAge)
    auto s = loaded(m, b.header());
    EXPECT_FALSE(s.is_new());
    EXPECT_EQ(s.user_id(), user_id_);
    EXPECT_EQ(s.get_string("name").value_or(""), "ada");  // from `users`, as next-auth answers it
    EXPECT_EQ(s.get_string("email").value_or(""), "ada@example.com");
    EXPECT_EQ(s.get_string("username").value_or(""), "ada");
}

TEST_P(database_strategy_test, every_load_reissues_the_cookie_and_the_row_moves_only_after_update_age) {
    const auto m = make();
    const browser b = sign_in(m, user_id_);
    const std::int64_t first = backend_->expires_ms();
    clk_.advance(1h);
    auto s = loaded(m, b.header());
    auto cookies = saved(m, s);
    ASSERT_EQ(cookies.size(), 1u);  // next-auth sends the cookie on every session call
    EXPECT_NE(cookies[0].find("Max-Age=2592000"), std::string::npos) << cookies[0];
    EXPECT_EQ(backend_->expires_ms(), first) << "not due: updateAge has not passed";
    clk_.advance(24h);
    auto later = loaded(m, b.header());
    (void)saved(m, later);
    EXPECT_EQ(backend_->expires_ms(), t0_ms + 25LL * 3600 * 1000 + max_age_ms);
}

TEST_P(database_strategy_test, an_expired_row_is_deleted_and_its_cookie_cleared) {
    const auto m = make();
    const browser b = sign_in(m, user_id_);
    clk_.advance(30 * 24h + 1s);
    auto s = loaded(m, b.header());
    EXPECT_TRUE(s.is_new());
    auto cookies = saved(m, s);
    ASSERT_EQ(cookies.size(), 1u);
    EXPECT_TRUE(sesh_test::is_deletion(cookies[0])) << cookies[0];
    EXPECT_EQ(backend_->count("sessions"), 0);
    EXPECT_EQ(backend_->count("sesh_authjs_extras"), 0);
}

TEST_P(database_strategy_test, an_unknown_or_malformed_token_is_no_session_and_is_cleared) {
    const auto m = make();
    for (const char* header : {"next-auth.session-token=0b7f3c9e-1111-4222-8333-444455556666",
                               "next-auth.session-token=%00%01", "next-auth.session-token.0=chunk"}) {
        auto s = loaded(m, header);
        EXPECT_TRUE(s.is_new()) << header;
        auto cookies = saved(m, s);
        ASSERT_FALSE(cookies.empty()) << header;
        EXPECT_TRUE(sesh_test::is_deletion(cookies[0])) << cookies[0];
    }
}

TEST_P(database_strategy_test, destroy_deletes_the_row) {
    const auto m = make();
    const browser b = sign_in(m, user_id_);
    auto s = loaded(m, b.header());
    ASSERT_TRUE(m.destroy(s));
    EXPECT_EQ(backend_->count("sessions"), 0);
    EXPECT_EQ(backend_->count("sesh_authjs_extras"), 0);
    EXPECT_TRUE(loaded(m, b.header()).is_new());
}

TEST_P(database_strategy_test, sessions_are_listed_by_row_id_and_revoke_others_keeps_the_current_one) {
    const auto m = make();
    const browser laptop = sign_in(m, user_id_);
    const browser phone = sign_in(m, user_id_);
    auto listed = m.list(user_id_);
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 2u);
    for (const auto& info : *listed) {
        EXPECT_TRUE(info.id.starts_with("authjs:")) << info.id;
        EXPECT_EQ(info.id.find(laptop.jar.at("next-auth.session-token")), std::string::npos) << "no token shown";
    }
    auto s = loaded(m, laptop.header());
    auto n = m.revoke_others(s);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 1u);
    EXPECT_FALSE(loaded(m, laptop.header()).is_new());
    EXPECT_TRUE(loaded(m, phone.header()).is_new());
    EXPECT_EQ(backend_->count("sesh_authjs_extras"), 1);
}

TEST_P(database_strategy_test, data_kept_in_the_session_survives_a_reload) {
    const auto m = make();
    const browser b = sign_in(m, user_id_);
    auto s = loaded(m, b.header());
    s.set("cart", boost::json::array{1, 2});
    (void)saved(m, s);
    auto again = loaded(m, b.header());
    ASSERT_NE(again.data().if_contains("cart"), nullptr);
    EXPECT_EQ(again.data().at("cart"), (boost::json::array{1, 2}));
}

TEST_P(database_strategy_test, a_sign_in_again_replaces_the_row) {
    const auto m = make();
    const browser b = sign_in(m, user_id_);
    auto s = loaded(m, b.header());
    m.regenerate(s);
    browser after = b;
    after.apply(saved(m, s));
    EXPECT_NE(after.jar.at("next-auth.session-token"), b.jar.at("next-auth.session-token"));
    EXPECT_EQ(backend_->count("sessions"), 1);
    EXPECT_TRUE(loaded(m, b.header()).is_new());
    EXPECT_FALSE(loaded(m, after.header()).is_new());
}

TEST_P(database_strategy_test, the_purge_takes_expired_rows_and_the_extras_of_rows_gone) {
    const auto m = make();
    const browser kept = sign_in(m, user_id_);
    const browser deleted_elsewhere = sign_in(m, user_id_);
    // A next-auth app's deleteSession, which knows nothing of sesh's extras; and an abandoned,
    // expired row that no cookie will ever bring back.
    backend_->delete_token(deleted_elsewhere.jar.at("next-auth.session-token"));
    backend_->insert_abandoned(user_id_);
    ASSERT_TRUE(db_->sessions->purge_expired(100));
    ASSERT_TRUE(db_->sessions->purge_expired(100));  // the expired row's extras, if it had any, go next time
    EXPECT_EQ(backend_->count("sessions"), 1);
    EXPECT_EQ(backend_->count("sesh_authjs_extras"), 1);
    EXPECT_FALSE(loaded(m, kept.header()).is_new());
}

}  // namespace
}  // namespace sesh::test
