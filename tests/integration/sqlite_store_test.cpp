// The `sqlite:PATH` store: the conformance suite on real files, then what only a file can show:
// reopening, schema versions, purging, unreadable and corrupt files, locks held by others.
#include <sesh/store.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "integration/sqlite_test_support.hpp"
#include "store/sqlite/sqlite_handle.hpp"
#include "store/sqlite/sqlite_schema.hpp"
#include "unit/store/async_face.hpp"
#include "unit/store/conformance.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

// Each conformance store gets a new file in its own directory; the directories go when the test
// program ends (stores are destroyed by then: the fixture owns them per test).
std::unique_ptr<store> make_sqlite_store(const store_options& options) {
    static std::mutex mutex;
    static std::vector<std::unique_ptr<temp_dir>> dirs;
    auto dir = std::make_unique<temp_dir>();
    auto s = open_store("sqlite:" + dir->file("sesh.db"), options);
    EXPECT_TRUE(s) << s.error().message();
    std::lock_guard lock(mutex);
    dirs.push_back(std::move(dir));
    return s ? std::move(*s) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(sqlite, store_conformance, ::testing::Values(store_factory{"sqlite", make_sqlite_store},
                                           async_face_of(store_factory{"sqlite", make_sqlite_store})),
                         store_factory_name());

session_record make_record(std::string key, clock::time_point now, std::string user = "u1",
                           std::string data = R"({"n":1})") {
    session_record r;
    r.key = std::move(key);
    r.user_id = std::move(user);
    r.data = std::move(data);
    r.created = r.last_seen = now;
    r.idle_expires = now + 30min;
    r.absolute_expires = now + 24h;
    r.address = "127.0.0.1";
    r.user_agent = "sqlite_store_test";
    return r;
}

// A store on `path` whose purge runs only when a test asks, unless `o` says otherwise.
std::unique_ptr<store> open_at(const std::string& path, manual_clock& fake_time, store_options o = {}) {
    o.clock = &fake_time;
    auto s = open_store("sqlite:" + path, o);
    EXPECT_TRUE(s) << s.error().message();
    return s ? std::move(*s) : nullptr;
}

store_options no_purge() {
    store_options o;
    o.purge_batch = 0;
    return o;
}

// True for a successful get that found nothing (absent, expired or corrupt), not an error.
bool absent(const result<std::optional<session_record>>& r) { return r && !*r; }

bool is_store_unavailable(const result<std::unique_ptr<store>>& s) {
    return !s && s.error() == make_error_code(errc::store_unavailable);
}

// Issue 17, finding 5: cookie-less requests must not grow the file without bound. As the memory
// store: expired rows make room first, live ones are never evicted, and a freed place is reused.
TEST(sqlite_store, refuses_a_session_past_max_sessions_and_purges_expired_ones_to_make_room) {
    temp_dir dir;
    manual_clock fake_time{clock::time_point{std::chrono::seconds(1'700'000'000)}};
    store_options o = no_purge();
    o.max_sessions = 3;
    auto s = open_at(dir.file("sesh.db"), fake_time, o);
    ASSERT_TRUE(s);
    auto short_lived = make_record("short", fake_time.now());
    short_lived.idle_expires = fake_time.now() + 1min;
    ASSERT_TRUE(s->create(short_lived));
    ASSERT_TRUE(s->create(make_record("a", fake_time.now())));
    ASSERT_TRUE(s->create(make_record("b", fake_time.now())));
    auto full = s->create(make_record("c", fake_time.now()));
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error(), errc::store_full);
    EXPECT_TRUE(absent(s->get("c")));
    ASSERT_TRUE(s->erase("a"));
    EXPECT_TRUE(s->create(make_record("c", fake_time.now())));
    fake_time.advance(2min);  // "short" has expired: its row makes room
    EXPECT_TRUE(s->create(make_record("d", fake_time.now())));
    EXPECT_TRUE(s->get("b").value().has_value());
    EXPECT_FALSE(s->create(make_record("e", fake_time.now())));
    // The bound holds across a reopen too: the count is read from the file.
    s.reset();
    auto again = open_at(dir.file("sesh.db"), fake_time, o);
    EXPECT_EQ(again->create(make_record("f", fake_time.now())).error(), errc::store_full);
}

TEST(sqlite_store, reopening_the_file_finds_its_sessions_and_revocations) {
    temp_dir dir;
    manual_clock fake_time;
    const auto t0 = fake_time.now();
    {
        auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
        ASSERT_NE(s, nullptr);
        ASSERT_TRUE(s->create(make_record("k1", t0, "alice", R"({"cart":[1,2]})")));
        ASSERT_TRUE(s->create(make_record("k2", t0 + 1ms, "alice")));
        ASSERT_TRUE(s->deny("jti-1", t0 + 1h));
        ASSERT_TRUE(s->set_not_before("bob", t0));
    }
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ASSERT_NE(s, nullptr);
    auto got = s->get("k1");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->user_id, "alice");
    EXPECT_EQ((*got)->data, R"({"cart":[1,2]})");
    EXPECT_EQ((*got)->user_agent, "sqlite_store_test");
    auto listed = s->list_user("alice");
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 2u);
    EXPECT_EQ((*listed)[0].key, "k1");
    EXPECT_EQ(s->revoked("jti-1", "", t0), result<bool>(true));
    EXPECT_EQ(s->revoked("", "bob", t0 - 1s), result<bool>(true));
    EXPECT_EQ(s->revoked("jti-2", "bob", t0 + 1s), result<bool>(false));
}

TEST(sqlite_store, times_are_stored_as_unix_milliseconds) {
    temp_dir dir;
    manual_clock fake_time(clock::time_point(std::chrono::milliseconds(1'700'000'000'123)) + 456us);
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->create(make_record("k1", fake_time.now())));
    raw_db raw(dir.file("sesh.db"));
    EXPECT_EQ(raw.integer("SELECT created_ms FROM sesh_sessions WHERE key = 'k1'"), 1'700'000'000'123);
    EXPECT_EQ(raw.integer("SELECT idle_expires_ms FROM sesh_sessions WHERE key = 'k1'"), 1'700'000'000'123 + 30 * 60'000);
    EXPECT_EQ(raw.integer("SELECT expires_ms FROM sesh_sessions WHERE key = 'k1'"), 1'700'000'000'123 + 30 * 60'000);
    auto got = s->get("k1");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->created, clock::time_point(std::chrono::milliseconds(1'700'000'000'123)));
}

TEST(sqlite_store, a_new_file_gets_the_current_schema_version_in_wal_mode) {
    temp_dir dir;
    manual_clock fake_time;
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ASSERT_NE(s, nullptr);
    raw_db raw(dir.file("sesh.db"));
    EXPECT_EQ(raw.integer("PRAGMA user_version"), detail::sqlite_schema_version);
    EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                          "('sessions', 'denied', 'not_before')"),
              3);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
                          "('sessions_by_expiry', 'sessions_by_user')"),
              2);
}

