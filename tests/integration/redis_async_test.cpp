// Tests of the non-blocking Redis connection against a real redis-server on 127.0.0.1: round
// trips, pipelining on one connection, scripts, SELECT, and outages (frozen, killed, closed).
#include "store/redis/redis_async.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "integration/redis_server.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using detail::redis::async_connection;
using detail::redis::command;

// The deadline for calls that must succeed: generous, a loaded CI machine is not a failure.
constexpr auto slow_ok = 5s;

// What a callback saw, copied out (the reply dies with the callback).
struct answer {
    bool ok = false;
    int type = 0;
    long long integer = 0;
    std::string text;
    steady::time_point at;  // when the callback ran
};

answer to_answer(result<const redisReply*> r) {
    answer a;
    a.at = steady::now();
    if (!r) {
        EXPECT_EQ(r.error(), make_error_code(errc::store_unavailable));
        return a;
    }
    a.ok = true;
    a.type = (*r)->type;
    a.integer = (*r)->integer;
    a.text = std::string(detail::redis::reply_text(**r));
    return a;
}

std::future<answer> send(async_connection& c, command cmd, steady::duration timeout) {
    auto p = std::make_shared<std::promise<answer>>();
    auto f = p->get_future();
    // A second call would throw promise_already_satisfied and end the test.
    c.run(std::move(cmd), steady::now() + timeout, [p](result<const redisReply*> r) { p->set_value(to_answer(r)); });
    return f;
}

std::future<answer> send_script(async_connection& c, std::size_t i, command args, steady::duration timeout) {
    auto p = std::make_shared<std::promise<answer>>();
    auto f = p->get_future();
    c.run_script(i, std::move(args), steady::now() + timeout, [p](result<const redisReply*> r) { p->set_value(to_answer(r)); });
    return f;
}

// Waits for an answer; a callback that never comes fails the test instead of hanging it.
answer get(std::future<answer>& f, steady::duration limit = 10s) {
    if (f.wait_for(limit) != std::future_status::ready) {
        ADD_FAILURE() << "no callback within " << std::chrono::duration_cast<std::chrono::milliseconds>(limit).count() << " ms";
        return {};
    }
    return f.get();
}

// Retries PING until it succeeds, at most `limit`; how long that took.
std::chrono::milliseconds time_until_up(async_connection& c, steady::duration limit) {
    const auto t0 = steady::now();
    while (steady::now() - t0 < limit) {
        auto f = send(c, command{"PING"}, 500ms);
        if (get(f).ok) break;
        std::this_thread::sleep_for(20ms);
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t0);
}

long long ms(steady::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

// A script that returns what it wrote, to tell EVAL results apart.
const std::string incr_script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";

class redis_async_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(server_.start()); }

    // After close() nothing may be left on the io_context: no socket wait, timer or callback.
    void TearDown() override {
        if (conn_) conn_->close();
        conn_.reset();
        work_.reset();
        if (!thread_.joinable()) return;
        if (ran_out_.wait_for(5s) != std::future_status::ready) {
            ADD_FAILURE() << "work left on the io_context after close()";
            io_.stop();
        }
        thread_.join();
    }

    // The connection under test, on an io_context run by its own thread (as seshd's are).
    async_connection& connect(int db = 0) {
        detail::redis::connection_config cfg{"127.0.0.1", server_.port(), db, 1s, {incr_script}, {}, {}, nullptr};
        conn_ = async_connection::create(io_.get_executor(), std::move(cfg));
        ran_out_ = ran_out_promise_.get_future();
        thread_ = std::thread([this] {
            io_.run();
            ran_out_promise_.set_value();
        });
        return *conn_;
    }

    raw_redis raw(int db = 0) const { return raw_redis(server_.port(), db); }

    redis_server server_;
    boost::asio::io_context io_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
    std::thread thread_;
    std::promise<void> ran_out_promise_;  // set when io_.run() returns
    std::future<void> ran_out_;
    std::shared_ptr<async_connection> conn_;
};

TEST_F(redis_async_test, set_then_get_round_trips) {
    auto& c = connect();
    auto set = send(c, command{"SET", "k", "v"}, slow_ok);
    auto got = send(c, command{"GET", "k"}, slow_ok);
    const auto s = get(set);
    EXPECT_TRUE(s.ok);
    EXPECT_EQ(s.type, REDIS_REPLY_STATUS);
    const auto g = get(got);
    EXPECT_EQ(g.type, REDIS_REPLY_STRING);
    EXPECT_EQ(g.text, "v");
}

TEST_F(redis_async_test, a_binary_key_and_value_round_trip) {
    auto& c = connect();
    const std::string key("a key\r\nwith\0nul", 15);
    const std::string value("v\0 \r\n*1\r\n", 9);
    auto set = send(c, command{"SET", key, value}, slow_ok);
    EXPECT_TRUE(get(set).ok);
    auto got = send(c, command{"GET", key}, slow_ok);
    EXPECT_EQ(get(got).text, value);
    auto r = raw();
    EXPECT_EQ(r.text({"GET", key}), value);
    EXPECT_EQ(r.integer({"DBSIZE"}), 1);
}

