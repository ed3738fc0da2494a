// Tests of the PostgreSQL store against a real PostgreSQL 15 server on 127.0.0.1.
// First the conformance suite (both faces), then what only PostgreSQL has: the schema and its
// migrations beside other tables, corrupt rows, and outages (stopped, frozen, down at open).
#include <sesh/database.hpp>
#include <sesh/store.hpp>

#include <atomic>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "integration/postgres_server.hpp"
#include "integration/store_outage_support.hpp"
#include "unit/store/async_face.hpp"
#include "unit/store/conformance.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// ---- the conformance suite --------------------------------------------------------------------

// ctest runs every test in its own process, so each gets its own server; every store the suite
// asks for gets a database of its own, so nothing one test wrote is seen by another.
postgres_server& conformance_server() {
    static postgres_server server;
    return server;
}

std::unique_ptr<store> make_conformance_store(const store_options& options) {
    static int databases = 0;
    auto& server = conformance_server();
    if (!server.running() && !server.start()) return nullptr;
    const std::string db = "conformance_" + std::to_string(++databases);
    raw_postgres raw(server.port());
    if (!raw.exec("CREATE DATABASE " + db)) return nullptr;
    store_options o = options;
    o.timeout = 5s;  // a shared, loaded test machine: the suite checks contracts, not latency
    auto s = open_store(server.url(db), o);
    return s ? std::move(*s) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(postgres, store_conformance,
                         ::testing::Values(store_factory{"postgres", make_conformance_store},
                                           async_face_of(store_factory{"postgres", make_conformance_store})),
                         store_factory_name());

// ---- helpers ----------------------------------------------------------------------------------

// "Within the configured timeout" with room for a loaded CI machine: the contract is no hang,
// not a speed target.
constexpr auto store_timeout = 300ms;
constexpr auto margin = 1s;

class postgres_store_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(server_.start());
        options_.clock = &clock_;
        options_.timeout = store_timeout;
        options_.pool_size = 4;
        store_ = open();
        ASSERT_NE(store_, nullptr);
    }

    std::unique_ptr<store> open() {
        auto s = open_store(server_.url(), options_);
        EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message());
        return s ? std::move(*s) : nullptr;
    }

    raw_postgres raw() const { return raw_postgres(server_.port()); }

    session_record record(std::string key, std::string user = "u1", std::string data = R"({"n":1})") const {
        return live_record(clock_, std::move(key), std::move(user), std::move(data));
    }

    // Every kind of call once; each must fail with store_unavailable within the timeout.
    void expect_every_call_unavailable_within_the_timeout(store& s) {
        const std::vector<std::pair<std::string, std::function<std::error_code()>>> calls = {
            {"get", [&] { return error_of(s.get("k")); }},
            {"create", [&] { return error_of(s.create(record("new"))); }},
            {"update", [&] { return error_of(s.update(record("k"))); }},
            {"touch", [&] { return error_of(s.touch("k", clock_.now() + 1s, clock_.now() + 1h)); }},
            {"erase", [&] { return error_of(s.erase("gone")); }},
            {"list_user", [&] { return error_of(s.list_user("u1")); }},
            {"erase_user", [&] { return error_of(s.erase_user("u9", "")); }},
            {"deny", [&] { return error_of(s.deny("j", clock_.now() + 1h)); }},
            {"set_not_before", [&] { return error_of(s.set_not_before("u9", clock_.now())); }},
            {"revoked", [&] { return error_of(s.revoked("j", "u1", clock_.now())); }},
            {"purge_expired", [&] { return error_of(s.purge_expired(10)); }},
        };
        for (const auto& [name, call] : calls) {
            const auto t0 = steady::now();
            EXPECT_EQ(call(), errc::store_unavailable) << name;
            EXPECT_LT(elapsed_since(t0), store_timeout + margin) << name;
        }
    }

    // Retries `call` until it succeeds or `limit` passes; how long it took.
    static std::optional<std::chrono::milliseconds> time_to_recover(const std::function<bool()>& call,
                                                                    steady::duration limit) {
        const auto t0 = steady::now();
        while (steady::now() - t0 < limit) {
            if (call()) return elapsed_since(t0);
            std::this_thread::sleep_for(20ms);
        }
        return std::nullopt;
    }

    manual_clock clock_;
    store_options options_;
    postgres_server server_;
    std::unique_ptr<store> store_;
};