TEST(sqlite_store, reopening_does_not_run_the_migrations_again) {
    temp_dir dir;
    manual_clock fake_time;
    { ASSERT_NE(open_at(dir.file("sesh.db"), fake_time, no_purge()), nullptr); }
    {
        // Migration 1 creates this index; if it ran again the index would be back.
        raw_db raw(dir.file("sesh.db"));
        ASSERT_TRUE(raw.exec("DROP INDEX sessions_by_user"));
    }
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ASSERT_NE(s, nullptr);
    raw_db raw(dir.file("sesh.db"));
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'sessions_by_user'"), 0);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), detail::sqlite_schema_version);
    EXPECT_TRUE(s->create(make_record("k1", fake_time.now())));  // and the store still works
}

TEST(sqlite_store, a_file_from_a_newer_version_is_refused_and_left_alone) {
    temp_dir dir;
    const int future = detail::sqlite_schema_version + 1;
    {
        raw_db raw(dir.file("sesh.db"));
        ASSERT_TRUE(raw.exec("PRAGMA user_version = " + std::to_string(future)));
    }
    EXPECT_TRUE(is_store_unavailable(open_store("sqlite:" + dir.file("sesh.db"))));
    raw_db raw(dir.file("sesh.db"));
    EXPECT_EQ(raw.integer("PRAGMA user_version"), future);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_schema"), 0);
}

