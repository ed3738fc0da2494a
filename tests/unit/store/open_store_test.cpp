// open_store's URL dispatch: each scheme reaches its backend, and malformed URLs are refused.
#include <sesh/store.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "store/backends.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

sesh::session_record sample(std::string key) {
    sesh::session_record r;
    r.key = std::move(key);
    r.user_id = "u1";
    r.data = R"({"n":1})";
    r.created = r.last_seen = std::chrono::system_clock::now();
    r.idle_expires = r.created + 30min;
    r.absolute_expires = r.created + 24h;
    return r;
}

/// A fresh directory under the system temp dir, removed with everything in it at the end.
class temp_dir {
public:
    temp_dir() : path_(fs::temp_directory_path() / ("sesh-open-store-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(counter_++))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    [[nodiscard]] const fs::path& path() const { return path_; }

private:
    static inline int counter_ = 0;
    fs::path path_;
};

void expect_working(sesh::store& s) {
    const auto r = sample("k1");
    ASSERT_TRUE(s.create(r));
    auto got = s.get("k1");
    ASSERT_TRUE(got) << got.error().message();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->data, r.data);
}

TEST(open_store, memory_url_opens_a_working_store) {
    for (const char* url : {"memory:", "memory://"}) {
        auto s = sesh::open_store(url);
        ASSERT_TRUE(s) << url << ": " << s.error().message();
        expect_working(**s);
    }
}

TEST(open_store, memory_stores_are_separate) {
    auto a = sesh::open_store("memory:");
    auto b = sesh::open_store("memory:");
    ASSERT_TRUE(a && b);
    ASSERT_TRUE((*a)->create(sample("k1")));
    EXPECT_FALSE((*b)->get("k1").value().has_value());
}

TEST(open_store, sqlite_url_creates_the_file) {
    temp_dir dir;
    const fs::path file = dir.path() / "sesh.db";
    {
        auto s = sesh::open_store("sqlite:" + file.string());
        ASSERT_TRUE(s) << s.error().message();
        expect_working(**s);
    }
    EXPECT_TRUE(fs::exists(file));
    // The data outlives the store object: a second open sees it.
    auto again = sesh::open_store("sqlite:" + file.string());
    ASSERT_TRUE(again) << again.error().message();
    auto got = (*again)->get("k1");
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->has_value());
}

TEST(open_store, sqlite_url_takes_a_double_slash_form) {
    temp_dir dir;
    const fs::path file = dir.path() / "slashes.db";  // absolute, so sqlite:// + /tmp/… = sqlite:///tmp/…
    auto s = sesh::open_store("sqlite://" + file.string());
    ASSERT_TRUE(s) << s.error().message();
    expect_working(**s);
    EXPECT_TRUE(fs::exists(file));
}

TEST(open_store, sqlite_makes_a_missing_directory) {
    temp_dir dir;
    const auto file = dir.path() / "missing" / "sesh.db";
    auto s = sesh::open_store("sqlite:" + file.string());
    ASSERT_TRUE(s) << s.error().message();
    expect_working(**s);
    EXPECT_TRUE(fs::exists(file));
}

TEST(open_store, redis_url_opens_while_nothing_listens_and_calls_fail_within_the_timeout) {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    sesh::store_options o;
    o.timeout = 200ms;
    auto s = sesh::open_store("redis://127.0.0.1:1/0", o);
    ASSERT_TRUE(s) << s.error().message();
    const auto start = std::chrono::steady_clock::now();
    auto got = (*s)->get("k1");
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), sesh::errc::store_unavailable);
    EXPECT_LT(took, o.timeout + 1s);  // the contract is "no hang"; the margin is for a loaded machine
    auto created = (*s)->create(sample("k1"));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error(), sesh::errc::store_unavailable);
    auto revoked = (*s)->revoked("jti", "u1", std::chrono::system_clock::now());
    ASSERT_FALSE(revoked);
    EXPECT_EQ(revoked.error(), sesh::errc::store_unavailable);
}

TEST(open_store, redis_url_without_port_or_db_is_accepted) {
    sesh::store_options o;
    o.timeout = 100ms;
    for (const char* url : {"redis://127.0.0.1", "redis://127.0.0.1:1", "redis://localhost:1/15"}) {
        auto s = sesh::open_store(url, o);
        EXPECT_TRUE(s) << url << ": " << (s ? "" : s.error().message());
    }
}

