// `sqlite:PATH` user store: a `sesh_users` table (and `sesh_accounts`, the accounts at sign-in
// providers) in the same file as the sessions, on the same
// connections: reads on the pool's readers, writes through its group-committing writer, awaited
// calls on the database's workers. Accounts are read at sign-in and sign-up only, so statements
// are prepared per call rather than kept.
#include <sesh/error.hpp>

#include "auth/user_backends.hpp"
#include "store/offloaded_calls.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace sesh::detail {
namespace {

// The session store versions its own tables with PRAGMA user_version; this table stays out of
// that numbering and is created if missing.
constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS sesh_users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  password_changed_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sesh_users_by_email ON sesh_users (email COLLATE NOCASE) WHERE email <> '';
CREATE TABLE IF NOT EXISTS sesh_accounts (
  provider TEXT NOT NULL,
  provider_account_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  type TEXT NOT NULL,
  access_token TEXT NOT NULL,
  refresh_token TEXT NOT NULL,
  id_token TEXT NOT NULL,
  token_type TEXT NOT NULL,
  scope TEXT NOT NULL,
  session_state TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (provider, provider_account_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sesh_accounts_by_user ON sesh_accounts (user_id);
)sql";

#define SESH_USER_COLUMNS "id, name, email, password_hash, created_ms, password_changed_ms"
constexpr std::string_view find_by_name_sql = "SELECT " SESH_USER_COLUMNS " FROM sesh_users WHERE name = ?1";
constexpr std::string_view find_by_id_sql = "SELECT " SESH_USER_COLUMNS " FROM sesh_users WHERE id = ?1";
constexpr std::string_view list_sql = "SELECT " SESH_USER_COLUMNS " FROM sesh_users ORDER BY name";
constexpr std::string_view create_sql =
    "INSERT INTO sesh_users (" SESH_USER_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
#undef SESH_USER_COLUMNS
constexpr std::string_view set_password_sql =
    "UPDATE sesh_users SET password_hash = ?2, password_changed_ms = ?3 WHERE id = ?1";
constexpr std::string_view erase_sql = "DELETE FROM sesh_users WHERE id = ?1";
constexpr std::string_view erase_accounts_sql = "DELETE FROM sesh_accounts WHERE user_id = ?1";
// NOCASE folds ASCII letters only, as find_by_email's contract says; the oldest user first.
constexpr std::string_view find_by_email_sql =
    "SELECT id, name, email, password_hash, created_ms, password_changed_ms FROM sesh_users "
    "WHERE email = ?1 COLLATE NOCASE AND email <> '' ORDER BY created_ms, id LIMIT 1";
// The account columns in the order read_account reads them and link_sql binds them.
#define SESH_ACCOUNT_COLUMNS \
    "provider, provider_account_id, user_id, type, access_token, refresh_token, id_token, token_type, scope, " \
    "session_state, expires_at"
constexpr std::string_view find_account_sql =
    "SELECT " SESH_ACCOUNT_COLUMNS " FROM sesh_accounts WHERE provider = ?1 AND provider_account_id = ?2";
constexpr std::string_view list_accounts_sql =
    "SELECT " SESH_ACCOUNT_COLUMNS " FROM sesh_accounts WHERE user_id = ?1 ORDER BY provider, provider_account_id";
// Written only while the user exists: no changes means there is none.
constexpr std::string_view link_sql =
    "INSERT INTO sesh_accounts (" SESH_ACCOUNT_COLUMNS ") SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 "
    "WHERE EXISTS (SELECT 1 FROM sesh_users WHERE id = ?3)";
#undef SESH_ACCOUNT_COLUMNS

std::string text(sqlite3_stmt* s, int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

user read_user(sqlite3_stmt* s) {
    user u;
    u.id = text(s, 0);
    u.name = text(s, 1);
    u.email = text(s, 2);
    u.password_hash = text(s, 3);
    u.created = from_unix_ms(sqlite3_column_int64(s, 4)).value_or(clock::time_point{});
    u.password_changed = from_unix_ms(sqlite3_column_int64(s, 5)).value_or(clock::time_point{});
    return u;
}

linked_account read_account(sqlite3_stmt* s) {
    linked_account a;
    a.provider = text(s, 0);
    a.provider_account_id = text(s, 1);
    a.user_id = text(s, 2);
    a.type = text(s, 3);
    a.access_token = text(s, 4);
    a.refresh_token = text(s, 5);
    a.id_token = text(s, 6);
    a.token_type = text(s, 7);
    a.scope = text(s, 8);
    a.session_state = text(s, 9);
    a.expires_at = sqlite3_column_int64(s, 10);
    return a;
}

class sqlite_user_store final : public user_store {
public:
    explicit sqlite_user_store(std::shared_ptr<sqlite_database> db) : db_(std::move(db)), calls_(db_->workers()) {}

    result<std::optional<user>> find_by_name(std::string_view name) override { return find(find_by_name_sql, name); }
    result<std::optional<user>> find_by_id(std::string_view id) override { return find(find_by_id_sql, id); }

    result<void> create(const user& u) override {
        if (!user_is_well_formed(u)) return fail(errc::invalid_argument);
        return db_->pool().writer().write([&](sqlite_connection& c) -> result<void> {
            auto stmt = sqlite_prepare(c.db(), create_sql);
            if (!stmt) return fail(stmt.error());
            sqlite_use q(stmt->get());
            q.bind(1, u.id);
            q.bind(2, u.name);
            q.bind(3, u.email);
            q.bind(4, u.password_hash);
            q.bind(5, to_unix_ms(u.created));
            q.bind(6, to_unix_ms(u.password_changed));
            const int rc = q.step();
            // A taken name or id; only this statement is undone, not the writer's batch.
            if ((rc & 0xff) == SQLITE_CONSTRAINT) return fail(errc::already_exists);  // extended codes are on
            if (rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "create user"));
            return {};
        });
    }

    result<void> set_password(std::string_view id, std::string_view hash, clock::time_point changed) override {
        return db_->pool().writer().write([&](sqlite_connection& c) -> result<void> {
            auto stmt = sqlite_prepare(c.db(), set_password_sql);
            if (!stmt) return fail(stmt.error());
            sqlite_use q(stmt->get());
            q.bind(1, id);
            q.bind(2, hash);
            q.bind(3, to_unix_ms(changed));
            if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "set password"));
            if (sqlite3_changes(c.db()) == 0) return fail(errc::not_found);
            return {};
        });
    }