TEST(sqlite_store, a_file_that_is_not_a_database_is_store_unavailable) {
    temp_dir dir;
    {
        std::FILE* f = std::fopen(dir.file("junk.db").c_str(), "wb");
        ASSERT_NE(f, nullptr);
        for (int i = 0; i < 512; ++i) std::fputs("this is not an SQLite file. ", f);
        std::fclose(f);
    }
    EXPECT_TRUE(is_store_unavailable(open_store("sqlite:" + dir.file("junk.db"))));
}

// A missing directory is made (makes_the_missing_directories_of_its_path_owner_only); one that
// cannot be, because a file stands in its place, leaves the store unavailable.
TEST(sqlite_store, a_directory_that_cannot_be_made_is_store_unavailable) {
    temp_dir dir;
    std::FILE* f = std::fopen(dir.file("data").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
    EXPECT_TRUE(is_store_unavailable(open_store("sqlite:" + dir.file("data/sessions/sesh.db"))));
}

TEST(sqlite_store, a_zero_purge_interval_is_an_invalid_argument) {
    temp_dir dir;
    store_options o;
    o.purge_interval = 0ms;
    auto s = open_store("sqlite:" + dir.file("sesh.db"), o);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), make_error_code(errc::invalid_argument));
}

// Runs `body` in a child process that cannot write other users' files (root drops to nobody,
// since root writes any file whatever its mode); returns its exit status, or -1.
int run_unprivileged(const std::function<int()>& body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(90);
        ::_exit(body());
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

TEST(sqlite_store, a_read_only_file_is_store_unavailable) {
    temp_dir dir;
    const std::string path = dir.file("sesh.db");
    {
        manual_clock fake_time;
        auto s = open_at(path, fake_time, no_purge());
        ASSERT_NE(s, nullptr);
        ASSERT_TRUE(s->create(make_record("k1", fake_time.now())));
    }
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
    const int status = run_unprivileged([&] {
        // The scenario must hold before the store is tried: readable, not writable.
        if (::access(path.c_str(), R_OK) != 0 || ::access(path.c_str(), W_OK) == 0) return 91;
        return is_store_unavailable(open_store("sqlite:" + path)) ? 0 : 1;
    });
    EXPECT_EQ(status, 0);
}

TEST(sqlite_store, a_file_in_a_read_only_directory_is_store_unavailable) {
    // The file is writable but the WAL beside it cannot be created.
    temp_dir dir;
    const std::string path = dir.file("sesh.db");
    {
        manual_clock fake_time;
        ASSERT_NE(open_at(path, fake_time, no_purge()), nullptr);
    }
    ASSERT_EQ(::chmod(path.c_str(), 0666), 0);
    ASSERT_EQ(::chmod(dir.path().c_str(), 0555), 0);
    const int status = run_unprivileged([&] {
        if (::access(path.c_str(), W_OK) != 0 || ::access(dir.path().c_str(), W_OK) == 0) return 91;
        return is_store_unavailable(open_store("sqlite:" + path)) ? 0 : 1;
    });
    EXPECT_EQ(status, 0);
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);  // so temp_dir can clean up as a non-root user
}

