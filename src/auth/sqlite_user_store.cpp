// `sqlite:PATH` user store: accounts in Auth.js's `users` table (id, name, email) with the login
// name, password hash and times in sesh_passwords beside it (the session store's migration 3,
// sqlite_schema.cpp), as on PostgreSQL, so the database strategy's `sessions."userId"` names
// them; accounts at sign-in providers in Auth.js's `accounts` table, as the adapter keeps them. Same
// connections as the sessions: reads on the pool's readers, writes through its group-committing
// writer, awaited calls on the database's workers. Accounts are read at sign-in and sign-up only,
// so statements are prepared per call rather than kept.
#include <sesh/error.hpp>

#include "auth/offloaded_user_store.hpp"
#include "auth/user_backends.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace sesh::detail {
namespace {

// Columns: id, login name, email ('' for none), hash, created, password changed.
#define SESH_USER_SELECT                                                                                          \
    "SELECT p.user_id, p.username, COALESCE(u.email, ''), p.password_hash, p.created_ms, p.password_changed_ms " \
    "FROM sesh_passwords p JOIN users u ON u.id = p.user_id "
constexpr std::string_view find_by_name_sql = SESH_USER_SELECT "WHERE p.username = ?1";
constexpr std::string_view find_by_id_sql = SESH_USER_SELECT "WHERE p.user_id = ?1";
constexpr std::string_view list_sql = SESH_USER_SELECT "ORDER BY p.username";
#undef SESH_USER_SELECT
constexpr std::string_view name_taken_sql = "SELECT 1 FROM sesh_passwords WHERE username = ?1";
// The `users` row as the adapter's createUser makes it (name, email), then the password.
constexpr std::string_view create_user_sql = "INSERT INTO users (id, name, email) VALUES (?1, ?2, NULLIF(?3, ''))";
constexpr std::string_view create_password_sql =
    "INSERT INTO sesh_passwords (user_id, username, password_hash, created_ms, password_changed_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view set_password_sql =
    "UPDATE sesh_passwords SET password_hash = ?2, password_changed_ms = ?3 WHERE user_id = ?1";
// The `users` row goes only with a sesh account's password row.
constexpr std::string_view erase_password_sql = "DELETE FROM sesh_passwords WHERE user_id = ?1";
constexpr std::string_view erase_user_sql = "DELETE FROM users WHERE id = ?1";
constexpr std::string_view erase_accounts_sql = "DELETE FROM accounts WHERE \"userId\" = ?1";
// NOCASE folds ASCII letters only, as find_by_email's contract says; the oldest user first.
constexpr std::string_view find_by_email_sql =
    "SELECT p.user_id, p.username, COALESCE(u.email, ''), p.password_hash, p.created_ms, p.password_changed_ms "
    "FROM sesh_passwords p JOIN users u ON u.id = p.user_id "
    "WHERE u.email = ?1 COLLATE NOCASE AND u.email <> '' ORDER BY p.created_ms, p.user_id LIMIT 1";
// Auth.js's `accounts` columns in the order read_account reads them; the adapter writes NULL for
// a token the provider did not give, read back as empty.
#define SESH_ACCOUNT_SELECT                                                                                     \
    "SELECT provider, \"providerAccountId\", \"userId\", type, COALESCE(access_token, ''), "                  \
    "COALESCE(refresh_token, ''), COALESCE(id_token, ''), COALESCE(token_type, ''), COALESCE(scope, ''), "      \
    "COALESCE(session_state, ''), COALESCE(expires_at, 0) FROM accounts "
constexpr std::string_view find_account_sql = SESH_ACCOUNT_SELECT "WHERE provider = ?1 AND \"providerAccountId\" = ?2";
constexpr std::string_view list_accounts_sql =
    SESH_ACCOUNT_SELECT "WHERE \"userId\" = ?1 ORDER BY provider, \"providerAccountId\"";
#undef SESH_ACCOUNT_SELECT
// Auth.js's table has no unique key on (provider, providerAccountId): the writer, one operation at
// a time, checks first. Written only while the user exists: no change means there is none.
constexpr std::string_view account_taken_sql =
    "SELECT 1 FROM accounts WHERE provider = ?1 AND \"providerAccountId\" = ?2";
constexpr std::string_view link_sql =
    "INSERT INTO accounts (provider, \"providerAccountId\", \"userId\", type, access_token, refresh_token, id_token, "
    "token_type, scope, session_state, expires_at) SELECT ?1, ?2, ?3, ?4, NULLIF(?5, ''), NULLIF(?6, ''), "
    "NULLIF(?7, ''), NULLIF(?8, ''), NULLIF(?9, ''), NULLIF(?10, ''), NULLIF(?11, 0) "
    "WHERE EXISTS (SELECT 1 FROM users WHERE id = ?3)";

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

class sqlite_user_store final : public offloaded_user_store {
public:
    explicit sqlite_user_store(std::shared_ptr<sqlite_database> db)
        : offloaded_user_store(db->workers()), db_(std::move(db)) {}
    ~sqlite_user_store() override { drain(); }