TEST_F(redis_async_test, an_error_reply_is_an_ordinary_reply) {
    auto& c = connect();
    auto f = send(c, command{"NOSUCHCOMMAND"}, slow_ok);
    const auto a = get(f);
    EXPECT_TRUE(a.ok);
    EXPECT_EQ(a.type, REDIS_REPLY_ERROR);
    auto after = send(c, command{"PING"}, slow_ok);
    EXPECT_EQ(get(after).text, "PONG");
}

TEST_F(redis_async_test, a_thousand_commands_in_flight_share_one_connection_and_answer_in_order) {
    auto& c = connect();
    constexpr int n = 1000;
    std::mutex m;
    std::vector<long long> seen;  // in callback order
    std::vector<std::future<answer>> futures;
    for (int i = 0; i < n; ++i) {
        auto p = std::make_shared<std::promise<answer>>();
        futures.push_back(p->get_future());
        c.run(command{"INCR", "counter"}, steady::now() + slow_ok, [p, &m, &seen](result<const redisReply*> r) {
            auto a = to_answer(r);
            {
                std::lock_guard lock(m);
                seen.push_back(a.integer);
            }
            p->set_value(std::move(a));
        });
    }
    for (int i = 0; i < n; ++i) {
        const auto a = get(futures[static_cast<std::size_t>(i)]);
        ASSERT_TRUE(a.ok) << i;
        EXPECT_EQ(a.integer, i + 1) << "reply " << i << " out of order";
    }
    {
        std::lock_guard lock(m);
        ASSERT_EQ(seen.size(), static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], i + 1);
    }
    auto r = raw();
    EXPECT_EQ(r.text({"GET", "counter"}), "1000");
    // Two clients: raw_redis and the one async connection.
    EXPECT_NE(r.text({"INFO", "clients"}).find("connected_clients:2\r\n"), std::string::npos) << r.text({"CLIENT", "LIST"});
}

TEST_F(redis_async_test, runs_a_script_by_sha_and_falls_back_to_eval_after_a_script_flush) {
    auto& c = connect();
    auto first = send_script(c, 0, command{"1", "n", "5"}, slow_ok);
    EXPECT_EQ(get(first).integer, 5);
    auto r = raw();
    EXPECT_EQ(r.text({"SCRIPT", "FLUSH"}), "OK");
    auto second = send_script(c, 0, command{"1", "n", "2"}, slow_ok);
    const auto a = get(second);
    EXPECT_EQ(a.type, REDIS_REPLY_INTEGER) << a.text;
    EXPECT_EQ(a.integer, 7);
    const std::string stats = r.text({"INFO", "commandstats"});
    EXPECT_NE(stats.find("cmdstat_evalsha:calls=2,"), std::string::npos) << stats;  // once ok, once NOSCRIPT
    EXPECT_NE(stats.find("cmdstat_eval:calls=1,"), std::string::npos) << stats;     // the one fallback
    auto third = send_script(c, 0, command{"1", "n", "1"}, slow_ok);  // EVAL cached it again
    EXPECT_EQ(get(third).integer, 8);
}

TEST_F(redis_async_test, selects_the_configured_database) {
    auto& c = connect(3);
    auto set = send(c, command{"SET", "in-db-3", "yes"}, slow_ok);
    EXPECT_TRUE(get(set).ok);
    EXPECT_EQ(raw(3).text({"GET", "in-db-3"}), "yes");
    EXPECT_EQ(raw(0).integer({"EXISTS", "in-db-3"}), 0);
}

TEST_F(redis_async_test, a_database_redis_refuses_fails_commands_instead_of_using_another) {
    auto& c = connect(99);  // the helper's server has 16
    auto set = send(c, command{"SET", "k", "v"}, slow_ok);
    EXPECT_FALSE(get(set).ok);
    EXPECT_EQ(raw(0).integer({"DBSIZE"}), 0);
}

TEST_F(redis_async_test, a_frozen_server_fails_every_command_within_its_deadline_and_recovery_follows_the_thaw) {
    auto& c = connect();
    auto warm = send(c, command{"PING"}, slow_ok);
    ASSERT_TRUE(get(warm).ok);

    server_.pause();
    constexpr int n = 50;
    std::vector<steady::time_point> issued;
    std::vector<std::future<answer>> futures;
    for (int i = 0; i < n; ++i) {
        issued.push_back(steady::now());
        futures.push_back(send(c, command{"INCR", "frozen"}, 200ms));
        std::this_thread::sleep_for(1ms);  // spread the deadlines
    }
    for (int i = 0; i < n; ++i) {
        const auto a = get(futures[static_cast<std::size_t>(i)]);
        EXPECT_FALSE(a.ok) << i;
        EXPECT_LE(ms(a.at - issued[static_cast<std::size_t>(i)]), 300) << "command " << i << " answered late";
    }

    server_.resume();
    EXPECT_LT(time_until_up(c, 3s), 1000ms);
}