TEST(sqlite_store, background_purge_removes_expired_rows) {
    temp_dir dir;
    manual_clock fake_time;
    store_options o;
    o.purge_batch = 2;  // several batches for five rows
    o.purge_interval = 5ms;
    auto s = open_at(dir.file("sesh.db"), fake_time, o);
    ASSERT_NE(s, nullptr);
    const auto t0 = fake_time.now();
    for (int i = 0; i < 5; ++i) {
        auto r = make_record("short" + std::to_string(i), t0);
        r.idle_expires = t0 + 1min;
        ASSERT_TRUE(s->create(r));
    }
    ASSERT_TRUE(s->create(make_record("long", t0)));
    raw_db raw(dir.file("sesh.db"));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sesh_sessions"), 6);  // nothing has expired yet

    fake_time.advance(2min);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (raw.integer("SELECT count(*) FROM sesh_sessions") != 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sesh_sessions"), 1);
    EXPECT_EQ(raw.text("SELECT key FROM sesh_sessions"), "long");
}

TEST(sqlite_store, no_background_purge_when_the_batch_is_zero) {
    temp_dir dir;
    manual_clock fake_time;
    store_options o = no_purge();
    o.purge_interval = 1ms;
    auto s = open_at(dir.file("sesh.db"), fake_time, o);
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->create(make_record("k1", fake_time.now())));
    fake_time.advance(48h);
    std::this_thread::sleep_for(50ms);
    raw_db raw(dir.file("sesh.db"));
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sesh_sessions"), 1);
    EXPECT_TRUE(absent(s->get("k1")));  // but invisible
}

TEST(sqlite_store, purge_expired_removes_at_most_max_rows_and_expired_denials) {
    temp_dir dir;
    manual_clock fake_time;
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ASSERT_NE(s, nullptr);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(s->create(make_record("k" + std::to_string(i), fake_time.now())));
    ASSERT_TRUE(s->deny("jti-1", fake_time.now() + 1h));
    fake_time.advance(48h);
    EXPECT_EQ(s->purge_expired(2), result<std::size_t>(2));
    EXPECT_EQ(s->purge_expired(2), result<std::size_t>(1));
    EXPECT_EQ(s->purge_expired(2), result<std::size_t>(0));
    raw_db raw(dir.file("sesh.db"));
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sesh_sessions"), 0);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM denied"), 0);
}

TEST(sqlite_store, an_expired_row_not_yet_purged_does_not_block_a_create) {
    temp_dir dir;
    manual_clock fake_time;
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->create(make_record("k1", fake_time.now(), "u1", R"({"old":true})")));
    fake_time.advance(1h);  // past the 30 min idle timeout
    ASSERT_TRUE(s->create(make_record("k1", fake_time.now(), "u2", R"({"new":true})")));
    auto got = s->get("k1");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->data, R"({"new":true})");
    EXPECT_EQ((*got)->user_id, "u2");
}

TEST(sqlite_store, a_corrupt_row_reads_as_absent) {
    temp_dir dir;
    manual_clock fake_time;
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->create(make_record("good", fake_time.now(), "alice")));
    raw_db raw(dir.file("sesh.db"));
    const char* junk[] = {
        "UPDATE sesh_sessions SET data = 'not json' WHERE key = 'bad'",
        "UPDATE sesh_sessions SET data = '[1,2]' WHERE key = 'bad'",
        "UPDATE sesh_sessions SET data = '{\"n\":' WHERE key = 'bad'",
        "UPDATE sesh_sessions SET data = x'7b7d' WHERE key = 'bad'",
        "UPDATE sesh_sessions SET created_ms = 'yesterday' WHERE key = 'bad'",
        "UPDATE sesh_sessions SET last_seen_ms = 1.5 WHERE key = 'bad'",
        "UPDATE sesh_sessions SET user_agent = x'ff00' WHERE key = 'bad'",
        "UPDATE sesh_sessions SET absolute_expires_ms = 9223372036854775807 WHERE key = 'bad'",
        "UPDATE sesh_sessions SET idle_expires_ms = idle_expires_ms + 3600000 WHERE key = 'bad'",
    };
    for (const char* sql : junk) {
        SCOPED_TRACE(sql);
        ASSERT_TRUE(s->erase("bad"));
        ASSERT_TRUE(s->create(make_record("bad", fake_time.now(), "alice")));
        auto before = s->get("bad");
        ASSERT_TRUE(before && *before);  // readable until spoiled
        ASSERT_TRUE(raw.exec(sql));
        EXPECT_TRUE(absent(s->get("bad")));
        auto listed = s->list_user("alice");
        ASSERT_TRUE(listed);
        ASSERT_EQ(listed->size(), 1u);
        EXPECT_EQ((*listed)[0].key, "good");
    }
}

