// Tests of the Redis store against a real redis-server on 127.0.0.1.
// First the conformance suite, then what only Redis has: key layout and TTLs, corrupt values, odd
// keys, databases, scripts, round trips, the pool, and outages (killed, frozen, down at open).
#include <sesh/async_store.hpp>
#include <sesh/store.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "integration/redis_server.hpp"
#include "integration/store_outage_support.hpp"
#include "unit/store/async_face.hpp"
#include "unit/store/conformance.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// ---- the conformance suite --------------------------------------------------------------------

// ctest runs every test in its own process, so each gets its own server; FLUSHALL keeps tests
// from seeing each other's keys when the binary is run by hand.
redis_server& conformance_server() {
    static redis_server server;
    return server;
}

std::unique_ptr<store> make_conformance_store(const store_options& options) {
    auto& server = conformance_server();
    if (!server.running() && !server.start()) return nullptr;
    raw_redis raw(server.port());
    if (raw.text({"FLUSHALL"}) != "OK") return nullptr;
    auto s = open_store(server.url(), options);
    return s ? std::move(*s) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(redis, store_conformance, ::testing::Values(store_factory{"redis", make_conformance_store},
                                           async_face_of(store_factory{"redis", make_conformance_store})),
                         store_factory_name());

// ---- helpers ----------------------------------------------------------------------------------

// "Within the configured timeout" with room for a loaded CI machine: the contract is no hang,
// not a speed target.
constexpr auto store_timeout = 300ms;
constexpr auto margin = 1s;

// Runs body(0..n-1) on n threads at once. A caller that hangs would hang the test binary, so past
// `limit` this reports and ends the process instead.
void run_concurrently(int n, const std::function<void(int)>& body, steady::duration limit) {
    struct state {
        std::mutex m;
        std::condition_variable cv;
        int done = 0;
    };
    auto s = std::make_shared<state>();
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([s, &body, i] {
            body(i);
            std::lock_guard lock(s->m);
            ++s->done;
            s->cv.notify_all();
        });
    }
    std::unique_lock lock(s->m);
    if (!s->cv.wait_for(lock, limit, [&] { return s->done == n; })) {
        std::cerr << "FATAL: " << (n - s->done) << " of " << n << " store callers still blocked after "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(limit).count() << " ms: a hang\n";
        std::_Exit(1);
    }
    lock.unlock();
    for (auto& t : threads) t.join();
}

class redis_store_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(server_.start());
        options_.clock = &clock_;
        options_.timeout = store_timeout;
        options_.pool_size = 4;
        store_ = open(server_.url());
        ASSERT_NE(store_, nullptr);
    }

    std::unique_ptr<store> open(const std::string& url) {
        auto s = open_store(url, options_);
        EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message());
        return s ? std::move(*s) : nullptr;
    }

    // A live record: idle 30 min, absolute 1 day, from clock_.now().
    session_record record(std::string key, std::string user = "u1", std::string data = R"({"n":1})") const {
        session_record r;
        r.key = std::move(key);
        r.user_id = std::move(user);
        r.data = std::move(data);
        r.created = r.last_seen = clock_.now();
        r.idle_expires = r.created + 30min;
        r.absolute_expires = r.created + 24h;
        r.address = "127.0.0.1";
        r.user_agent = "redis-test/1.0";
        return r;
    }

    raw_redis raw(int db = 0) const { return raw_redis(server_.port(), db); }

    redis_server server_;
    manual_clock clock_;
    store_options options_;
    std::unique_ptr<store> store_;
};

// ---- layout and TTLs --------------------------------------------------------------------------

TEST_F(redis_store_test, writes_a_record_as_a_hash_under_sesh_s_expiring_with_the_record) {
    const auto r = record("k1");
    ASSERT_TRUE(store_->create(r));
    auto db = raw();
    EXPECT_EQ(db.text({"TYPE", "sesh:s:k1"}), "hash");
    EXPECT_EQ(db.text({"HGET", "sesh:s:k1", "d"}), r.data);
    const auto ttl = std::chrono::milliseconds(db.integer({"PTTL", "sesh:s:k1"}));
    EXPECT_GT(ttl, 29min);
    EXPECT_LE(ttl, 30min + 1s);
    EXPECT_EQ(db.integer({"SISMEMBER", "sesh:u:u1", "k1"}), 1);
    EXPECT_GE(db.integer({"PEXPIRETIME", "sesh:u:u1"}), db.integer({"PEXPIRETIME", "sesh:s:k1"}));
}

