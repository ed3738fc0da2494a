// `sqlite:PATH` user store: accounts in Auth.js's `users` table (id, name, email) with the login
// name, password hash and times in sesh_passwords beside it (the session store's migration 3,
// sqlite_schema.cpp), as on PostgreSQL, so the database strategy's `sessions."userId"` names
// them. Same connections as the sessions: reads on the pool's readers, writes through its
// group-committing writer, awaited calls on the database's workers. Accounts are read at sign-in
// and sign-up only, so statements are prepared per call rather than kept.
#include <sesh/error.hpp>

#include "auth/user_backends.hpp"
#include "store/offloaded_calls.hpp"
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

class sqlite_user_store final : public user_store {
public:
    explicit sqlite_user_store(std::shared_ptr<sqlite_database> db) : db_(std::move(db)), calls_(db_->workers()) {}

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
            auto stmt = sqlite_prepare(c.db(), erase_user_sql);
            if (!stmt) return fail(stmt.error());
            sqlite_use q(stmt->get());
            q.bind(1, id);
            if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "erase user"));
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
    // The tables are the session store's migrations' (run when the pool opened).
    return std::unique_ptr<user_store>(std::make_unique<sqlite_user_store>(db));
}

}  // namespace sesh::detail