// ---- schema -----------------------------------------------------------------------------------

TEST_F(postgres_store_test, keeps_sessions_in_its_own_tables_with_the_key_and_times_it_was_given) {
    ASSERT_TRUE(store_->create(record("k1", "alice")));
    ASSERT_TRUE(store_->create(record("anon", "")));  // anonymous: no user, which Auth.js's table cannot hold
    auto db = raw();
    EXPECT_EQ(db.value("SELECT user_id FROM sesh_sessions WHERE key = 'k1'"), "alice");
    EXPECT_EQ(db.value("SELECT user_id FROM sesh_sessions WHERE key = 'anon'"), "");
    EXPECT_EQ(db.value("SELECT expires_ms - created_ms FROM sesh_sessions WHERE key = 'k1'"),
              std::to_string(std::chrono::milliseconds(30min).count()));
    EXPECT_EQ(db.value("SELECT version FROM sesh_schema"), "2");
}

TEST_F(postgres_store_test, opening_again_migrates_nothing_and_keeps_the_data) {
    ASSERT_TRUE(store_->create(record("k1")));
    auto db = raw();
    const std::string tables_before = db.value("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
                                               "WHERE schemaname = 'public'");
    auto again = open();
    ASSERT_NE(again, nullptr);
    auto third = open();
    ASSERT_NE(third, nullptr);
    auto got = again->get("k1");
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->has_value());
    EXPECT_EQ(db.value("SELECT count(*) FROM sesh_schema"), "1");
    EXPECT_EQ(db.value("SELECT version FROM sesh_schema"), "2");
    EXPECT_EQ(db.value("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
                       "WHERE schemaname = 'public'"),
              tables_before);
    EXPECT_EQ(tables_before, "accounts,sesh_authjs_extras,sesh_denied,sesh_not_before,sesh_passwords,sesh_schema,"
                             "sesh_sessions,sesh_throttle,sessions,users,verification_token");
}