TEST_F(redis_store_test, every_key_the_store_writes_has_a_ttl) {
    ASSERT_TRUE(store_->create(record("a")));
    ASSERT_TRUE(store_->create(record("anon", "")));
    ASSERT_TRUE(store_->create(record("b", "u2")));
    auto a = record("a", "u3");
    a.data = R"({"n":2})";
    ASSERT_TRUE(store_->update(a));
    ASSERT_TRUE(store_->touch("b", clock_.now() + 1min, clock_.now() + 31min));
    ASSERT_TRUE(store_->deny("jti-1", clock_.now() + 1h));
    ASSERT_TRUE(store_->set_not_before("u1", clock_.now()));
    ASSERT_TRUE(store_->list_user("u3"));
    ASSERT_TRUE(store_->erase_user("u2", ""));
    ASSERT_TRUE(store_->create(record("c", "u2")));

    auto db = raw();
    auto keys = db.run({"KEYS", "*"});
    ASSERT_TRUE(keys);
    ASSERT_EQ(keys->type, REDIS_REPLY_ARRAY);
    std::set<std::string> names;
    for (std::size_t i = 0; i < keys->elements; ++i) {
        const std::string name(keys->element[i]->str, keys->element[i]->len);
        names.insert(name);
        EXPECT_GT(db.integer({"PTTL", name}), 0) << name;
    }
    const std::set<std::string> expected = {"sesh:s:a", "sesh:s:anon", "sesh:s:c", "sesh:u:u2",
                                            "sesh:u:u3", "sesh:deny:jti-1", "sesh:nbf:u1"};
    EXPECT_EQ(names, expected);
}

TEST_F(redis_store_test, touch_moves_the_key_expiry_but_never_past_the_absolute_expiry) {
    auto r = record("k");
    r.absolute_expires = r.created + 1h;
    ASSERT_TRUE(store_->create(r));
    auto db = raw();
    ASSERT_EQ(store_->touch("k", r.created + 1min, r.created + 41min), true);
    auto ttl = std::chrono::milliseconds(db.integer({"PTTL", "sesh:s:k"}));
    EXPECT_GT(ttl, 40min);
    EXPECT_LE(ttl, 41min + 1s);

    ASSERT_EQ(store_->touch("k", r.created + 2min, r.created + 3h), true);
    ttl = std::chrono::milliseconds(db.integer({"PTTL", "sesh:s:k"}));
    EXPECT_GT(ttl, 59min);
    EXPECT_LE(ttl, 1h + 1s);
    EXPECT_GE(db.integer({"PEXPIRETIME", "sesh:u:u1"}), db.integer({"PEXPIRETIME", "sesh:s:k"}));
}

TEST_F(redis_store_test, touch_with_an_idle_expiry_past_the_index_expiry_keeps_the_index_alive) {
    ASSERT_TRUE(store_->create(record("k")));
    ASSERT_EQ(store_->touch("k", clock_.now() + 1min, clock_.now() + 3h), true);
    auto db = raw();
    EXPECT_GT(std::chrono::milliseconds(db.integer({"PTTL", "sesh:u:u1"})), 2h);
}

// ---- the injected clock -----------------------------------------------------------------------

TEST_F(redis_store_test, expiry_follows_the_injected_clock_not_the_redis_ttl) {
    const auto r = record("k");
    ASSERT_TRUE(store_->create(r));
    clock_.advance(31min);
    auto db = raw();
    EXPECT_EQ(db.integer({"EXISTS", "sesh:s:k"}), 1);  // Redis has real time: the key is still there
    auto got = store_->get("k");
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->has_value());
    EXPECT_EQ(error_of(store_->update(r)), errc::not_found);
    EXPECT_EQ(error_of(store_->touch("k", clock_.now(), clock_.now() + 30min)), errc::not_found);
    auto listed = store_->list_user("u1");
    ASSERT_TRUE(listed);
    EXPECT_TRUE(listed->empty());
    EXPECT_EQ(store_->erase_user("u1", ""), std::size_t{0});
}

