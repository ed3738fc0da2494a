// The user store contract on a real SQLite file (shared with a session store) and a real Redis.
#include <sesh/store.hpp>

#include "integration/redis_server.hpp"
#include "integration/sqlite_test_support.hpp"
#include "unit/auth/user_store_conformance.hpp"

namespace sesh::test {
namespace {

temp_dir& sqlite_dir() {
    static temp_dir dir;
    return dir;
}

std::unique_ptr<user_store> make_sqlite() {
    static int n = 0;
    return open_user_store("sqlite:" + sqlite_dir().path().string() + "/users" + std::to_string(++n) + ".db").value();
}

redis_server& server() {
    static redis_server s;
    return s;
}

std::unique_ptr<user_store> make_redis() {
    if (!server().running() && !server().start()) return nullptr;
    raw_redis raw(server().port());
    raw.run({"FLUSHALL"});
    return open_user_store(server().url()).value();
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(backends, user_store_conformance,
                         ::testing::Values(user_store_factory{"sqlite", make_sqlite}, user_store_factory{"redis", make_redis}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(sqlite_user_store, shares_its_file_with_the_session_store) {
    const std::string url = "sqlite:" + sqlite_dir().path().string() + "/shared.db";
    auto sessions = open_store(url);
    ASSERT_TRUE(sessions);
    auto users = open_user_store(url);
    ASSERT_TRUE(users);
    const auto now = std::chrono::system_clock::now();
    ASSERT_TRUE((*users)->create(user{make_user_id(), "shared", "", "$argon2id$x", now, now}));
    session_record r{std::string(64, 'a'), "u", "{}", now, now, now + std::chrono::hours(1), now + std::chrono::hours(2), "", ""};
    ASSERT_TRUE((*sessions)->create(r));
    // Reopened (a restart): both are still there.
    users->reset();
    sessions->reset();
    EXPECT_TRUE(*(*open_user_store(url))->find_by_name("shared"));
    EXPECT_TRUE(*(*open_store(url))->get(std::string(64, 'a')));
}

TEST(redis_user_store, answers_store_unavailable_while_redis_is_down_and_recovers) {
    ASSERT_TRUE(server().running() || server().start());
    auto users = open_user_store(server().url()).value();
    server().kill();
    auto down = users->find_by_name("x");
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error(), errc::store_unavailable);
    ASSERT_TRUE(server().start());
    bool back = false;
    for (int i = 0; i < 50 && !back; ++i) {
        back = users->find_by_name("x").has_value();
        if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(back);
}

}  // namespace sesh::test