TEST(sqlite_store, a_write_lock_held_elsewhere_fails_saves_with_store_unavailable_but_not_loads) {
    temp_dir dir;
    manual_clock fake_time;
    store_options o = no_purge();
    o.timeout = 50ms;
    auto s = open_at(dir.file("sesh.db"), fake_time, o);
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->create(make_record("k1", fake_time.now())));
    raw_db other(dir.file("sesh.db"));
    ASSERT_TRUE(other.exec("BEGIN IMMEDIATE"));

    auto created = s->create(make_record("k2", fake_time.now()));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error(), make_error_code(errc::store_unavailable));
    auto touched = s->touch("k1", fake_time.now() + 1s, fake_time.now() + 31min);
    ASSERT_FALSE(touched);
    EXPECT_EQ(touched.error(), make_error_code(errc::store_unavailable));
    auto got = s->get("k1");  // WAL: a reader does not wait for a writer
    ASSERT_TRUE(got && *got);

    ASSERT_TRUE(other.exec("COMMIT"));
    EXPECT_TRUE(s->create(make_record("k2", fake_time.now())));  // recovers by itself
}

TEST(sqlite_store, saves_that_fail_together_leave_nothing_behind_and_saves_that_succeed_are_there) {
    // Concurrent saves share transactions (group commit): when one fails, every save in it must
    // report the failure, and none of them may be in the file.
    temp_dir dir;
    manual_clock fake_time;
    store_options o = no_purge();
    o.timeout = 50ms;
    auto s = open_at(dir.file("sesh.db"), fake_time, o);
    ASSERT_NE(s, nullptr);
    constexpr int threads = 8;
    auto save_all = [&](const std::string& prefix) {
        std::vector<result<void>> results(threads);
        std::latch start(threads);
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i)
            pool.emplace_back([&, i] {
                start.arrive_and_wait();
                const auto r = make_record(prefix + std::to_string(i), fake_time.now());
                results[static_cast<std::size_t>(i)] = s->create(r);
            });
        for (auto& t : pool) t.join();
        return results;
    };
    raw_db other(dir.file("sesh.db"));
    ASSERT_TRUE(other.exec("BEGIN IMMEDIATE"));
    for (const auto& r : save_all("locked-")) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), make_error_code(errc::store_unavailable));
    }
    ASSERT_TRUE(other.exec("COMMIT"));
    EXPECT_EQ(other.integer("SELECT count(*) FROM sesh_sessions WHERE key LIKE 'locked-%'"), 0);

    for (const auto& r : save_all("free-")) EXPECT_TRUE(r);
    EXPECT_EQ(other.integer("SELECT count(*) FROM sesh_sessions WHERE key LIKE 'free-%'"), threads);
}

TEST(sqlite_store, concurrent_renewals_of_one_session_write_once) {
    temp_dir dir;
    manual_clock fake_time;
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ASSERT_NE(s, nullptr);
    const auto t0 = fake_time.now();
    ASSERT_TRUE(s->create(make_record("k1", t0)));
    constexpr int threads = 8;
    std::latch start(threads);
    std::atomic<int> wrote{0}, failed{0};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        pool.emplace_back([&] {
            start.arrive_and_wait();
            auto r = s->touch("k1", t0 + 1min, t0 + 31min);
            if (!r) ++failed;
            else if (*r) ++wrote;
        });
    for (auto& t : pool) t.join();
    EXPECT_EQ(failed.load(), 0);
    EXPECT_EQ(wrote.load(), 1);
}