TEST_F(redis_store_test, create_takes_over_a_key_whose_record_expired_by_the_injected_clock) {
    ASSERT_TRUE(store_->create(record("k", "u1", R"({"old":1})")));
    clock_.advance(31min);
    ASSERT_TRUE(store_->create(record("k", "u2", R"({"new":1})")));
    auto got = store_->get("k");
    ASSERT_TRUE(got && got->has_value());
    EXPECT_EQ((*got)->data, R"({"new":1})");
    EXPECT_TRUE(store_->list_user("u1")->empty());
    EXPECT_EQ(store_->list_user("u2")->size(), 1u);
    EXPECT_EQ(raw().integer({"SISMEMBER", "sesh:u:u1", "k"}), 0);
}

TEST_F(redis_store_test, a_deny_entry_ends_at_its_time_by_the_injected_clock) {
    ASSERT_TRUE(store_->deny("j", clock_.now() + 1h));
    EXPECT_EQ(store_->revoked("j", "", clock_.now()), true);
    clock_.advance(61min);
    EXPECT_EQ(store_->revoked("j", "", clock_.now()), false);
}

// ---- corrupt values and odd keys --------------------------------------------------------------

TEST_F(redis_store_test, a_corrupt_value_reads_as_absent) {
    auto db = raw();
    const std::string now = std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               clock_.now().time_since_epoch()).count());
    const std::string later = std::to_string(std::stoll(now) + 3'600'000'000'000LL);
    ASSERT_EQ(db.text({"SET", "sesh:s:string", "garbage"}), "OK");
    ASSERT_EQ(db.integer({"HSET", "sesh:s:partial", "v", "1", "u", "u1", "i", later, "a", later}), 4);
    ASSERT_EQ(db.integer({"HSET", "sesh:s:badtime", "v", "1", "u", "u1", "d", "{}", "c", "yesterday", "l", now, "i",
                          later, "a", later, "ip", "", "ua", ""}), 9);
    ASSERT_EQ(db.integer({"HSET", "sesh:s:version", "v", "9", "u", "u1", "d", "{}", "c", now, "l", now, "i", later, "a",
                          later, "ip", "", "ua", ""}), 9);
    ASSERT_EQ(db.integer({"SADD", "sesh:u:u1", "string", "partial", "badtime", "version"}), 4);
    for (const char* key : {"string", "partial", "badtime", "version"}) {
        auto got = store_->get(key);
        ASSERT_TRUE(got) << key << ": " << got.error().message();
        EXPECT_FALSE(got->has_value()) << key;
    }
    ASSERT_TRUE(store_->create(record("good")));
    auto listed = store_->list_user("u1");
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().key, "good");
    EXPECT_EQ(db.integer({"SISMEMBER", "sesh:u:u1", "string"}), 0);  // not a hash: dropped from the index

    EXPECT_EQ(error_of(store_->touch("string", clock_.now() + 1s, clock_.now() + 1h)), errc::not_found);
    EXPECT_EQ(error_of(store_->update(record("string"))), errc::not_found);
    EXPECT_TRUE(store_->erase("string"));
    EXPECT_TRUE(store_->erase("partial"));

    ASSERT_EQ(db.text({"SET", "sesh:deny:j", "not a time"}), "OK");
    ASSERT_EQ(db.text({"SET", "sesh:nbf:u1", "-"}), "OK");
    EXPECT_EQ(store_->revoked("j", "u1", clock_.now()), false);
}

TEST_F(redis_store_test, create_replaces_a_value_it_cannot_read) {
    ASSERT_EQ(raw().text({"SET", "sesh:s:k", "garbage"}), "OK");
    ASSERT_TRUE(store_->create(record("k")));
    auto got = store_->get("k");
    ASSERT_TRUE(got && got->has_value());
    EXPECT_EQ((*got)->user_id, "u1");
}

