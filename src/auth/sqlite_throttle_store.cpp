// `sqlite:PATH` throttle counts: one row per failure in the `sesh_throttle` table (migration 2),
// so every process on the file counts together. Failures are rare (sign-ins that fail), so
// statements are prepared per call; checks read on the pool's readers.
#include <sesh/error.hpp>

#include "auth/throttle_backends.hpp"
#include "core/unix_ms.hpp"
#include "store/offloaded_calls.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace sesh::detail {
namespace {

enum key_kind : std::int64_t { pair_kind = 0, address_kind = 1, account_kind = 2 };

constexpr std::string_view load_sql =
    "SELECT kind, at_ms FROM sesh_throttle WHERE at_ms > ?4 AND ("
    "(kind = 0 AND account = ?1 AND address = ?2) OR (kind = 1 AND account = '' AND address = ?2) OR "
    "(kind = 2 AND account = ?1 AND address = '')) ORDER BY kind, at_ms, rowid";
// Every failure an hour old, of every key: the table holds the last hour and no more.
constexpr std::string_view forget_sql = "DELETE FROM sesh_throttle WHERE at_ms <= ?1";
constexpr std::string_view add_sql = "INSERT INTO sesh_throttle (kind, account, address, at_ms) VALUES (?1, ?2, ?3, ?4)";
// Keeps the newest ?4 failures of one key.
constexpr std::string_view trim_sql =
    "DELETE FROM sesh_throttle WHERE kind = ?1 AND account = ?2 AND address = ?3 AND rowid NOT IN ("
    "SELECT rowid FROM sesh_throttle WHERE kind = ?1 AND account = ?2 AND address = ?3 "
    "ORDER BY at_ms DESC, rowid DESC LIMIT ?4)";
constexpr std::string_view count_sql =
    "SELECT count(*) FROM sesh_throttle WHERE kind = ?1 AND account = ?2 AND address = ?3";
constexpr std::string_view clear_sql = "DELETE FROM sesh_throttle WHERE kind = 0 AND account = ?1 AND address = ?2";

// Runs `sql` with the key of one kind bound (?1 kind, ?2 account, ?3 address) and `extra` as ?4.
result<void> run_on_key(sqlite3* db, std::string_view sql, key_kind kind, std::string_view account,
                        std::string_view address, std::int64_t extra, const char* what) {
    auto stmt = sqlite_prepare(db, sql);
    if (!stmt) return fail(stmt.error());
    sqlite_use q(stmt->get());
    q.bind(1, static_cast<std::int64_t>(kind));
    q.bind(2, kind == address_kind ? std::string_view() : account);
    q.bind(3, kind == account_kind ? std::string_view() : address);
    q.bind(4, extra);
    if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(db, rc, what));
    return {};
}

result<std::int64_t> count_key(sqlite3* db, std::string_view account, std::string_view address) {
    auto stmt = sqlite_prepare(db, count_sql);
    if (!stmt) return fail(stmt.error());
    sqlite_use q(stmt->get());
    q.bind(1, static_cast<std::int64_t>(pair_kind));
    q.bind(2, account);
    q.bind(3, address);
    if (const int rc = q.step(); rc != SQLITE_ROW) return fail(sqlite_failure(db, rc, "counting throttle failures"));
    return sqlite3_column_int64(q.get(), 0);
}

// A savepoint around one failure's statements: the writer adds no transaction for a lone caller,
// and the count of the pair must be read in the same transaction as the rows it decides on.
// Rolled back unless released.
class throttle_savepoint {
public:
    explicit throttle_savepoint(sqlite3* db) noexcept : db_(db) {}
    throttle_savepoint(const throttle_savepoint&) = delete;
    throttle_savepoint& operator=(const throttle_savepoint&) = delete;
    ~throttle_savepoint() {
        if (!open_) return;
        sqlite3_exec(db_, "ROLLBACK TO sesh_throttle_failure", nullptr, nullptr, nullptr);
        sqlite3_exec(db_, "RELEASE sesh_throttle_failure", nullptr, nullptr, nullptr);
    }
    [[nodiscard]] result<void> begin() {
        auto r = sqlite_exec(db_, "SAVEPOINT sesh_throttle_failure", "starting a throttle failure");
        open_ = r.has_value();
        return r;
    }
    [[nodiscard]] result<void> release() {
        auto r = sqlite_exec(db_, "RELEASE sesh_throttle_failure", "recording a throttle failure");
        if (r) open_ = false;
        return r;
    }

private:
    sqlite3* db_;
    bool open_ = false;
};

class sqlite_throttle_store final : public throttle_store {
public:
    explicit sqlite_throttle_store(std::shared_ptr<sqlite_database> db) : db_(std::move(db)), calls_(db_->workers()) {}

