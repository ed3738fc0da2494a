// `redis-sentinel://`: the store finds the master through real Redis Sentinel (redis-server
// --sentinel) watching a real master and replica, runs the whole conformance suite through it on
// both faces, and follows failovers by itself — a forced one (SENTINEL FAILOVER) and a master
// killed with -9 — answering store_unavailable, never hanging, while no master is known.
#include <sesh/async_store.hpp>
#include <sesh/store.hpp>

#include <chrono>
#include <optional>
#include <thread>

#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "integration/redis_server.hpp"
#include "unit/store/async_face.hpp"
#include "unit/store/conformance.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

// A master, a replica of it and one sentinel (quorum 1) watching them as group "sesh-main".
class sentinel_group {
public:
    bool start() {
        // A replica's first sync waits repl-diskless-sync-delay (5 s by default) for others to join.
        master_.add_args({"--repl-diskless-sync-delay", "0"});
        if (!master_.start()) return false;
        replica_.add_args({"--replicaof", "127.0.0.1", std::to_string(master_.port()), "--repl-diskless-sync-delay", "0"});
        if (!replica_.start()) return false;
        sentinel_.make_sentinel("sentinel monitor sesh-main 127.0.0.1 " + std::to_string(master_.port()) + " 1\n" +
                                "sentinel down-after-milliseconds sesh-main 400\n"
                                "sentinel failover-timeout sesh-main 2000\n"
                                "sentinel parallel-syncs sesh-main 1\n");
        if (!sentinel_.start()) return false;
        // Online is not yet acknowledging: until the replica has sent its first ACK, WAIT counts
        // it out (which the wait=1 tests would take for a lagging replica).
        return replicated(10s) && synced();
    }

    // The store's URL: a dead sentinel first, so asking them in turn is exercised too.
    [[nodiscard]] std::string url(int db = 0) const {
        return "redis-sentinel://127.0.0.1:" + std::to_string(free_loopback_port()) + ",127.0.0.1:" +
               std::to_string(sentinel_.port()) + "/sesh-main?db=" + std::to_string(db);
    }

    // The port the sentinel names as master now.
    int master_port() {
        raw_redis s(sentinel_.port());
        auto r = s.run({"SENTINEL", "get-master-addr-by-name", "sesh-main"});
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return 0;
        return std::stoi(r->element[1]->str);
    }

    // True once the replica is linked to the master and the sentinel knows it.
    bool replicated(std::chrono::milliseconds within) {
        const auto until = std::chrono::steady_clock::now() + within;
        while (std::chrono::steady_clock::now() < until) {
            raw_redis s(sentinel_.port());
            auto r = s.run({"SENTINEL", "replicas", "sesh-main"});
            raw_redis m(master_.port());
            if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
                m.text({"INFO", "replication"}).find("state=online") != std::string::npos)
                return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    // Waits for what the master holds to reach the replica. WAIT counts acknowledgements of this
    // connection's own writes, so it writes a marker first: replication keeps order, so once the
    // replica has the marker it has every earlier write too.
    bool synced() {
        raw_redis m(master_port());
        if (m.text({"SET", "sentinel-test-marker", "1"}) != "OK") return false;
        return m.integer({"WAIT", "1", "5000"}) == 1;
    }

    redis_server& master() { return master_; }
    redis_server& replica() { return replica_; }
    redis_server& sentinel() { return sentinel_; }

private:
    redis_server master_, replica_, sentinel_;
};

sentinel_group& conformance_group() {
    static sentinel_group group;
    static const bool started = group.start();
    EXPECT_TRUE(started);
    return group;
}

std::unique_ptr<store> make_sentinel_store(const store_options& options) {
    auto& g = conformance_group();
    raw_redis m(g.master_port());
    if (m.text({"FLUSHALL"}) != "OK") return nullptr;
    auto s = open_store(g.url(), options);
    return s ? std::move(*s) : nullptr;
}

// With wait=1 every write is followed by WAIT: the same answers, including a refused create.
std::unique_ptr<store> make_waiting_sentinel_store(const store_options& options) {
    auto& g = conformance_group();
    raw_redis m(g.master_port());
    if (m.text({"FLUSHALL"}) != "OK") return nullptr;
    auto s = open_store(g.url() + "&wait=1", options);
    return s ? std::move(*s) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(redis_sentinel, store_conformance,
                         ::testing::Values(store_factory{"redis_sentinel", make_sentinel_store},
                                           async_face_of(store_factory{"redis_sentinel", make_sentinel_store}),
                                           store_factory{"redis_sentinel_wait", make_waiting_sentinel_store},
                                           async_face_of(store_factory{"redis_sentinel_wait", make_waiting_sentinel_store})),
                         store_factory_name());

// Writes through both faces until both succeed, up to `within`; how long that took, or nothing.
std::optional<std::chrono::milliseconds> writes_again(store& s, std::chrono::milliseconds within) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; std::chrono::steady_clock::now() - start < within; ++i) {
        const auto key = "probe-" + std::to_string(i);
        const bool sync_ok = s.create(live_record(system_clock(), key)).has_value();
        const bool async_ok = async_create(s, live_record(system_clock(), key + "-a"), boost::asio::use_future).get().has_value();
        if (sync_ok && async_ok) return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
}

class redis_sentinel_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(group_.start());
        options_.timeout = 300ms;
        auto s = open_store(group_.url(), options_);
        ASSERT_TRUE(s.has_value());
        store_ = std::move(*s);
    }

    sentinel_group group_;
    store_options options_;
    std::unique_ptr<store> store_;
};