TEST_F(redis_store_test, keys_and_users_with_odd_characters_stay_separate) {
    const std::vector<std::string> keys = {"k",     "k ",       " k",     "k\r\nSET x y", "*",       "k*",
                                           "?",     "[a-z]",    "{k}",    "sesh:s:k",     "sesh:u:k", std::string("k\0x", 3),
                                           "ключ",  "k:u1",     "%s%n",   "k\\",          "'k'",     "\"k\""};
    const std::vector<std::string> users = {"u", "u:1", "u*", "u 1", std::string("u\0", 2)};
    for (std::size_t i = 0; i < keys.size(); ++i)
        ASSERT_TRUE(store_->create(record(keys[i], users[i % users.size()], "{\"i\":" + std::to_string(i) + "}")))
            << i;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        auto got = store_->get(keys[i]);
        ASSERT_TRUE(got && got->has_value()) << i;
        EXPECT_EQ((*got)->key, keys[i]);
        EXPECT_EQ((*got)->data, "{\"i\":" + std::to_string(i) + "}");
        EXPECT_EQ((*got)->user_id, users[i % users.size()]);
    }
    for (std::size_t u = 0; u < users.size(); ++u) {
        auto listed = store_->list_user(users[u]);
        ASSERT_TRUE(listed);
        std::set<std::string> got;
        for (const auto& r : *listed) got.insert(r.key);
        std::set<std::string> want;
        for (std::size_t i = u; i < keys.size(); i += users.size()) want.insert(keys[i]);
        EXPECT_EQ(got, want) << u;
    }
    ASSERT_TRUE(store_->erase("k"));
    ASSERT_TRUE(store_->erase(std::string("k\0x", 3)));
    for (std::size_t i = 0; i < keys.size(); ++i) {
        auto got = store_->get(keys[i]);
        ASSERT_TRUE(got);
        EXPECT_EQ(got->has_value(), keys[i] != "k" && keys[i] != std::string("k\0x", 3)) << i;
    }
}

// ---- database, scripts, round trips, sizes ----------------------------------------------------

TEST_F(redis_store_test, uses_the_database_named_in_the_url) {
    auto in_db3 = open(server_.url(3));
    ASSERT_NE(in_db3, nullptr);
    ASSERT_TRUE(in_db3->create(record("k")));
    EXPECT_EQ(raw(3).integer({"EXISTS", "sesh:s:k"}), 1);
    EXPECT_EQ(raw(0).integer({"DBSIZE"}), 0);
    auto got = store_->get("k");  // the store on database 0
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->has_value());
}

TEST_F(redis_store_test, a_database_redis_refuses_fails_calls_as_unavailable) {
    auto bad = open(server_.url(99));  // the server has 16 databases
    ASSERT_NE(bad, nullptr);
    const auto t0 = steady::now();
    EXPECT_EQ(error_of(bad->get("k")), errc::store_unavailable);
    EXPECT_LT(elapsed_since(t0), store_timeout + margin);
}

TEST_F(redis_store_test, keeps_working_after_the_scripts_are_flushed) {
    ASSERT_TRUE(store_->create(record("k")));
    ASSERT_EQ(raw().text({"SCRIPT", "FLUSH"}), "OK");
    EXPECT_EQ(store_->touch("k", clock_.now() + 1min, clock_.now() + 31min), true);
    EXPECT_TRUE(store_->update(record("k")));
    EXPECT_TRUE(store_->create(record("k2")));
}

// Counts the commands Redis ran since CONFIG RESETSTAT, by name, leaving out our own.
std::map<std::string, long long> commands_run(raw_redis& db) {
    std::map<std::string, long long> calls;
    std::istringstream info(db.text({"INFO", "commandstats"}));
    for (std::string line; std::getline(info, line);) {
        if (!line.starts_with("cmdstat_")) continue;
        const auto colon = line.find(':');
        const std::string name = line.substr(8, colon - 8);
        const auto n = std::stoll(line.substr(line.find("calls=") + 6));
        if (!name.starts_with("config") && !name.starts_with("info")) calls[name] = n;
    }
    return calls;
}

// ---- revocations answered from memory ---------------------------------------------------------