TEST(open_store, refuses_unknown_schemes_and_malformed_urls) {
    for (const char* url : {"", "memory", "memory:x", "mem:", "http://127.0.0.1/", "postgres://127.0.0.1/",
                            "sqlite", "sqlite:", "sqlite://", "redis:", "redis://", "redis:///0", "redis://:6379",
                            "redis://127.0.0.1:", "redis://127.0.0.1:0", "redis://127.0.0.1:65536",
                            "redis://127.0.0.1:-1", "redis://127.0.0.1:port", "redis://127.0.0.1:6379x",
                            "redis://127.0.0.1:6379/", "redis://127.0.0.1:6379/x", "redis://127.0.0.1:6379/-1"}) {
        auto s = sesh::open_store(url);
        ASSERT_FALSE(s) << "accepted: " << url;
        EXPECT_EQ(s.error(), sesh::errc::invalid_argument) << url;
    }
}

TEST(open_store, redis_urls_take_credentials_brackets_and_any_case) {
    sesh::store_options o;
    o.timeout = 100ms;
    for (const char* url : {"redis://user:secret@127.0.0.1:1/0", "redis://:secret@127.0.0.1:1",
                            "redis://u:p%40ss%3Aw%2Frd@127.0.0.1:1/2", "redis://[::1]:1/3", "redis://[::1]",
                            "REDIS://127.0.0.1:1", "Redis://u:p@[::1]:1/0", "Memory:", "MEMORY://"}) {
        auto s = sesh::open_store(url, o);
        EXPECT_TRUE(s) << url << ": " << (s ? "" : s.error().message());
    }
}

TEST(open_store, refuses_malformed_credentials_and_addresses) {
    // A user needs a password; a password is not empty; escapes are whole; IPv6 needs brackets.
    for (const char* url : {"redis://secret@127.0.0.1", "redis://user:@127.0.0.1", "redis://user:p%4@127.0.0.1",
                            "redis://user:p%zz@127.0.0.1", "redis://::1:6379", "redis://[::1", "redis://[::1]x",
                            "redis://[]:1", "redis://[127.0.0.1]:1", "redis://:pw@:6379"}) {
        auto s = sesh::open_store(url);
        ASSERT_FALSE(s) << "accepted: " << url;
        EXPECT_EQ(s.error(), sesh::errc::invalid_argument) << url;
    }
}

TEST(open_store, redis_sentinel_urls_name_sentinels_a_group_and_the_masters_credentials) {
    auto a = sesh::detail::parse_redis_sentinel_url("app:p%40ss@10.0.0.1:26380,[::1],sentinel-3:5000/my%20group?db=2");
    ASSERT_TRUE(a) << a.error().message();
    ASSERT_EQ(a->sentinels.size(), 3u);
    EXPECT_EQ(a->sentinels[0], (std::pair<std::string, int>{"10.0.0.1", 26380}));
    EXPECT_EQ(a->sentinels[1], (std::pair<std::string, int>{"::1", 26379}));  // Sentinel's default port
    EXPECT_EQ(a->sentinels[2], (std::pair<std::string, int>{"sentinel-3", 5000}));
    EXPECT_EQ(a->master_name, "my group");
    EXPECT_EQ(a->db, 2);
    EXPECT_EQ(a->user, "app");
    EXPECT_EQ(a->password, "p@ss");
    for (const char* bad : {"127.0.0.1:26379", "127.0.0.1:26379/", "/name", "127.0.0.1:26379,/name",
                            "127.0.0.1:x/name", "127.0.0.1/name?db=x", "127.0.0.1/name?wait=0", "127.0.0.1/name?wait=17",
                            "127.0.0.1/name?db=1&db=2", "127.0.0.1/name?wait=1&", "127.0.0.1/name?timeout=1",
                            "secret@127.0.0.1/name"}) {
        EXPECT_FALSE(sesh::detail::parse_redis_sentinel_url(bad)) << "accepted: " << bad;
    }
    auto waiting = sesh::detail::parse_redis_sentinel_url("127.0.0.1/name?wait=2&db=3");
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->wait_replicas, 2);
    EXPECT_EQ(waiting->db, 3);
    EXPECT_EQ(a->wait_replicas, 0);
    // redis:// takes wait=N too; its database is in the path.
    auto plain = sesh::detail::parse_redis_url("127.0.0.1:6380/4?wait=1");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->wait_replicas, 1);
    EXPECT_EQ(plain->db, 4);
    EXPECT_EQ(plain->port, 6380);
    for (const char* bad : {"127.0.0.1?db=1", "127.0.0.1/1?wait=", "127.0.0.1/1?wait=-1", "127.0.0.1?wait=1&wait=1"})
        EXPECT_FALSE(sesh::detail::parse_redis_url(bad)) << "accepted: " << bad;
    // Nothing listening is an outage, not an error at open (the scheme in any case).
    sesh::store_options o;
    o.timeout = 100ms;
    auto s = sesh::open_store("Redis-Sentinel://127.0.0.1:1/main", o);
    ASSERT_TRUE(s) << s.error().message();
    auto r = (*s)->get("k");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sesh::errc::store_unavailable);
    EXPECT_EQ(sesh::redact_store_url("redis-sentinel://app:secret@h1:1,h2:2/main"), "redis-sentinel://app:***@h1:1,h2:2/main");
}