TEST_F(redis_sentinel_test, a_forced_failover_moves_both_faces_to_the_new_master_and_loses_no_synced_session) {
    ASSERT_TRUE(store_->create(live_record(system_clock(), "before")));
    ASSERT_TRUE(async_create(*store_, live_record(system_clock(), "before-a"), boost::asio::use_future).get());
    ASSERT_TRUE(group_.synced());
    // A sentinel that has just met the replica may not rate it fit yet (NOGOODSLAVE): ask again.
    raw_redis sentinel(group_.sentinel().port());
    std::string answer;
    for (int i = 0; i < 100 && (answer = sentinel.text({"SENTINEL", "FAILOVER", "sesh-main"})) != "OK"; ++i)
        std::this_thread::sleep_for(100ms);
    ASSERT_EQ(answer, "OK");
    const auto t0 = std::chrono::steady_clock::now();
    // The failover runs in the background: wait until the sentinel names the replica (it
    // reconfigures the old master later, on its next 10 s round).
    while (group_.master_port() != group_.replica().port() && std::chrono::steady_clock::now() - t0 < 15s)
        std::this_thread::sleep_for(10ms);
    ASSERT_EQ(group_.master_port(), group_.replica().port());
    const auto switched = std::chrono::steady_clock::now();
    // Writes land on the new master, through both faces, as soon as the store has heard of the
    // switch (the old master takes writes until the sentinel reconfigures it, up to 10 s later:
    // what reaches it in between is lost, as Sentinel's documentation says).
    raw_redis promoted(group_.replica().port());
    bool landed = false;
    for (int i = 0; !landed && std::chrono::steady_clock::now() - switched < 10s; ++i) {
        const auto key = "after-" + std::to_string(i);
        const bool wrote = store_->create(live_record(system_clock(), key)).has_value() &&
                           async_create(*store_, live_record(system_clock(), key + "-a"), boost::asio::use_future).get().has_value();
        landed = wrote && promoted.integer({"EXISTS", "sesh:s:" + key}) == 1 &&
                 promoted.integer({"EXISTS", "sesh:s:" + key + "-a"}) == 1;
        if (!landed) std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(landed) << "the store did not follow the failover";
    const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    std::cout << "[ failover ] the sentinel switched " << ms(switched - t0) << " ms after SENTINEL FAILOVER; both faces "
              << "wrote to the new master " << ms(std::chrono::steady_clock::now() - switched) << " ms later\n";
    // Nothing written before the failover (and synced) is lost, on either face.
    EXPECT_TRUE(store_->get("before").value().has_value());
    auto a = async_get(*store_, "before-a", boost::asio::use_future).get();
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->has_value());
}