// Until `s`'s revocation mirror is current, revoked() asks Redis (one MGET); after, nothing. True
// once a revoked() call ran no command, within `within`.
bool mirror_current(store& s, raw_redis& db, const clock& c, steady::duration within = 3s) {
    const auto until = steady::now() + within;
    while (steady::now() < until) {
        if (db.text({"CONFIG", "RESETSTAT"}) != "OK") return false;
        (void)s.revoked("probe", "probe-user", c.now());
        if (commands_run(db).empty()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

TEST_F(redis_store_test, revoked_takes_one_command_until_the_mirror_is_current_and_none_after) {
    ASSERT_TRUE(store_->deny("j", clock_.now() + 1h));
    ASSERT_TRUE(store_->set_not_before("u1", clock_.now()));
    auto db = raw();
    ASSERT_EQ(db.text({"CONFIG", "RESETSTAT"}), "OK");
    EXPECT_EQ(store_->revoked("other", "u1", clock_.now() + 1s), false);  // the first call starts the mirror
    EXPECT_EQ(commands_run(db)["mget"], 1);
    ASSERT_TRUE(mirror_current(*store_, db, clock_));
    // Entries written before the mirror started were read by it; answers are the same, from memory.
    ASSERT_EQ(db.text({"CONFIG", "RESETSTAT"}), "OK");
    EXPECT_EQ(store_->revoked("other", "u1", clock_.now() + 1s), false);
    EXPECT_EQ(store_->revoked("other", "u1", clock_.now() - 1s), true);
    EXPECT_EQ(store_->revoked("j", "u2", clock_.now()), true);
    auto async_answer = async_revoked(*store_, "j", "", clock_.now(), boost::asio::use_future).get();
    EXPECT_EQ(async_answer, true);
    clock_.advance(61min);
    EXPECT_EQ(store_->revoked("j", "u2", clock_.now()), false);  // the deny entry ends by the injected clock
    EXPECT_TRUE(commands_run(db).empty());
    // A revocation made here is refused here at once.
    ASSERT_TRUE(store_->deny("j2", clock_.now() + 1h));
    EXPECT_EQ(store_->revoked("j2", "", clock_.now()), true);
}

TEST_F(redis_store_test, a_revocation_reaches_another_process_mirror_within_a_second) {
    auto other = open(server_.url());
    ASSERT_NE(other, nullptr);
    auto db = raw();
    (void)other->revoked("start", "", clock_.now());
    ASSERT_TRUE(mirror_current(*other, db, clock_));
    const auto heard = [&](const std::string& jti, const std::string& user, clock::time_point issued) {
        const auto t0 = steady::now();
        while (steady::now() - t0 < 2s) {
            if (other->revoked(jti, user, issued).value_or(false))
                return std::optional(std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t0));
            std::this_thread::sleep_for(100us);
        }
        return std::optional<std::chrono::microseconds>();
    };
    ASSERT_TRUE(store_->deny("logged-out", clock_.now() + 1h));
    const auto deny_took = heard("logged-out", "", clock_.now());
    ASSERT_TRUE(async_set_not_before(*store_, "u9", clock_.now(), boost::asio::use_future).get());
    const auto not_before_took = heard("", "u9", clock_.now() - 1s);
    ASSERT_TRUE(deny_took) << "a deny written by one process never reached the other's mirror";
    ASSERT_TRUE(not_before_took) << "a not-before time never reached the other's mirror";
    EXPECT_LT(*deny_took, 1s);
    EXPECT_LT(*not_before_took, 1s);
    std::cout << "[ revocation ] reached the other process's mirror after " << deny_took->count() << " us (deny), "
              << not_before_took->count() << " us (not-before)\n";
}

TEST_F(redis_store_test, a_mirror_that_lost_its_subscription_reads_everything_again) {
    auto db = raw();
    (void)store_->revoked("start", "", clock_.now());
    ASSERT_TRUE(mirror_current(*store_, db, clock_));
    // A deny whose message the mirror never got (written without one, as if lost): answered from
    // memory, it is not seen. Once the subscription drops, the mirror must read everything again.
    ASSERT_EQ(db.text({"SET", "sesh:deny:missed", std::to_string((clock_.now() + 1h).time_since_epoch().count()), "EX", "3600"}),
              "OK");
    EXPECT_EQ(store_->revoked("missed", "", clock_.now()), false);
    ASSERT_EQ(db.integer({"CLIENT", "KILL", "TYPE", "pubsub"}), 1);
    const auto t0 = steady::now();
    bool refused = false;
    while (!refused && steady::now() - t0 < 3s) {
        refused = store_->revoked("missed", "", clock_.now()).value_or(false);
        if (!refused) std::this_thread::sleep_for(5ms);
    }
    EXPECT_TRUE(refused) << "a deny missed by the subscription was never seen";
    ASSERT_TRUE(mirror_current(*store_, db, clock_));
    EXPECT_EQ(store_->revoked("missed", "", clock_.now()), true);
}

TEST_F(redis_store_test, refuses_data_over_max_data_bytes_without_writing) {
    options_.max_data_bytes = 16;
    auto small = open(server_.url());
    ASSERT_NE(small, nullptr);
    EXPECT_EQ(error_of(small->create(record("k", "u1", std::string(17, 'x')))), errc::too_large);
    EXPECT_EQ(raw().integer({"DBSIZE"}), 0);
    ASSERT_TRUE(small->create(record("k", "u1", std::string(16, 'x'))));
    EXPECT_EQ(error_of(small->update(record("k", "u1", std::string(17, 'x')))), errc::too_large);
    EXPECT_EQ((*small->get("k"))->data, std::string(16, 'x'));
}

// ---- the user index ---------------------------------------------------------------------------

TEST_F(redis_store_test, update_moves_a_record_between_user_indexes) {
    ASSERT_TRUE(store_->create(record("k", "u1")));
    ASSERT_TRUE(store_->update(record("k", "u2")));
    EXPECT_TRUE(store_->list_user("u1")->empty());
    ASSERT_EQ(store_->list_user("u2")->size(), 1u);
    EXPECT_EQ(raw().integer({"SISMEMBER", "sesh:u:u1", "k"}), 0);
}

TEST_F(redis_store_test, list_user_drops_index_members_whose_record_is_gone) {
    ASSERT_TRUE(store_->create(record("a")));
    ASSERT_TRUE(store_->create(record("b")));
    auto db = raw();
    ASSERT_EQ(db.integer({"DEL", "sesh:s:a"}), 1);  // as Redis's TTL would
    auto listed = store_->list_user("u1");
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().key, "b");
    EXPECT_EQ(db.integer({"SISMEMBER", "sesh:u:u1", "a"}), 0);
}

TEST_F(redis_store_test, erase_removes_the_record_and_its_index_member) {
    ASSERT_TRUE(store_->create(record("a")));
    ASSERT_TRUE(store_->erase("a"));
    auto db = raw();
    EXPECT_EQ(db.integer({"EXISTS", "sesh:s:a"}), 0);
    EXPECT_EQ(db.integer({"EXISTS", "sesh:u:u1"}), 0);
}

// ---- concurrency and the pool -----------------------------------------------------------------

TEST_F(redis_store_test, concurrent_creates_of_one_key_let_exactly_one_win) {
    std::atomic<int> won{0}, lost{0};
    run_concurrently(16, [&](int i) {
        auto r = store_->create(record("k", "u1", "{\"by\":" + std::to_string(i) + "}"));
        if (r) ++won;
        else if (r.error() == errc::already_exists) ++lost;
    }, 30s);
    EXPECT_EQ(won, 1);
    EXPECT_EQ(lost, 15);
}

TEST_F(redis_store_test, concurrent_touches_with_one_time_collapse_into_one_write) {
    ASSERT_TRUE(store_->create(record("k")));
    const auto seen = clock_.now() + 1min;
    std::atomic<int> wrote{0}, skipped{0};
    run_concurrently(16, [&](int) {
        auto r = store_->touch("k", seen, seen + 30min);
        if (r && *r) ++wrote;
        else if (r) ++skipped;
    }, 30s);
    EXPECT_EQ(wrote, 1);
    EXPECT_EQ(skipped, 15);
}

TEST_F(redis_store_test, more_callers_than_pooled_connections_all_succeed_on_that_many_connections) {
    options_.pool_size = 2;
    options_.timeout = 5s;  // here waiting for a connection is expected, not an outage
    auto pooled = open(server_.url());
    ASSERT_NE(pooled, nullptr);
    ASSERT_TRUE(pooled->create(record("k")));
    std::atomic<int> ok{0};
    run_concurrently(16, [&](int) {
        for (int j = 0; j < 50; ++j)
            if (auto r = pooled->get("k"); r && r->has_value()) ++ok;
    }, 60s);
    EXPECT_EQ(ok, 16 * 50);
    // The fixture's store holds one connection, the raw client one, this store at most two.
    auto db = raw();
    const std::string clients = db.text({"CLIENT", "LIST"});
    EXPECT_LE(std::count(clients.begin(), clients.end(), '\n'), 4) << clients;
}

// ---- outages ----------------------------------------------------------------------------------

// Every kind of call, for checking them all during an outage.
std::vector<std::pair<std::string, std::function<std::error_code(store&, int)>>> every_call(const clock& c) {
    auto code = [](const auto& r) { return r ? std::error_code() : r.error(); };
    return {
        {"get", [=](store& s, int i) { return code(s.get("k" + std::to_string(i))); }},
        {"create", [=, &c](store& s, int i) {
             session_record r;
             r.key = "new" + std::to_string(i);
             r.user_id = "u1";
             r.created = r.last_seen = c.now();
             r.idle_expires = r.absolute_expires = c.now() + 1h;
             return code(s.create(r));
         }},
        {"update", [=, &c](store& s, int i) {
             session_record r;
             r.key = "k" + std::to_string(i);
             r.created = r.last_seen = c.now();
             r.idle_expires = r.absolute_expires = c.now() + 1h;
             return code(s.update(r));
         }},
        {"touch", [=, &c](store& s, int i) { return code(s.touch("k" + std::to_string(i), c.now() + 1s, c.now() + 1h)); }},
        {"erase", [=](store& s, int i) { return code(s.erase("gone" + std::to_string(i))); }},
        {"list_user", [=](store& s, int) { return code(s.list_user("u1")); }},
        {"erase_user", [=](store& s, int) { return code(s.erase_user("u9", "")); }},
        {"deny", [=, &c](store& s, int i) { return code(s.deny("j" + std::to_string(i), c.now() + 1h)); }},
        {"set_not_before", [=, &c](store& s, int) { return code(s.set_not_before("u9", c.now())); }},
        {"revoked", [=, &c](store& s, int) { return code(s.revoked("j", "u1", c.now())); }},
    };
}

// Calls everything `rounds` times from this thread, then from 8 threads at once (twice the
// pool), and checks every call fails with store_unavailable within the timeout plus a margin.
void expect_every_call_unavailable_within_the_timeout(store& s, const clock& c, int rounds) {
    const auto calls = every_call(c);
    for (int round = 0; round < rounds; ++round) {
        for (const auto& [name, call] : calls) {
            const auto t0 = steady::now();
            EXPECT_EQ(call(s, round), errc::store_unavailable) << name << " in round " << round;
            EXPECT_LT(elapsed_since(t0), store_timeout + margin) << name << " in round " << round;
        }
    }
    std::atomic<int> wrong{0}, slow{0};
    run_concurrently(8, [&](int t) {
        for (const auto& [name, call] : calls) {
            const auto t0 = steady::now();
            if (call(s, t) != errc::store_unavailable) ++wrong;
            if (elapsed_since(t0) >= store_timeout + margin) ++slow;
        }
    }, 2 * (store_timeout + margin) * static_cast<int>(calls.size()));
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(slow, 0);
}

// Retries a create until it succeeds or `limit` passes; returns how long it took.
std::optional<std::chrono::milliseconds> time_to_recover(store& s, const session_record& r, steady::duration limit) {
    const auto t0 = steady::now();
    while (steady::now() - t0 < limit) {
        if (s.create(r)) return elapsed_since(t0);
        std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
}

TEST_F(redis_store_test, a_killed_server_fails_calls_within_the_timeout_and_the_store_recovers_when_it_returns) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->create(record("k" + std::to_string(i))));
    ASSERT_TRUE(store_->list_user("u1"));

    server_.kill();
    expect_every_call_unavailable_within_the_timeout(*store_, clock_, 3);

    ASSERT_TRUE(server_.start());  // same port, empty: persistence is off
    const auto recovered = time_to_recover(*store_, record("after"), 5s);
    ASSERT_TRUE(recovered) << "the store did not recover within 5 s of Redis's return";
    EXPECT_LT(*recovered, 3s);
    auto old = store_->get("k0");
    ASSERT_TRUE(old);
    EXPECT_FALSE(old->has_value());
    auto listed = store_->list_user("u1");
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().key, "after");
    EXPECT_EQ(store_->touch("after", clock_.now() + 1min, clock_.now() + 31min), true);
    EXPECT_EQ(raw().integer({"SISMEMBER", "sesh:u:u1", "after"}), 1);
}