TEST(open_store, refuses_rediss_rather_than_connecting_in_the_clear) {
    auto s = sesh::open_store("rediss://127.0.0.1:6380/0");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), sesh::errc::invalid_argument);
}

TEST(open_store, postgres_url_opens_while_nothing_listens_and_calls_fail_within_the_timeout) {
    sesh::store_options o;
    o.timeout = 200ms;
    for (const char* url : {"postgres://app@127.0.0.1:1/sesh", "postgresql://app:pw@127.0.0.1:1/sesh?sslmode=disable",
                            "POSTGRES://app@[::1]:1/sesh", "postgres://app:p%40ss@localhost:1/my%20db?sslmode=require"}) {
        const auto start = std::chrono::steady_clock::now();
        auto s = sesh::open_store(url, o);
        ASSERT_TRUE(s) << url << ": " << s.error().message();
        auto got = (*s)->get("k1");
        ASSERT_FALSE(got) << url;
        EXPECT_EQ(got.error(), sesh::errc::store_unavailable) << url;
        EXPECT_LT(std::chrono::steady_clock::now() - start, 2 * o.timeout + 1s) << url;
    }
}

TEST(open_store, refuses_malformed_postgres_urls) {
    // A user and a database are required; sslmode is the only parameter, with libpq's values.
    for (const char* url : {"postgres://", "postgres://127.0.0.1/db", "postgres://@127.0.0.1/db",
                            "postgres://app@127.0.0.1", "postgres://app@127.0.0.1/", "postgres://app@/db",
                            "postgres://app@127.0.0.1:0/db", "postgres://app@127.0.0.1:x/db", "postgres://app@::1/db",
                            "postgres://app:p%zz@127.0.0.1/db", "postgres://app@127.0.0.1/db?sslmode=off",
                            "postgres://app@127.0.0.1/db?sslmod=require", "postgres://app@127.0.0.1/db?host=/tmp",
                            "postgresql:app@127.0.0.1/db"}) {
        auto s = sesh::open_store(url);
        ASSERT_FALSE(s) << "accepted: " << url;
        EXPECT_EQ(s.error(), sesh::errc::invalid_argument) << url;
    }
}

TEST(parse_postgres_url, decodes_credentials_and_database_and_keeps_the_defaults) {
    auto a = sesh::detail::parse_postgres_url("app:p%40ss%3Aw%2Frd@[::1]/my%20db?sslmode=verify-full");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->user, "app");
    EXPECT_EQ(a->password, "p@ss:w/rd");
    EXPECT_EQ(a->host, "::1");
    EXPECT_EQ(a->port, 5432);
    EXPECT_EQ(a->database, "my db");
    EXPECT_EQ(a->sslmode, "verify-full");
    auto b = sesh::detail::parse_postgres_url("app@db.internal:6543/sesh");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->password, "");
    EXPECT_EQ(b->host, "db.internal");
    EXPECT_EQ(b->port, 6543);
    EXPECT_EQ(b->sslmode, "");
}

TEST(redact_store_url, masks_the_password_and_keeps_the_rest) {
    EXPECT_EQ(sesh::redact_store_url("redis://app:s3cr%2Ft@127.0.0.1:6379/0"), "redis://app:***@127.0.0.1:6379/0");
    EXPECT_EQ(sesh::redact_store_url("redis://:pw@h"), "redis://:***@h");
    EXPECT_EQ(sesh::redact_store_url("redis://bare-secret@h:1"), "redis://***@h:1");
    EXPECT_EQ(sesh::redact_store_url("redis://u:a@b@h"), "redis://u:***@h");  // a raw '@' in the password
    EXPECT_EQ(sesh::redact_store_url("postgres://app:pw@db:5432/sesh?sslmode=require"),
              "postgres://app:***@db:5432/sesh?sslmode=require");
    for (const char* kept : {"redis://127.0.0.1:6379/0", "sqlite:./data/sesh.db", "memory:", "sqlite:///x@y/z.db"})
        EXPECT_EQ(sesh::redact_store_url(kept), kept);
}

}  // namespace