    result<void> erase(std::string_view id) override {
        return db_->pool().writer().write([&](sqlite_connection& c) -> result<void> {
            auto stmt = sqlite_prepare(c.db(), erase_sql);
            if (!stmt) return fail(stmt.error());
            sqlite_use q(stmt->get());
            q.bind(1, id);
            if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "erase user"));
            auto accounts = sqlite_prepare(c.db(), erase_accounts_sql);
            if (!accounts) return fail(accounts.error());
            sqlite_use qa(accounts->get());
            qa.bind(1, id);
            if (const int rc = qa.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "erase accounts"));
            return {};
        });
    }

    result<std::vector<user>> list() override {
        auto c = db_->pool().reader();
        auto stmt = sqlite_prepare(c->db(), list_sql);
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        std::vector<user> out;
        for (;;) {
            const int rc = q.step();
            if (rc == SQLITE_DONE) return out;
            if (rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "list users"));
            out.push_back(read_user(q.get()));
        }
    }

    result<std::optional<user>> find_by_email(std::string_view email) override {
        if (email.empty()) return std::nullopt;
        return find(find_by_email_sql, email);
    }

    result<std::optional<linked_account>> find_account(std::string_view provider,
                                                       std::string_view provider_account_id) override {
        auto c = db_->pool().reader();
        auto stmt = sqlite_prepare(c->db(), find_account_sql);
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        q.bind(1, provider);
        q.bind(2, provider_account_id);
        const int rc = q.step();
        if (rc == SQLITE_DONE) return std::nullopt;
        if (rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "find account"));
        return read_account(q.get());
    }

    result<void> link_account(const linked_account& a) override {
        if (!account_is_well_formed(a)) return fail(errc::invalid_argument);
        return db_->pool().writer().write([&](sqlite_connection& c) -> result<void> {
            auto stmt = sqlite_prepare(c.db(), link_sql);
            if (!stmt) return fail(stmt.error());
            sqlite_use q(stmt->get());
            int i = 0;
            for (std::string_view v : {std::string_view(a.provider), std::string_view(a.provider_account_id),
                                       std::string_view(a.user_id), std::string_view(a.type), std::string_view(a.access_token),
                                       std::string_view(a.refresh_token), std::string_view(a.id_token),
                                       std::string_view(a.token_type), std::string_view(a.scope),
                                       std::string_view(a.session_state)})
                q.bind(++i, v);
            q.bind(11, a.expires_at);
            const int rc = q.step();
            if ((rc & 0xff) == SQLITE_CONSTRAINT) return fail(errc::already_exists);
            if (rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "link account"));
            if (sqlite3_changes(c.db()) == 0) return fail(errc::not_found);
            return {};
        });
    }

    result<std::vector<linked_account>> list_accounts(std::string_view user_id) override {
        auto c = db_->pool().reader();
        auto stmt = sqlite_prepare(c->db(), list_accounts_sql);
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        q.bind(1, user_id);
        std::vector<linked_account> out;
        for (;;) {
            const int rc = q.step();
            if (rc == SQLITE_DONE) return out;
            if (rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "list accounts"));
            out.push_back(read_account(q.get()));
        }
    }

    // Awaited calls run on the database's workers, beside the session store's: never on the
    // caller's I/O thread.
    void start_find_by_name(std::string name, boost::asio::io_context*, store_callback<std::optional<user>> done) override {
        calls_.post([this, name = std::move(name), done = std::move(done)] { done(find_by_name(name)); });
    }
    void start_find_by_id(std::string id, boost::asio::io_context*, store_callback<std::optional<user>> done) override {
        calls_.post([this, id = std::move(id), done = std::move(done)] { done(find_by_id(id)); });
    }
    void start_create(user u, boost::asio::io_context*, store_callback<void> done) override {
        calls_.post([this, u = std::move(u), done = std::move(done)] { done(create(u)); });
    }
    void start_set_password(std::string id, std::string hash, clock::time_point changed, boost::asio::io_context*,
                            store_callback<void> done) override {
        calls_.post([this, id = std::move(id), hash = std::move(hash), changed, done = std::move(done)] {
            done(set_password(id, hash, changed));
        });
    }
    void start_erase(std::string id, boost::asio::io_context*, store_callback<void> done) override {
        calls_.post([this, id = std::move(id), done = std::move(done)] { done(erase(id)); });
    }
    void start_find_by_email(std::string email, boost::asio::io_context*, store_callback<std::optional<user>> done) override {
        calls_.post([this, email = std::move(email), done = std::move(done)] { done(find_by_email(email)); });
    }
    void start_find_account(std::string provider, std::string provider_account_id, boost::asio::io_context*,
                            store_callback<std::optional<linked_account>> done) override {
        calls_.post([this, provider = std::move(provider), pid = std::move(provider_account_id), done = std::move(done)] {
            done(find_account(provider, pid));
        });
    }
    void start_link_account(linked_account a, boost::asio::io_context*, store_callback<void> done) override {
        calls_.post([this, a = std::move(a), done = std::move(done)] { done(link_account(a)); });
    }
    void start_list_accounts(std::string user_id, boost::asio::io_context*,
                             store_callback<std::vector<linked_account>> done) override {
        calls_.post([this, id = std::move(user_id), done = std::move(done)] { done(list_accounts(id)); });
    }

private:
    result<std::optional<user>> find(std::string_view sql, std::string_view key) {
        auto c = db_->pool().reader();
        auto stmt = sqlite_prepare(c->db(), sql);
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        q.bind(1, key);
        const int rc = q.step();
        if (rc == SQLITE_DONE) return std::nullopt;
        if (rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "find user"));
        return read_user(q.get());
    }

    std::shared_ptr<sqlite_database> db_;
    offloaded_calls calls_;  // after db_: drained (in its destructor) before the database may close
};

}  // namespace

result<std::unique_ptr<user_store>> make_user_store(const std::shared_ptr<sqlite_database>& db, const store_options&) {
    auto made = db->pool().writer().write(
        [](sqlite_connection& c) -> result<void> { return sqlite_exec(c.db(), schema, "creating the user table"); });
    if (!made) return fail(made.error());
    return std::unique_ptr<user_store>(std::make_unique<sqlite_user_store>(db));
}

}  // namespace sesh::detail