TEST(sqlite_store, saves_racing_a_destroy_never_bring_the_session_back) {
    temp_dir dir;
    manual_clock fake_time;
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ASSERT_NE(s, nullptr);
    for (int round = 0; round < 20; ++round) {
        auto r = make_record("k1", fake_time.now());
        ASSERT_TRUE(s->create(r));
        std::latch start(5);
        std::vector<std::thread> savers;
        for (int i = 0; i < 4; ++i)
            savers.emplace_back([&] {
                start.arrive_and_wait();
                for (int n = 0; n < 20; ++n) {
                    auto u = s->update(r);
                    if (!u && u.error() != make_error_code(errc::not_found)) ADD_FAILURE() << u.error().message();
                }
            });
        start.arrive_and_wait();
        ASSERT_TRUE(s->erase("k1"));
        for (auto& t : savers) t.join();
        ASSERT_TRUE(absent(s->get("k1"))) << "round " << round;
    }
}

TEST(sqlite_store, many_threads_save_and_load_at_once) {
    temp_dir dir;
    manual_clock fake_time;
    auto s = open_at(dir.file("sesh.db"), fake_time);
    ASSERT_NE(s, nullptr);
    constexpr int threads = 6, per_thread = 200;
    std::atomic<int> errors{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            const std::string user = "user" + std::to_string(t);
            for (int i = 0; i < per_thread; ++i) {
                const std::string key = user + "-" + std::to_string(i);
                if (!s->create(make_record(key, fake_time.now(), user))) ++errors;
                auto got = s->get(key);
                if (!got || !*got || (*got)->user_id != user) ++errors;
            }
        });
    for (auto& t : pool) t.join();
    EXPECT_EQ(errors.load(), 0);
    for (int t = 0; t < threads; ++t) {
        auto listed = s->list_user("user" + std::to_string(t));
        ASSERT_TRUE(listed);
        EXPECT_EQ(listed->size(), static_cast<std::size_t>(per_thread));
    }
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

// The file holds password hashes and session records: a umask of 022 must not make it (or its
// -wal and -shm, which SQLite creates with the database's mode) readable by other local users.
TEST(sqlite_store, a_new_database_and_its_wal_and_shm_are_readable_by_the_owner_only) {
    temp_dir dir;
    manual_clock fake_time;
    const mode_t old_mask = ::umask(022);
    auto s = open_at(dir.file("sesh.db"), fake_time, no_purge());
    ::umask(old_mask);
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->create(make_record("k1", fake_time.now())));
    EXPECT_EQ(mode_of(dir.file("sesh.db")), 0600u);
    EXPECT_EQ(mode_of(dir.file("sesh.db-wal")), 0600u);
    EXPECT_EQ(mode_of(dir.file("sesh.db-shm")), 0600u);
}

// `sqlite:./data/sesh.db` on a fresh checkout: the missing directories are made, private like the
// file, while an existing one keeps the mode its owner gave it.
TEST(sqlite_store, makes_the_missing_directories_of_its_path_owner_only) {
    temp_dir dir;
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    manual_clock fake_time;
    const mode_t old_mask = ::umask(022);
    auto s = open_at(dir.file("data/sessions/sesh.db"), fake_time, no_purge());
    ::umask(old_mask);
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->create(make_record("k1", fake_time.now())));
    EXPECT_EQ(mode_of(dir.file("data")), 0700u);
    EXPECT_EQ(mode_of(dir.file("data/sessions")), 0700u);
    EXPECT_EQ(mode_of(dir.file("data/sessions/sesh.db")), 0600u);
    EXPECT_EQ(mode_of(dir.path().string()), 0755u);
}

}  // namespace
}  // namespace sesh::test
