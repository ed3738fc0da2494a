// Accounts on a real PostgreSQL 15: the user store and the login throttle conformance suites
// (both faces), and what only PostgreSQL has: users in Auth.js's `users` table, the schema
// @auth/pg-adapter's schema.sql makes, created when absent and left as it is when present.
#include <sesh/database.hpp>

#include <gtest/gtest.h>

#include "integration/postgres_server.hpp"
#include "unit/auth/throttle_store_conformance.hpp"
#include "unit/auth/user_store_async_face.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

postgres_server& accounts_server() {
    static postgres_server server;
    return server;
}

// A fresh database on the test's server; its URL, or nothing if the server did not start.
std::optional<std::string> fresh_database() {
    static int databases = 0;
    auto& server = accounts_server();
    if (!server.running() && !server.start()) return std::nullopt;
    const std::string db = "accounts_" + std::to_string(++databases);
    raw_postgres raw(server.port());
    if (!raw.exec("CREATE DATABASE " + db)) return std::nullopt;
    return server.url(db);
}

store_options slow_machine_options() {
    store_options o;
    o.timeout = 5s;  // a shared, loaded test machine: the suites check contracts, not latency
    return o;
}

std::unique_ptr<user_store> make_postgres_users() {
    auto url = fresh_database();
    if (!url) return nullptr;
    auto s = open_user_store(*url, slow_machine_options());
    return s ? std::move(*s) : nullptr;
}

std::function<std::shared_ptr<throttle_store>()> postgres_throttle_database() {
    auto url = fresh_database();
    if (!url) return nullptr;
    return [u = *url] { return open_database(u, slow_machine_options()).value().throttle; };
}

const user_store_factory postgres_users{"postgres", make_postgres_users, true};
INSTANTIATE_TEST_SUITE_P(postgres, user_store_conformance,
                         ::testing::Values(postgres_users, async_face_of(postgres_users)),
                         [](const auto& param_info) { return param_info.param.name; });

const throttle_backend postgres_counts{"postgres", postgres_throttle_database};
INSTANTIATE_TEST_SUITE_P(postgres, throttle_conformance,
                         ::testing::Values(postgres_counts, async_face_of(postgres_counts)),
                         [](const auto& p) { return p.param.name; });

user new_account(std::string name, std::string email) {
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    return user{make_user_id(), std::move(name), std::move(email), "$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA", now, now};
}

// The columns of the Auth.js tables, as information_schema describes them.
std::string describe_authjs_tables(raw_postgres& db) {
    return db.value("SELECT string_agg(table_name || '.' || column_name || ':' || data_type || ':' || is_nullable, ',' "
                    "ORDER BY table_name, ordinal_position) FROM information_schema.columns WHERE table_schema = "
                    "'public' AND table_name IN ('users', 'accounts', 'sessions', 'verification_token')");
}

TEST(postgres_accounts, creates_the_authjs_tables_as_the_adapter_schema_has_them) {
    auto url = fresh_database();
    ASSERT_TRUE(url);
    auto d = open_database(*url, slow_machine_options());
    ASSERT_TRUE(d) << d.error().message();
    ASSERT_TRUE(d->users->find_by_name("nobody"));  // reaches the database: migrated
    raw_postgres db(accounts_server().port(), url->substr(url->rfind('/') + 1));
    // @auth/pg-adapter's schema.sql, column for column.
    EXPECT_EQ(describe_authjs_tables(db),
              "accounts.id:integer:NO,accounts.userId:integer:NO,accounts.type:character varying:NO,"
              "accounts.provider:character varying:NO,accounts.providerAccountId:character varying:NO,"
              "accounts.refresh_token:text:YES,accounts.access_token:text:YES,accounts.expires_at:bigint:YES,"
              "accounts.id_token:text:YES,accounts.scope:text:YES,accounts.session_state:text:YES,"
              "accounts.token_type:text:YES,"
              "sessions.id:integer:NO,sessions.userId:integer:NO,sessions.expires:timestamp with time zone:NO,"
              "sessions.sessionToken:character varying:NO,"
              "users.id:integer:NO,users.name:character varying:YES,users.email:character varying:YES,"
              "users.emailVerified:timestamp with time zone:YES,users.image:text:YES,"
              "verification_token.identifier:text:NO,verification_token.expires:timestamp with time zone:NO,"
              "verification_token.token:text:NO");
}

TEST(postgres_accounts, an_account_is_a_users_row_with_its_password_beside_it) {
    auto url = fresh_database();
    ASSERT_TRUE(url);
    auto users = open_user_store(*url, slow_machine_options());
    ASSERT_TRUE(users);
    ASSERT_TRUE((*users)->create(new_account("ada", "ada@example.com")));
    auto got = (*users)->find_by_name("ada");
    ASSERT_TRUE(got && *got);
    raw_postgres db(accounts_server().port(), url->substr(url->rfind('/') + 1));
    // The id is the `users` row's: what the adapter's createUser would have given, and what
    // next-auth's sessions."userId" holds.
    EXPECT_EQ(db.value("SELECT id::text FROM users WHERE name = 'ada'"), (*got)->id);
    EXPECT_EQ(db.value("SELECT email FROM users WHERE name = 'ada'"), "ada@example.com");
    EXPECT_EQ(db.value("SELECT count(*) FROM sesh_passwords WHERE user_id = '" + (*got)->id + "'"), "1");
    // No e-mail given: NULL, as the adapter leaves it, not ''.
    ASSERT_TRUE((*users)->create(new_account("bob", "")));
    EXPECT_EQ(db.value("SELECT email FROM users WHERE name = 'bob'"), "<null>");
    EXPECT_EQ((*(*users)->find_by_name("bob"))->email, "");
}

TEST(postgres_accounts, uses_authjs_tables_a_nextjs_app_made_and_keeps_their_users) {
    auto url = fresh_database();
    ASSERT_TRUE(url);
    const std::string name = url->substr(url->rfind('/') + 1);
    raw_postgres db(accounts_server().port(), name);
    // The app's tables first (the adapter's schema.sql), with a user who signed in by e-mail.
    ASSERT_TRUE(db.exec(R"sql(
CREATE TABLE users (id SERIAL, name VARCHAR(255), email VARCHAR(255), "emailVerified" TIMESTAMPTZ, image TEXT,
                    PRIMARY KEY (id));
CREATE TABLE sessions (id SERIAL, "userId" INTEGER NOT NULL, expires TIMESTAMPTZ NOT NULL,
                       "sessionToken" VARCHAR(255) NOT NULL, PRIMARY KEY (id));
INSERT INTO users (name, email) VALUES ('Grace', 'grace@example.com');
)sql"));
    const std::string indexes_before = db.value(
        "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename IN ('users', 'sessions')");
    auto users = open_user_store(*url, slow_machine_options());
    ASSERT_TRUE(users);
    ASSERT_TRUE((*users)->create(new_account("ada", "")));
    auto ada = (*users)->find_by_name("ada");
    ASSERT_TRUE(ada && *ada);
    EXPECT_EQ((*ada)->id, "2");  // the app's sequence numbers it
    EXPECT_EQ(db.value("SELECT string_agg(name, ',' ORDER BY id) FROM users"), "Grace,ada");
    EXPECT_EQ(db.value("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename IN "
                       "('users', 'sessions')"),
              indexes_before);
    // The app's user has no password here: not an account sesh signs in.
    auto grace = (*users)->find_by_id("1");
    ASSERT_TRUE(grace);
    EXPECT_FALSE(*grace);
}

}  // namespace
}  // namespace sesh::test