TEST_F(redis_store_test, a_restart_between_calls_fails_no_call) {
    ASSERT_TRUE(store_->create(record("k")));
    run_concurrently(4, [&](int) { (void)store_->get("k"); }, 30s);  // likely several pooled sockets
    server_.kill();
    ASSERT_TRUE(server_.start());
    for (int i = 0; i < 4; ++i) {
        auto got = store_->get("k");  // the pooled sockets are stale: each call must notice first
        ASSERT_TRUE(got) << i << ": " << got.error().message();
        EXPECT_FALSE(got->has_value());
    }
}

TEST_F(redis_store_test, a_frozen_server_fails_calls_within_the_timeout_and_the_store_recovers_when_it_thaws) {
    ASSERT_TRUE(store_->create(record("k0")));
    server_.pause();
    const auto t0 = steady::now();
    EXPECT_EQ(error_of(store_->get("k0")), errc::store_unavailable);
    EXPECT_LT(elapsed_since(t0), store_timeout + margin);
    expect_every_call_unavailable_within_the_timeout(*store_, clock_, 1);

    server_.resume();
    const auto t1 = steady::now();
    std::optional<session_record> back;
    while (!back && steady::now() - t1 < 5s) {
        if (auto r = store_->get("k0"); r && r->has_value()) back = **r;
        else std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(back) << "the store did not recover within 5 s of Redis thawing";
    EXPECT_LT(elapsed_since(t1), 3s);
    EXPECT_EQ(back->user_id, "u1");  // nothing was lost: the server only stood still
}

TEST_F(redis_store_test, opening_while_redis_is_down_is_not_an_error_and_calls_work_once_it_is_up) {
    server_.kill();
    const auto t0 = steady::now();
    auto s = open_store(server_.url(), options_);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_LT(elapsed_since(t0), store_timeout + margin);
    EXPECT_EQ(error_of((*s)->get("k")), errc::store_unavailable);

    ASSERT_TRUE(server_.start());
    const auto recovered = time_to_recover(**s, record("k"), 5s);
    ASSERT_TRUE(recovered);
    EXPECT_LT(*recovered, 3s);
}

// A listener that accepts and hangs up at once: every connect "succeeds", then the handshake
// fails, as when Redis is restarting. Counts the connections it saw.
class hang_up_listener {
public:
    hang_up_listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 64) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            return;
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] {
            for (;;) {
                const int c = ::accept(fd_, nullptr, nullptr);
                if (c < 0) return;  // shut down
                ++accepted_;
                ::close(c);
            }
        });
    }
    ~hang_up_listener() {
        ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
        if (thread_.joinable()) thread_.join();
        ::close(fd_);
    }
    int port() const { return port_; }
    int accepted() const { return accepted_; }

private:
    int fd_ = -1;
    int port_ = 0;
    std::atomic<int> accepted_{0};
    std::thread thread_;
};

TEST_F(redis_store_test, an_outage_does_not_turn_into_a_connect_storm) {
    hang_up_listener listener;
    ASSERT_NE(listener.port(), 0);
    auto s = open("redis://127.0.0.1:" + std::to_string(listener.port()) + "/0");
    ASSERT_NE(s, nullptr);
    int calls = 0;
    const auto t0 = steady::now();
    while (steady::now() - t0 < 1s) {
        EXPECT_EQ(error_of(s->get("k")), errc::store_unavailable);
        ++calls;
    }
    // Without a backoff every call would connect; with it, a handful per second.
    EXPECT_GT(calls, 100);
    EXPECT_LE(listener.accepted(), 10) << calls << " calls";
    EXPECT_GE(listener.accepted(), 2);  // but it does keep trying
}

}  // namespace
}  // namespace sesh::test