    result<std::optional<user>> find_by_name(std::string_view name) override { return find(find_by_name_sql, name); }
    result<std::optional<user>> find_by_id(std::string_view id) override { return find(find_by_id_sql, id); }

    result<void> create(const user& u) override {
        if (!user_is_well_formed(u)) return fail(errc::invalid_argument);
        return db_->pool().writer().write([&](sqlite_connection& c) -> result<void> {
            // The writer runs one operation at a time: nothing takes the name between this check
            // and the inserts, and a refused create writes nothing.
            {
                auto taken = sqlite_prepare(c.db(), name_taken_sql);
                if (!taken) return fail(taken.error());
                sqlite_use q(taken->get());
                q.bind(1, u.name);
                const int rc = q.step();
                if (rc == SQLITE_ROW) return fail(errc::already_exists);
                if (rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "create user"));
            }
            {
                auto stmt = sqlite_prepare(c.db(), create_user_sql);
                if (!stmt) return fail(stmt.error());
                sqlite_use q(stmt->get());
                q.bind(1, u.id);
                q.bind(2, u.name);
                q.bind(3, u.email);
                const int rc = q.step();
                // A taken id; only this statement is undone, not the writer's batch.
                if ((rc & 0xff) == SQLITE_CONSTRAINT) return fail(errc::already_exists);  // extended codes are on
                if (rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "create user"));
            }
            auto stmt = sqlite_prepare(c.db(), create_password_sql);
            if (!stmt) return fail(stmt.error());
            sqlite_use q(stmt->get());
            q.bind(1, u.id);
            q.bind(2, u.name);
            q.bind(3, u.password_hash);
            q.bind(4, to_unix_ms(u.created));
            q.bind(5, to_unix_ms(u.password_changed));
            if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "create user"));
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
            {
                auto stmt = sqlite_prepare(c.db(), erase_password_sql);
                if (!stmt) return fail(stmt.error());
                sqlite_use q(stmt->get());
                q.bind(1, id);
                if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "erase user"));
                if (sqlite3_changes(c.db()) == 0) return {};  // no sesh account: the `users` row is not ours
            }
            for (const auto sql : {erase_accounts_sql, erase_user_sql}) {
                auto stmt = sqlite_prepare(c.db(), sql);
                if (!stmt) return fail(stmt.error());
                sqlite_use q(stmt->get());
                q.bind(1, id);
                if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "erase user"));
            }
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
            {
                auto taken = sqlite_prepare(c.db(), account_taken_sql);
                if (!taken) return fail(taken.error());
                sqlite_use q(taken->get());
                q.bind(1, a.provider);
                q.bind(2, a.provider_account_id);
                const int rc = q.step();
                if (rc == SQLITE_ROW) return fail(errc::already_exists);
                if (rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "link account"));
            }
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
            if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "link account"));
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
};

}  // namespace

result<std::unique_ptr<user_store>> make_user_store(const std::shared_ptr<sqlite_database>& db, const store_options&) {
    // The tables are the session store's migrations' (run when the pool opened).
    return std::unique_ptr<user_store>(std::make_unique<sqlite_user_store>(db));
}

}  // namespace sesh::detail