TEST_F(postgres_store_test, leaves_tables_it_did_not_create_untouched) {
    // A database another program uses already: Auth.js's own `sessions` table among others.
    auto db = raw();
    ASSERT_TRUE(db.exec("CREATE DATABASE shared"));
    raw_postgres shared(server_.port(), "shared");
    ASSERT_TRUE(shared.exec(R"sql(
CREATE TABLE sessions (id SERIAL, "userId" INTEGER NOT NULL, expires TIMESTAMPTZ NOT NULL,
                       "sessionToken" VARCHAR(255) NOT NULL, PRIMARY KEY (id));
INSERT INTO sessions ("userId", expires, "sessionToken") VALUES (1, now() + interval '1 day', 'tok');
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
INSERT INTO orders VALUES (1, 9.5), (2, 20);
)sql"));
    // The tables that were there; Auth.js's others (users, accounts, verification_token) sesh
    // creates, as they are absent.
    const auto describe = [&] {
        return shared.value("SELECT string_agg(table_name || '.' || column_name || ':' || data_type || ':' || "
                            "is_nullable, ',' ORDER BY table_name, ordinal_position) FROM information_schema.columns "
                            "WHERE table_schema = 'public' AND table_name IN ('sessions', 'orders')") +
               "|" + shared.value("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE "
                                  "schemaname = 'public' AND tablename IN ('sessions', 'orders')");
    };
    const std::string before = describe();

    auto s = open_store(server_.url("shared"), options_);
    ASSERT_TRUE(s) << s.error().message();
    ASSERT_TRUE((*s)->create(record("k1")));
    ASSERT_TRUE((*s)->erase_user("u1"));
    ASSERT_TRUE((*s)->purge_expired(100));
    auto again = open_store(server_.url("shared"), options_);
    ASSERT_TRUE(again);

    EXPECT_EQ(describe(), before);
    EXPECT_EQ(shared.value("SELECT count(*) FROM sessions"), "1");
    EXPECT_EQ(shared.value(R"(SELECT "sessionToken" FROM sessions)"), "tok");
    EXPECT_EQ(shared.value("SELECT sum(total) FROM orders"), "29.5");
}

TEST_F(postgres_store_test, a_database_with_a_newer_schema_is_refused_not_changed) {
    auto db = raw();
    ASSERT_TRUE(db.exec("CREATE DATABASE newer"));
    raw_postgres newer(server_.port(), "newer");
    ASSERT_TRUE(newer.exec("CREATE TABLE sesh_schema (version integer NOT NULL); INSERT INTO sesh_schema VALUES (99)"));
    auto s = open_store(server_.url("newer"), options_);
    ASSERT_TRUE(s);  // as for a server that is down: calls fail, and the log says why
    EXPECT_EQ(error_of((*s)->get("k")), errc::store_unavailable);
    EXPECT_EQ(newer.value("SELECT version FROM sesh_schema"), "99");
    EXPECT_EQ(newer.value("SELECT count(*) FROM pg_tables WHERE tablename = 'sesh_sessions'"), "0");
}

TEST_F(postgres_store_test, a_corrupt_row_reads_as_absent) {
    ASSERT_TRUE(store_->create(record("bad-json")));
    ASSERT_TRUE(store_->create(record("bad-times")));
    ASSERT_TRUE(store_->create(record("good")));
    auto db = raw();
    ASSERT_TRUE(db.exec("UPDATE sesh_sessions SET data = '[1,2]' WHERE key = 'bad-json'"));
    ASSERT_TRUE(db.exec("UPDATE sesh_sessions SET expires_ms = expires_ms + 1 WHERE key = 'bad-times'"));
    for (const char* key : {"bad-json", "bad-times"}) {
        auto got = store_->get(key);
        ASSERT_TRUE(got) << key;
        EXPECT_FALSE(got->has_value()) << key;
    }
    auto listed = store_->list_user("u1");
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().key, "good");
}

TEST_F(postgres_store_test, expired_sessions_are_purged_in_the_background) {
    options_.purge_batch = 3;  // several batches, the catch-up pause between them
    options_.purge_interval = 50ms;
    auto s = open();
    ASSERT_NE(s, nullptr);
    for (int i = 0; i < 10; ++i) {
        session_record r = record("short" + std::to_string(i));
        r.idle_expires = r.created + 1min;
        ASSERT_TRUE(s->create(r));
    }
    ASSERT_TRUE(s->create(record("long")));
    ASSERT_TRUE(s->deny("j", clock_.now() + 1min));
    clock_.advance(2min);
    auto db = raw();
    const auto t0 = steady::now();
    while (db.value("SELECT count(*) FROM sesh_sessions") != "1" && steady::now() - t0 < 10s)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(db.value("SELECT key FROM sesh_sessions"), "long");
    EXPECT_EQ(db.value("SELECT count(*) FROM sesh_denied"), "0");
}

