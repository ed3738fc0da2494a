// The database strategy on SQLite: the shared suite (database_strategy_suite.cpp) on a file of
// its own per test, and migration 3 (Auth.js's schema in the file), which moves earlier accounts
// and leaves tables sesh did not create as they were.
#include "integration/database_strategy_suite.hpp"

#include <sesh/session_manager.hpp>
#include <sesh/store.hpp>

#include "integration/sqlite_test_support.hpp"
#include "unit/session/session_fixture.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

// What the file holds, by SQLite's SQL; `expires` is Unix milliseconds there.
class sqlite_strategy_backend final : public database_strategy_backend {
public:
    std::optional<database> open(const sesh::clock& clk) override {
        store_options so;
        so.clock = &clk;
        so.purge_batch = 0;
        auto d = open_database("sqlite:" + path_, so);
        if (!d) ADD_FAILURE() << d.error().message();
        return d ? std::optional<database>(std::move(*d)) : std::nullopt;
    }
    std::string user_of_token(const std::string& token) override {
        return raw().text("SELECT \"userId\" FROM sessions WHERE \"sessionToken\" = '" + token + "'");
    }
    std::int64_t expires_ms() override { return raw().integer("SELECT expires FROM sessions"); }
    std::int64_t count(const std::string& table) override { return raw().integer("SELECT count(*) FROM " + table); }
    void delete_token(const std::string& token) override {
        EXPECT_TRUE(raw().exec("DELETE FROM sessions WHERE \"sessionToken\" = '" + token + "'"));
    }
    void insert_abandoned(const std::string& user_id) override {
        EXPECT_TRUE(raw().exec("INSERT INTO sessions (\"userId\", expires, \"sessionToken\") VALUES ('" + user_id +
                               "', 1600000000000, 'abandoned')"));
    }

private:
    raw_db raw() { return raw_db(path_); }
    temp_dir dir_;
    std::string path_ = dir_.file("sesh.db");
};

INSTANTIATE_TEST_SUITE_P(sqlite, database_strategy_test,
                         ::testing::Values(database_strategy_backend_factory(
                             [] { return std::make_unique<sqlite_strategy_backend>(); })));

// A file as sesh left it at schema version 2: its own sessions table, an account in the user
// store's sesh_users, and a `users` table of an app's with a column Auth.js's has not.
void make_version_2_file(const std::string& path) {
    raw_db raw(path);
    ASSERT_TRUE(raw.exec(
        "CREATE TABLE sessions (key TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL, data TEXT NOT NULL, "
        "created_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, idle_expires_ms INTEGER NOT NULL, "
        "absolute_expires_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, address TEXT NOT NULL, "
        "user_agent TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE INDEX sessions_by_expiry ON sessions (expires_ms);"
        "CREATE INDEX sessions_by_user ON sessions (user_id, created_ms);"
        "CREATE TABLE denied (jti TEXT NOT NULL PRIMARY KEY, until_ms INTEGER NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE not_before (user_id TEXT NOT NULL PRIMARY KEY, t_ms INTEGER NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE sesh_throttle (kind INTEGER NOT NULL, account TEXT NOT NULL, address TEXT NOT NULL, "
        "at_ms INTEGER NOT NULL);"
        "CREATE TABLE sesh_users (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, email TEXT NOT NULL DEFAULT '', "
        "password_hash TEXT NOT NULL, created_ms INTEGER NOT NULL, password_changed_ms INTEGER NOT NULL) WITHOUT ROWID;"
        "INSERT INTO sessions VALUES ('k', 'u1', '{}', 0, 0, 4102444800000, 4102444800000, 4102444800000, '', '');"
        "INSERT INTO sesh_users VALUES ('u1', 'ada', 'ada@example.com', '$argon2id$x', 1, 2);"
        "INSERT INTO sesh_users VALUES ('u2', 'bob', '', '$argon2id$y', 3, 4);"
        "CREATE TABLE users (id TEXT NOT NULL PRIMARY KEY, name TEXT, email TEXT, \"emailVerified\" INTEGER, "
        "image TEXT, role TEXT);"
        "INSERT INTO users (id, name, role) VALUES ('app-1', 'carol', 'admin');"
        "PRAGMA user_version = 2;"));
}

TEST(sqlite_authjs_schema, version_2_accounts_move_to_users_and_sesh_passwords) {
    temp_dir dir;
    const std::string path = dir.file("v2.db");
    make_version_2_file(path);
    auto db = open_database("sqlite:" + path);
    ASSERT_TRUE(db) << db.error().message();
    auto ada = db->users->find_by_name("ada");
    ASSERT_TRUE(ada && *ada);
    EXPECT_EQ((*ada)->id, "u1");
    EXPECT_EQ((*ada)->email, "ada@example.com");
    EXPECT_EQ((*ada)->password_hash, "$argon2id$x");
    auto bob = db->users->find_by_id("u2");
    ASSERT_TRUE(bob && *bob);
    EXPECT_EQ((*bob)->name, "bob");
    EXPECT_EQ((*bob)->email, "");
    EXPECT_TRUE(db->sessions->get("k").value()) << "sesh's own sessions stay, under their new name";
    raw_db raw(path);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), 3);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'sesh_users'"), 0);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sesh_sessions"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM users WHERE email IS NULL AND id = 'u2'"), 1);
}

TEST(sqlite_authjs_schema, a_table_sesh_did_not_create_is_used_as_it_is) {
    temp_dir dir;
    const std::string path = dir.file("app.db");
    make_version_2_file(path);
    {
        auto db = open_database("sqlite:" + path);
        ASSERT_TRUE(db) << db.error().message();
        // the app's own column and row are still there, and an account of sesh's joins them
        auto carol = db->users->find_by_id("app-1");
        ASSERT_TRUE(carol);
        EXPECT_FALSE(*carol) << "a `users` row without a sesh password is no sesh account";
    }
    raw_db raw(path);
    EXPECT_EQ(raw.text("SELECT role FROM users WHERE id = 'app-1'"), "admin");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'role'"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM users"), 3);
}

TEST(sqlite_authjs_schema, a_row_an_authjs_adapter_wrote_is_the_signed_in_user) {
    // A row as an Auth.js SQL adapter's createSession writes it (no sesh extras): the signed-in
    // user for sesh, data {} plus the profile from `users`.
    temp_dir dir;
    const std::string path = dir.file("shared.db");
    manual_clock clk{std::chrono::system_clock::time_point{std::chrono::seconds(1'700'000'000)}};
    store_options so;
    so.clock = &clk;
    so.purge_batch = 0;
    auto db = open_database("sqlite:" + path, so);
    ASSERT_TRUE(db);
    {
        raw_db raw(path);
        ASSERT_TRUE(raw.exec("INSERT INTO users (id, name, email, image) VALUES ('n1', 'Nia', 'nia@example.com', "
                             "'https://example.com/n.png');"
                             "INSERT INTO sessions (\"userId\", expires, \"sessionToken\") VALUES ('n1', 1700086400000, "
                             "'app-made-token')"));
    }
    session_options o;
    o.strategy = strategy::database;
    o.store = db->sessions;
    o.clock = &clk;
    o.secure = false;
    auto m = session_manager::create(o).value();
    auto s = sesh_test::loaded(m, "next-auth.session-token=app-made-token");
    ASSERT_FALSE(s.is_new());
    EXPECT_EQ(s.user_id(), "n1");
    EXPECT_EQ(s.get_string("name").value_or(""), "Nia");
    EXPECT_EQ(s.get_string("picture").value_or(""), "https://example.com/n.png");
}

}  // namespace
}  // namespace sesh::test