    result<throttle_failures> load(std::string_view account, std::string_view address, clock::time_point now) override {
        auto c = db_->pool().reader();
        auto stmt = sqlite_prepare(c->db(), load_sql);
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        q.bind(1, account);
        q.bind(2, address);
        q.bind(4, cutoff_ms(now));
        throttle_failures out;
        for (;;) {
            const int rc = q.step();
            if (rc == SQLITE_DONE) return out;
            if (rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "reading throttle failures"));
            const auto at = from_unix_ms(sqlite3_column_int64(q.get(), 1)).value_or(clock::time_point{});
            switch (sqlite3_column_int64(q.get(), 0)) {
                case pair_kind: out.pair.push_back(at); break;
                case address_kind: out.address.push_back(at); break;
                case account_kind: out.account.push_back(at); break;
                default: break;
            }
        }
    }

    result<void> add_failure(std::string_view account, std::string_view address, clock::time_point now,
                             const throttle_keep& keep) override {
        return db_->pool().writer().write([&](sqlite_connection& c) -> result<void> {
            sqlite3* db = c.db();
            throttle_savepoint sp(db);
            if (auto r = sp.begin(); !r) return r;
            // The first statement writes, so the savepoint holds the write lock before anything
            // is read: another process cannot slip a failure in between.
            if (auto r = forget(db, now); !r) return r;
            const std::int64_t at = to_unix_ms(now);
            for (auto [kind, n] : {std::pair{pair_kind, keep.pair}, std::pair{address_kind, keep.address}}) {
                if (auto r = run_on_key(db, add_sql, kind, account, address, at, "adding a throttle failure"); !r) return r;
                if (auto r = run_on_key(db, trim_sql, kind, account, address, static_cast<std::int64_t>(n),
                                        "trimming throttle failures");
                    !r)
                    return r;
            }
            auto in_hour = count_key(db, account, address);
            if (!in_hour) return fail(in_hour.error());
            if (static_cast<std::size_t>(*in_hour) <= keep.share) {
                if (auto r = run_on_key(db, add_sql, account_kind, account, address, at, "adding a throttle failure"); !r)
                    return r;
                if (auto r = run_on_key(db, trim_sql, account_kind, account, address,
                                        static_cast<std::int64_t>(keep.account), "trimming throttle failures");
                    !r)
                    return r;
            }
            return sp.release();
        });
    }

    result<void> clear_pair(std::string_view account, std::string_view address) override {
        return db_->pool().writer().write([&](sqlite_connection& c) -> result<void> {
            auto stmt = sqlite_prepare(c.db(), clear_sql);
            if (!stmt) return fail(stmt.error());
            sqlite_use q(stmt->get());
            q.bind(1, account);
            q.bind(2, address);
            if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "clearing throttle failures"));
            return {};
        });
    }

    // Awaited calls run on the database's workers, never on the caller's I/O thread.
    void start_load(std::string account, std::string address, clock::time_point now, boost::asio::io_context*,
                    store_callback<throttle_failures> done) override {
        calls_.post([this, account = std::move(account), address = std::move(address), now, done = std::move(done)] {
            done(load(account, address, now));
        });
    }
    void start_add_failure(std::string account, std::string address, clock::time_point now, throttle_keep keep,
                           boost::asio::io_context*, store_callback<void> done) override {
        calls_.post([this, account = std::move(account), address = std::move(address), now, keep, done = std::move(done)] {
            done(add_failure(account, address, now, keep));
        });
    }
    void start_clear_pair(std::string account, std::string address, boost::asio::io_context*,
                          store_callback<void> done) override {
        calls_.post([this, account = std::move(account), address = std::move(address), done = std::move(done)] {
            done(clear_pair(account, address));
        });
    }

private:
    static std::int64_t cutoff_ms(clock::time_point now) { return to_unix_ms(now - throttle_hour); }

    static result<void> forget(sqlite3* db, clock::time_point now) {
        auto stmt = sqlite_prepare(db, forget_sql);
        if (!stmt) return fail(stmt.error());
        sqlite_use q(stmt->get());
        q.bind(1, cutoff_ms(now));
        if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(db, rc, "forgetting throttle failures"));
        return {};
    }

    std::shared_ptr<sqlite_database> db_;
    offloaded_calls calls_;  // after db_: drained (in its destructor) before the database may close
};

}  // namespace

result<std::shared_ptr<throttle_store>> make_throttle_store(const std::shared_ptr<sqlite_database>& db,
                                                            const store_options&) {
    return std::shared_ptr<throttle_store>(std::make_shared<sqlite_throttle_store>(db));
}

}  // namespace sesh::detail