TEST_F(redis_async_test, a_killed_server_fails_commands_fast_and_the_same_connection_recovers_after_a_restart) {
    auto& c = connect();
    auto warm = send(c, command{"PING"}, slow_ok);
    ASSERT_TRUE(get(warm).ok);

    server_.kill();
    for (int i = 0; i < 20; ++i) {
        const auto t0 = steady::now();
        auto f = send(c, command{"PING"}, 2s);
        const auto a = get(f);
        EXPECT_FALSE(a.ok);
        EXPECT_LT(ms(a.at - t0), 200) << "attempt " << i << " waited for its deadline";
        std::this_thread::sleep_for(10ms);
    }

    ASSERT_TRUE(server_.start());
    EXPECT_LT(time_until_up(c, 3s), 1000ms);
    // The hello ran again: the script is loaded on the new server.
    auto script = send_script(c, 0, command{"1", "after-restart", "3"}, slow_ok);
    EXPECT_EQ(get(script).integer, 3);
    EXPECT_NE(raw().text({"INFO", "commandstats"}).find("cmdstat_script|load:calls=1,"), std::string::npos);
}

TEST_F(redis_async_test, survives_the_server_dying_under_a_stream_of_writes) {
    // Writes to a socket the dead server reset raise SIGPIPE, whose default action would end
    // this process; the connection must turn it into a failed command.
    auto& c = connect();
    auto warm = send(c, command{"PING"}, slow_ok);
    ASSERT_TRUE(get(warm).ok);
    std::atomic<bool> stop{false};
    auto answered = std::make_shared<std::atomic<int>>(0);  // callbacks may outlive this body
    std::thread writer([&] {
        const std::string big(16 * 1024, 'x');
        while (!stop) {
            c.run(command{"SET", "big", big}, steady::now() + 1s, [answered](result<const redisReply*>) { ++*answered; });
            std::this_thread::sleep_for(200us);
        }
    });
    std::this_thread::sleep_for(100ms);
    server_.kill();
    std::this_thread::sleep_for(200ms);
    stop = true;
    writer.join();
    ASSERT_TRUE(server_.start());
    EXPECT_LT(time_until_up(c, 3s), 1000ms);
    EXPECT_GT(answered->load(), 0);
}

TEST_F(redis_async_test, close_fails_every_command_in_flight_exactly_once) {
    auto& c = connect();
    auto warm = send(c, command{"PING"}, slow_ok);
    ASSERT_TRUE(get(warm).ok);
    server_.pause();  // nothing is answered: all stay in flight

    constexpr int n = 20;
    std::vector<std::atomic<int>> calls(n);
    std::vector<std::atomic<bool>> failed(n);
    for (int i = 0; i < n; ++i) {
        c.run(command{"INCR", "closed"}, steady::now() + 10s, [&calls, &failed, i](result<const redisReply*> r) {
            failed[static_cast<std::size_t>(i)] = !r && r.error() == make_error_code(errc::store_unavailable);
            ++calls[static_cast<std::size_t>(i)];
        });
    }
    std::this_thread::sleep_for(50ms);
    const auto t0 = steady::now();
    c.close();
    const auto all_called = [&] {
        for (auto& k : calls)
            if (k == 0) return false;
        return true;
    };
    while (!all_called() && steady::now() - t0 < 5s) std::this_thread::sleep_for(1ms);
    EXPECT_LT(ms(steady::now() - t0), 500);
    std::this_thread::sleep_for(100ms);  // room for a second, wrong, call
    for (int i = 0; i < n; ++i) {
        EXPECT_EQ(calls[static_cast<std::size_t>(i)], 1) << i;
        EXPECT_TRUE(failed[static_cast<std::size_t>(i)]) << i;
    }

    server_.resume();
    EXPECT_LT(time_until_up(c, 3s), 1000ms);  // close() then run() reconnects
}

TEST_F(redis_async_test, dropping_the_last_reference_with_commands_in_flight_still_answers_each_once) {
    auto& c = connect();
    auto warm = send(c, command{"PING"}, slow_ok);
    ASSERT_TRUE(get(warm).ok);
    server_.pause();
    std::vector<std::future<answer>> futures;
    for (int i = 0; i < 10; ++i) futures.push_back(send(c, command{"INCR", "dropped"}, 300ms));
    std::weak_ptr<async_connection> weak = conn_;
    conn_.reset();
    for (auto& f : futures) EXPECT_FALSE(get(f).ok);
    // Once nothing is in flight the connection goes (callbacks may still be unwinding).
    const auto t0 = steady::now();
    while (!weak.expired() && steady::now() - t0 < 2s) std::this_thread::sleep_for(1ms);
    EXPECT_TRUE(weak.expired());
    server_.resume();
}

TEST_F(redis_async_test, a_deadline_already_passed_fails_that_command_alone) {
    auto& c = connect();
    auto before = send(c, command{"CLIENT", "ID"}, slow_ok);
    const auto id = get(before);
    ASSERT_TRUE(id.ok);
    auto late = send(c, command{"PING"}, -1ms);
    EXPECT_FALSE(get(late).ok);
    auto after = send(c, command{"CLIENT", "ID"}, slow_ok);
    EXPECT_EQ(get(after).integer, id.integer) << "the connection was dropped";
}

}  // namespace
}  // namespace sesh::test