TEST_F(redis_sentinel_test, a_master_killed_is_an_outage_of_bounded_calls_until_the_sentinel_promotes_the_replica) {
    ASSERT_TRUE(store_->create(live_record(system_clock(), "kept")));
    ASSERT_TRUE(group_.synced());
    group_.master().kill();

    // While no master answers, every call fails within its timeout (plus the connect), never hangs.
    const auto t0 = std::chrono::steady_clock::now();
    auto r = store_->get("kept");
    const auto one_call = std::chrono::steady_clock::now() - t0;
    if (!r) {
        EXPECT_EQ(r.error(), errc::store_unavailable);
    }
    EXPECT_LT(one_call, 2s);

    const auto took = writes_again(*store_, 20s);
    ASSERT_TRUE(took) << "the store did not recover after the replica's promotion";
    EXPECT_EQ(group_.master_port(), group_.replica().port());
    std::cout << "[ failover ] writes resumed " << took->count() << " ms after kill -9 of the master\n";
    EXPECT_TRUE(store_->get("kept").value().has_value());
}

TEST_F(redis_sentinel_test, with_wait_a_write_is_acknowledged_only_once_a_replica_holds_it) {
    auto s = open_store(group_.url() + "&wait=1", options_);
    ASSERT_TRUE(s.has_value());
    store& waiting = **s;
    raw_redis replica(group_.replica().port());
    // Acknowledged on both faces means the replica has it already: no later sync is awaited here.
    ASSERT_TRUE(waiting.create(live_record(system_clock(), "w")));
    ASSERT_TRUE(async_create(waiting, live_record(system_clock(), "w-a"), boost::asio::use_future).get());
    EXPECT_EQ(replica.integer({"EXISTS", "sesh:s:w"}), 1);
    EXPECT_EQ(replica.integer({"EXISTS", "sesh:s:w-a"}), 1);
    ASSERT_TRUE(waiting.deny("jti-w", system_clock().now() + 1h));
    EXPECT_EQ(replica.integer({"EXISTS", "sesh:deny:jti-w"}), 1);

    // A replica that stops acknowledging: writes fail within the timeout on both faces (the master
    // holds them, but nothing promises they survive a failover), reads go on.
    group_.replica().pause();
    const auto t0 = std::chrono::steady_clock::now();
    auto sync_write = waiting.create(live_record(system_clock(), "unconfirmed"));
    auto async_write = async_create(waiting, live_record(system_clock(), "unconfirmed-a"), boost::asio::use_future).get();
    const auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_FALSE(sync_write);
    EXPECT_EQ(sync_write.error(), errc::store_unavailable);
    ASSERT_FALSE(async_write);
    EXPECT_EQ(async_write.error(), errc::store_unavailable);
    EXPECT_LT(took, 2 * options_.timeout + 200ms);
    EXPECT_TRUE(waiting.get("w").value().has_value());
    auto read = async_get(waiting, "w-a", boost::asio::use_future).get();
    ASSERT_TRUE(read);
    EXPECT_TRUE(read->has_value());

    group_.replica().resume();
    EXPECT_TRUE(writes_again(waiting, 5s)) << "writes were not acknowledged again once the replica followed";
}

TEST_F(redis_sentinel_test, no_reachable_sentinel_is_not_an_error_at_open_and_calls_fail_until_one_answers) {
    group_.sentinel().kill();
    auto s = open_store(group_.url(), options_);
    ASSERT_TRUE(s.has_value()) << "a down sentinel at open time is an outage, not a configuration error";
    auto r = (*s)->get("x");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::store_unavailable);
    ASSERT_TRUE(group_.sentinel().start());
    EXPECT_TRUE(writes_again(**s, 10s)) << "the store did not find the master once a sentinel answered";
}

}  // namespace
}  // namespace sesh::test
