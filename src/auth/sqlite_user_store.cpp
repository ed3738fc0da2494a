// `sqlite:PATH` user store: a `sesh_users` table in the same file as the sessions. Accounts are
// read at login and sign-up only, so one connection behind a mutex is plenty.
#include <mutex>

#include <sesh/error.hpp>

#include "auth/user_backends.hpp"
#include "store/sqlite/sqlite_handle.hpp"

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

constexpr std::string_view columns = "id, name, email, password_hash, created_ms, password_changed_ms";

class sqlite_user_store final : public user_store {
public:
    explicit sqlite_user_store(sqlite_db db) : db_(std::move(db)) {}

    result<std::optional<user>> find_by_name(std::string_view name) override {
        return find(std::string("SELECT ").append(columns).append(" FROM sesh_users WHERE name = ?1"), name);
    }
    result<std::optional<user>> find_by_id(std::string_view id) override {
        return find(std::string("SELECT ").append(columns).append(" FROM sesh_users WHERE id = ?1"), id);
    }

    result<void> create(const user& u) override {
        if (!user_is_well_formed(u)) return fail(errc::invalid_argument);
        std::lock_guard lock(mutex_);
        auto stmt = sqlite_prepare(db_.get(), std::string("INSERT INTO sesh_users (").append(columns).append(
                                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        q.bind(1, u.id);
        q.bind(2, u.name);
        q.bind(3, u.email);
        q.bind(4, u.password_hash);
        q.bind(5, to_unix_ms(u.created));
        q.bind(6, to_unix_ms(u.password_changed));
        const int rc = q.step();
        if ((rc & 0xff) == SQLITE_CONSTRAINT) return fail(errc::already_exists);  // extended codes are on
        if (rc != SQLITE_DONE) return fail(sqlite_failure(db_.get(), rc, "create user"));
        return {};
    }

    result<void> set_password(std::string_view id, std::string_view hash, clock::time_point changed) override {
        std::lock_guard lock(mutex_);
        auto stmt = sqlite_prepare(db_.get(), "UPDATE sesh_users SET password_hash = ?2, password_changed_ms = ?3 WHERE id = ?1");
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        q.bind(1, id);
        q.bind(2, hash);
        q.bind(3, to_unix_ms(changed));
        if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(db_.get(), rc, "set password"));
        if (sqlite3_changes(db_.get()) == 0) return fail(errc::not_found);
        return {};
    }

    result<void> erase(std::string_view id) override {
        std::lock_guard lock(mutex_);
        auto stmt = sqlite_prepare(db_.get(), "DELETE FROM sesh_users WHERE id = ?1");
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        q.bind(1, id);
        if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(db_.get(), rc, "erase user"));
        return {};
    }

    result<std::vector<user>> list() override {
        std::lock_guard lock(mutex_);
        auto stmt = sqlite_prepare(db_.get(), std::string("SELECT ").append(columns).append(" FROM sesh_users ORDER BY name"));
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        std::vector<user> out;
        for (;;) {
            const int rc = q.step();
            if (rc == SQLITE_DONE) return out;
            if (rc != SQLITE_ROW) return fail(sqlite_failure(db_.get(), rc, "list users"));
            out.push_back(read(q.get()));
        }
    }

private:
    result<std::optional<user>> find(const std::string& sql, std::string_view key) {
        std::lock_guard lock(mutex_);
        auto stmt = sqlite_prepare(db_.get(), sql);
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        q.bind(1, key);
        const int rc = q.step();
        if (rc == SQLITE_DONE) return std::nullopt;
        if (rc != SQLITE_ROW) return fail(sqlite_failure(db_.get(), rc, "find user"));
        return read(q.get());
    }

    static std::string text(sqlite3_stmt* s, int i) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
    }
    static user read(sqlite3_stmt* s) {
        user u;
        u.id = text(s, 0);
        u.name = text(s, 1);
        u.email = text(s, 2);
        u.password_hash = text(s, 3);
        u.created = from_unix_ms(sqlite3_column_int64(s, 4)).value_or(clock::time_point{});
        u.password_changed = from_unix_ms(sqlite3_column_int64(s, 5)).value_or(clock::time_point{});
        return u;
    }

    std::mutex mutex_;
    sqlite_db db_;
};

}  // namespace

result<std::unique_ptr<user_store>> open_sqlite_user_store(const std::string& path, const store_options& options) {
    auto db = sqlite_open(path);
    if (!db) return fail(db.error());
    sqlite3_busy_timeout(db->get(), static_cast<int>(options.timeout.count()));
    if (auto r = sqlite_exec(db->get(), "PRAGMA journal_mode=WAL", "user store wal"); !r) return fail(r.error());
    if (auto r = sqlite_exec(db->get(), schema, "user store schema"); !r) return fail(r.error());
    return std::unique_ptr<user_store>(std::make_unique<sqlite_user_store>(std::move(*db)));
}

}  // namespace sesh::detail
