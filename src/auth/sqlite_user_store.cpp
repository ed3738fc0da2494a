// `sqlite:PATH` user store: a `sesh_users` table in the same file as the sessions, on the same
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
    auto made = db->pool().writer().write(
        [](sqlite_connection& c) -> result<void> { return sqlite_exec(c.db(), schema, "creating the user table"); });
    if (!made) return fail(made.error());
    return std::unique_ptr<user_store>(std::make_unique<sqlite_user_store>(db));
}

}  // namespace sesh::detail
