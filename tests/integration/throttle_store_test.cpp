// The login throttle with its counts on a real SQLite file and a real Redis, through both faces;
// the cluster property (two nodes over one database throttle as one); and an outage, which
// refuses attempts rather than letting them through.
#include <sesh/async_throttle.hpp>
#include <sesh/database.hpp>
#include <sesh/error.hpp>

#include <boost/asio/use_future.hpp>

#include "integration/redis_server.hpp"
#include "integration/sqlite_test_support.hpp"
#include "unit/auth/throttle_store_conformance.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

temp_dir& throttle_sqlite_dir() {
    static temp_dir dir;
    return dir;
}

redis_server& throttle_redis() {
    static redis_server s;
    return s;
}

// Each node opens the URL itself, as another seshd process would.
std::function<std::shared_ptr<throttle_store>()> nodes_on(std::string url) {
    return [url] { return open_database(url).value().throttle; };
}

std::function<std::shared_ptr<throttle_store>()> sqlite_database() {
    static int n = 0;
    return nodes_on("sqlite:" + throttle_sqlite_dir().path().string() + "/throttle" + std::to_string(++n) + ".db");
}

std::function<std::shared_ptr<throttle_store>()> redis_database() {
    if (!throttle_redis().running() && !throttle_redis().start()) return nullptr;
    raw_redis raw(throttle_redis().port());
    raw.run({"FLUSHALL"});
    return nodes_on(throttle_redis().url());
}

const throttle_backend sqlite_counts{"sqlite", sqlite_database};
const throttle_backend redis_counts{"redis", redis_database};

INSTANTIATE_TEST_SUITE_P(stores, throttle_conformance,
                         ::testing::Values(sqlite_counts, async_face_of(sqlite_counts), redis_counts,
                                           async_face_of(redis_counts)),
                         [](const auto& p) { return p.param.name; });

// The cluster property, on each shared backend and face.
using throttle_cluster = throttle_conformance;

TEST_P(throttle_cluster, failures_on_one_node_make_the_other_wait) {
    auto a = node();
    auto b = node();
    for (int i = 0; i < 3; ++i) fail(*a, "ada", "10.0.0.1");
    for (int i = 0; i < 2; ++i) fail(*b, "ada", "10.0.0.1");
    EXPECT_EQ(wait(*a, "ada", "10.0.0.1"), 1000ms) << "five failures over two nodes count as five";
    EXPECT_EQ(wait(*b, "ada", "10.0.0.1"), 1000ms);
    succeed(*b, "ada", "10.0.0.1");
    EXPECT_EQ(wait(*a, "ada", "10.0.0.1"), 0ms) << "a success on one node clears the pair on all";
}

TEST_P(throttle_cluster, the_hourly_cap_holds_for_the_nodes_together) {
    throttle_options o;
    o.free_failures_per_account = 1000;
    o.free_failures_per_address = 1000;
    o.max_failures_per_hour = 6;
    o.address_share_per_hour = 3;
    auto a = node(o);
    auto b = node(o);
    auto c = node(o);
    // Alternating nodes: each node alone has seen fewer than the cap.
    for (int i = 0; i < 6; ++i) fail(i % 2 ? *a : *b, "ada", "10.0.0." + std::to_string(i / 3));
    EXPECT_EQ(wait(*c, "ada", "10.0.0.9"), 3'600'000ms);
}

INSTANTIATE_TEST_SUITE_P(stores, throttle_cluster,
                         ::testing::Values(sqlite_counts, async_face_of(sqlite_counts), redis_counts,
                                           async_face_of(redis_counts)),
                         [](const auto& p) { return p.param.name; });

TEST(throttle_outage, a_redis_that_is_down_refuses_attempts_through_both_faces) {
    redis_server server;
    ASSERT_TRUE(server.start());
    store_options so;
    so.timeout = 500ms;
    auto db = open_database(server.url(), so);
    ASSERT_TRUE(db);
    throttle_options o;
    login_throttle t(db->throttle, o);
    ASSERT_EQ(t.check("ada", "10.0.0.1").value(), 0ms);
    server.kill();
    EXPECT_EQ(t.check("ada", "10.0.0.1").error(), errc::store_unavailable);
    EXPECT_EQ(async_check(t, "ada", "10.0.0.1", boost::asio::use_future).get().error(), errc::store_unavailable);
    EXPECT_EQ(async_record_failure(t, "ada", "10.0.0.1", boost::asio::use_future).get().error(), errc::store_unavailable);
    EXPECT_EQ(t.retry_after("ada", "10.0.0.1"), o.max_delay) << "the blocking shorthand refuses rather than lets through";
    ASSERT_TRUE(server.start());
    for (int i = 0; i < 100 && !t.check("ada", "10.0.0.1"); ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(t.check("ada", "10.0.0.1").value(), 0ms) << "and recovers by itself";
}

TEST(throttle_sqlite, a_version_1_file_gains_the_throttle_table_and_keeps_its_sessions) {
    temp_dir dir;
    const std::string path = dir.path().string() + "/v1.db";
    {
        raw_db raw(path);
        ASSERT_TRUE(raw.exec("CREATE TABLE sessions (key TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL, data TEXT NOT NULL, "
                             "created_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, idle_expires_ms INTEGER NOT NULL, "
                             "absolute_expires_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, address TEXT NOT NULL, "
                             "user_agent TEXT NOT NULL) WITHOUT ROWID"));
        ASSERT_TRUE(raw.exec("CREATE INDEX sessions_by_expiry ON sessions (expires_ms)"));
        ASSERT_TRUE(raw.exec("CREATE INDEX sessions_by_user ON sessions (user_id, created_ms)"));
        ASSERT_TRUE(raw.exec("CREATE TABLE denied (jti TEXT NOT NULL PRIMARY KEY, until_ms INTEGER NOT NULL) WITHOUT ROWID"));
        ASSERT_TRUE(raw.exec("CREATE TABLE not_before (user_id TEXT NOT NULL PRIMARY KEY, t_ms INTEGER NOT NULL) WITHOUT ROWID"));
        ASSERT_TRUE(raw.exec("INSERT INTO sessions VALUES ('k', 'u', '{}', 0, 0, 0, 0, 0, '', '')"));
        ASSERT_TRUE(raw.exec("PRAGMA user_version = 1"));
    }
    auto db = open_database("sqlite:" + path);
    ASSERT_TRUE(db);
    login_throttle t(db->throttle);
    t.record_failure("ada", "10.0.0.1");
    EXPECT_EQ(t.check("ada", "10.0.0.1").value(), 0ms);
    raw_db raw(path);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), 3);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sesh_sessions"), 1);  // migration 3 renamed sesh's own table
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sesh_throttle"), 3);
}

}  // namespace
}  // namespace sesh::test
