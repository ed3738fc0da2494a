// The user store contract on a real SQLite file and a real Redis, through both faces; and what
// open_database promises: one URL's two stores over one set of connections.
#include <sesh/async_store.hpp>
#include <sesh/async_users.hpp>
#include <sesh/database.hpp>
#include <sesh/store.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <thread>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "integration/redis_server.hpp"
#include "integration/sqlite_test_support.hpp"
#include "unit/auth/user_store_async_face.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

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

const user_store_factory sqlite{"sqlite", make_sqlite};
const user_store_factory redis{"redis", make_redis};

user make_user(std::string name) {
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    return user{make_user_id(), std::move(name), "", "$argon2id$x", now, now};
}

session_record make_record(char key) {
    const auto now = std::chrono::system_clock::now();
    return session_record{std::string(64, key), "u", "{}", now, now, now + 1h, now + 2h, "", ""};
}

// The open descriptors of this process on `path`: one per SQLite connection to the file.
int descriptors_on(const std::filesystem::path& path) {
    const auto target = std::filesystem::canonical(path);
    int n = 0;
    std::error_code ec;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
        std::error_code link_ec;
        if (std::filesystem::read_symlink(fd.path(), link_ec) == target) ++n;
    }
    return n;
}

// An io_context run by its own thread, as seshd's I/O threads are.
struct loop_thread {
    boost::asio::io_context io{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
    std::thread thread{[this] { io.run(); }};
    ~loop_thread() {
        work.reset();
        io.stop();
        thread.join();
    }
};

// Starts an async_* operation (`start(handler)`) whose handler runs on `loop`, and waits up to
// 10 s for its result; nothing if it did not complete.
template <class T, class Start>
std::optional<result<T>> on_loop(loop_thread& loop, Start start) {
    auto p = std::make_shared<std::promise<result<T>>>();
    auto f = p->get_future();
    start(boost::asio::bind_executor(loop.io, [p](result<T> r) { p->set_value(std::move(r)); }));
    if (f.wait_for(10s) != std::future_status::ready) return std::nullopt;
    return f.get();
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(backends, user_store_conformance,
                         ::testing::Values(sqlite, async_face_of(sqlite), redis, async_face_of(redis)),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(sqlite_user_store, shares_its_file_with_the_session_store) {
    const std::string url = "sqlite:" + sqlite_dir().path().string() + "/shared.db";
    auto sessions = open_store(url);
    ASSERT_TRUE(sessions);
    auto users = open_user_store(url);
    ASSERT_TRUE(users);
    ASSERT_TRUE((*users)->create(make_user("shared")));
    ASSERT_TRUE((*sessions)->create(make_record('a')));
    // Reopened (a restart): both are still there.
    users->reset();
    sessions->reset();
    EXPECT_TRUE(*(*open_user_store(url))->find_by_name("shared"));
    EXPECT_TRUE(*(*open_store(url))->get(std::string(64, 'a')));
}

TEST(sqlite_user_store, awaited_calls_run_on_the_database_workers_not_the_callers_thread) {
    auto users = make_sqlite();
    std::promise<std::thread::id> ran_on;
    users->start_find_by_name("nobody", nullptr, [&](result<std::optional<user>>) { ran_on.set_value(std::this_thread::get_id()); });
    EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
}

TEST(open_database, sqlite_stores_share_one_pool) {
    const std::filesystem::path file = sqlite_dir().path() / "one-pool.db";
    store_options o;
    o.pool_size = 2;
    {
        auto db = open_database("sqlite:" + file.string(), o);
        ASSERT_TRUE(db);
        ASSERT_TRUE(async_create(*db->users, make_user("ada"), boost::asio::use_future).get());
        ASSERT_TRUE(async_create(*db->sessions, make_record('b'), boost::asio::use_future).get());
        EXPECT_TRUE(*db->users->find_by_name("ada"));
        // One writer and pool_size readers, used by both stores: a user store of its own would
        // have opened as many again.
        EXPECT_EQ(descriptors_on(file), 3);
        // Either store may go first; the other keeps the connections.
        db->sessions.reset();
        EXPECT_TRUE(*async_find_by_name(*db->users, "ada", boost::asio::use_future).get());
    }
    EXPECT_EQ(descriptors_on(file), 0);
    raw_db raw(file.string());
    EXPECT_EQ(raw.integer("SELECT count(*) FROM users"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sesh_passwords"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sesh_sessions"), 1);
}

TEST(open_database, redis_stores_share_the_pool_and_each_loops_connection) {
    ASSERT_TRUE(server().running() || server().start());
    raw_redis raw(server().port(), 3);
    ASSERT_TRUE(raw.ok());
    raw.run({"FLUSHALL"});
    store_options o;
    o.pool_size = 1;
    auto db = open_database(server().url(3), o);
    ASSERT_TRUE(db);
    // Blocking calls of both stores on the pool ...
    ASSERT_TRUE(db->users->create(make_user("ada")));
    ASSERT_TRUE(db->sessions->create(make_record('c')));
    // ... and awaited calls of both on one loop.
    loop_thread loop;
    auto found_user = on_loop<std::optional<user>>(loop, [&](auto h) { async_find_by_name(*db->users, "ada", std::move(h)); });
    auto found_session = on_loop<std::optional<session_record>>(
        loop, [&](auto h) { async_get(*db->sessions, std::string(64, 'c'), std::move(h)); });
    ASSERT_TRUE(found_user && *found_user);
    EXPECT_TRUE(found_user->value());
    ASSERT_TRUE(found_session && *found_session);
    EXPECT_TRUE(found_session->value());
    // In the database the URL names, beside the sessions.
    EXPECT_EQ(raw.integer({"EXISTS", "sesh:uname:ada"}), 1);
    // This client, the pool's one connection and the loop's one: nothing of the user store's own.
    const std::string clients = raw.text({"CLIENT", "LIST"});
    EXPECT_EQ(std::count(clients.begin(), clients.end(), '\n'), 3) << clients;
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

TEST(redis_user_store, an_awaited_lookup_on_a_frozen_server_fails_within_the_timeout) {
    ASSERT_TRUE(server().running() || server().start());
    store_options o;
    o.timeout = 300ms;
    auto db = open_database(server().url(), o).value();
    loop_thread loop;
    auto lookup = [&] {
        return on_loop<std::optional<user>>(loop, [&](auto h) { async_find_by_name(*db.users, "ada", std::move(h)); });
    };
    auto warm = lookup();
    ASSERT_TRUE(warm && *warm);  // the loop's connection is open and answering
    server().pause();
    const auto t0 = steady::now();
    auto frozen = lookup();
    const auto took = steady::now() - t0;
    server().resume();
    ASSERT_TRUE(frozen) << "the lookup did not complete";
    ASSERT_FALSE(*frozen);
    EXPECT_EQ(frozen->error(), errc::store_unavailable);
    EXPECT_LT(took, o.timeout + 1s);  // the contract is no hang, not a speed target
}

}  // namespace sesh::test