TEST_F(postgres_store_test, a_version_1_database_gains_the_accounts_tables_and_keeps_its_sessions) {
    ASSERT_TRUE(store_->create(record("k1", "alice")));
    auto db = raw();
    // Back to what version 1 made, with its session still in it.
    ASSERT_TRUE(db.exec("DROP TABLE users, accounts, sessions, verification_token, sesh_passwords, sesh_authjs_extras, "
                        "sesh_throttle; UPDATE sesh_schema SET version = 1"));
    auto d = open_database(server_.url(), options_);
    ASSERT_TRUE(d) << d.error().message();
    auto got = d->sessions->get("k1");
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->has_value());
    EXPECT_EQ(db.value("SELECT version FROM sesh_schema"), "2");
    EXPECT_EQ(db.value("SELECT count(*) FROM pg_tables WHERE tablename IN ('users', 'sessions', 'sesh_passwords')"), "3");
}

TEST_F(postgres_store_test, the_postgresql_scheme_is_the_same_store) {
    ASSERT_TRUE(store_->create(record("k1")));
    const std::string url = server_.url();
    auto s = open_store("postgresql://" + url.substr(url.find("://") + 3), options_);
    ASSERT_TRUE(s) << s.error().message();
    auto got = (*s)->get("k1");
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->has_value());
}

// ---- outages ----------------------------------------------------------------------------------

TEST_F(postgres_store_test, a_stopped_server_fails_calls_within_the_timeout_and_the_store_recovers_when_it_returns) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->create(record("k" + std::to_string(i))));
    server_.stop();
    expect_every_call_unavailable_within_the_timeout(*store_);

    ASSERT_TRUE(server_.start());  // same port, same data
    const auto recovered = time_to_recover([&] { return store_->create(record("after")).has_value(); }, 10s);
    ASSERT_TRUE(recovered) << "the store did not recover within 10 s of PostgreSQL's return";
    EXPECT_LT(*recovered, 3s);
    auto listed = store_->list_user("u1");
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->size(), 6u);  // nothing lost
}

TEST_F(postgres_store_test, a_restart_between_calls_fails_no_call) {
    ASSERT_TRUE(store_->create(record("k")));
    std::vector<std::thread> threads;  // likely several pooled connections
    for (int i = 0; i < 4; ++i) threads.emplace_back([&] { (void)store_->get("k"); });
    for (auto& t : threads) t.join();
    server_.stop();
    ASSERT_TRUE(server_.start());
    for (int i = 0; i < 6; ++i) {
        auto got = store_->get("k");  // the pooled connections were ended: each call must notice first
        ASSERT_TRUE(got) << i << ": " << got.error().message();
        EXPECT_TRUE(got->has_value());
    }
}

TEST_F(postgres_store_test, a_frozen_server_fails_calls_within_the_timeout_and_the_store_recovers_when_it_thaws) {
    ASSERT_TRUE(store_->create(record("k0")));
    server_.pause();
    expect_every_call_unavailable_within_the_timeout(*store_);
    server_.resume();
    std::optional<session_record> back;
    const auto recovered = time_to_recover(
        [&] {
            auto r = store_->get("k0");
            if (r && r->has_value()) back = **r;
            return back.has_value();
        },
        10s);
    ASSERT_TRUE(recovered) << "the store did not recover within 10 s of PostgreSQL thawing";
    EXPECT_LT(*recovered, 3s);
    EXPECT_EQ(back->user_id, "u1");
}

TEST_F(postgres_store_test, opening_while_the_server_is_down_is_not_an_error_and_the_first_call_after_migrates) {
    server_.stop();
    auto db_url = server_.url("late");
    const auto t0 = steady::now();
    auto s = open_store(db_url, options_);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_LT(elapsed_since(t0), store_timeout + margin);
    EXPECT_EQ(error_of((*s)->get("k")), errc::store_unavailable);

    ASSERT_TRUE(server_.start());
    ASSERT_TRUE(raw().exec("CREATE DATABASE late"));
    const auto recovered = time_to_recover([&] { return (*s)->create(record("k")).has_value(); }, 10s);
    ASSERT_TRUE(recovered);
    EXPECT_EQ(raw_postgres(server_.port(), "late").value("SELECT count(*) FROM sesh_sessions"), "1");
}

}  // namespace
}  // namespace sesh::test
