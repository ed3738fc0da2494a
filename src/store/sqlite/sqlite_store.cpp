// `sqlite:PATH`, the embedded default store: WAL, one group-committing writer and a few readers
// with kept statements, conditional writes, and a background purge of expired rows. Keys
// `authjs:` and `authjs-token:` reach Auth.js's `sessions` (the database strategy's,
// sqlite_authjs.hpp); every other key, sesh_sessions.
#include <sesh/store.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>

#include "store/background_purge.hpp"
#include "store/backends.hpp"
#include "store/offloaded_store.hpp"
#include "store/sqlite/sqlite_authjs.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/sqlite/sqlite_rows.hpp"

namespace sesh::detail {
namespace {

// Steps a write statement once: the rows it changed, or errc::store_unavailable (logged).
result<int> step_write(sqlite_connection& c, sqlite_use& q, std::string_view what) {
    if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, what));
    return sqlite3_changes(c.db());
}

std::int64_t clamp_count(std::size_t n) noexcept {
    return static_cast<std::int64_t>(std::min<std::size_t>(n, std::numeric_limits<std::int64_t>::max()));
}

// Awaited calls run on the database's workers (offloaded_store), beside the user store's.
class sqlite_store final : public offloaded_store {
public:
    sqlite_store(std::shared_ptr<sqlite_database> db, const store_options& options)
        : offloaded_store(db->workers()), clock_(options.clock ? *options.clock : system_clock()), options_(options),
          db_(std::move(db)), pool_(&db_->pool()), authjs_(db_->pool()),
          purger_(std::in_place, options_.purge_batch, options_.purge_interval,
                  [this](std::size_t n) { return purge_expired(n); }) {}

    ~sqlite_store() override {
        // Calls in flight end before the pool may close.
        drain();
        // Stopped before the pool closes: the purge thread uses the writer.
        purger_.reset();
    }

    result<std::optional<session_record>> get(std::string_view key) override {
        if (key.starts_with(authjs_token_prefix)) return authjs_.get(key.substr(authjs_token_prefix.size()), now_ms());
        if (key.starts_with(authjs_id_prefix)) return std::nullopt;  // rows are read by token only
        auto c = pool_->reader();
        sqlite_use q(c->statement(sqlite_query::get));
        q.bind(1, key);
        q.bind(2, now_ms());
        const int rc = q.step();
        if (rc == SQLITE_DONE) return std::nullopt;
        if (rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "get"));
        return read_record(q.get());
    }

    result<void> create(const session_record& r) override {
        if (r.data.size() > options_.max_data_bytes) return fail(errc::too_large);
        if (r.key.starts_with(authjs_token_prefix)) return authjs_.create(r);
        if (r.key.starts_with(authjs_id_prefix)) return fail(errc::invalid_argument);
        const std::int64_t now = now_ms();
        auto out = pool_->writer().write([&](sqlite_connection& c) -> result<void> {
            if (auto room = make_room(c, now); !room) return fail(room.error());
            sqlite_use q(c.statement(sqlite_query::create));
            bind_record(q, r);
            q.bind(11, now);
            auto changed = step_write(c, q, "create");
            if (!changed) return fail(changed.error());
            // The upsert writes nothing when the key belongs to a live row.
            if (*changed == 0) return fail(errc::already_exists);
            rows_.fetch_add(1, std::memory_order_relaxed);  // or an expired row replaced: counted high, safe
            return {};
        });
        if (!out && out.error() == errc::store_unavailable) forget_rows();
        return out;
    }

    result<void> update(const session_record& r) override {
        if (r.data.size() > options_.max_data_bytes) return fail(errc::too_large);
        const std::int64_t now = now_ms();
        if (r.key.starts_with(authjs_id_prefix)) return authjs_.update(r.key, r, now);
        return pool_->writer().write([&](sqlite_connection& c) -> result<void> {
            sqlite_use q(c.statement(sqlite_query::update));
            bind_record(q, r);
            q.bind(11, now);
            auto changed = step_write(c, q, "update");
            if (!changed) return fail(changed.error());
            if (*changed == 0) return fail(errc::not_found);
            return {};
        });
    }

    result<bool> touch(std::string_view key, clock::time_point last_seen, clock::time_point idle_expires) override {
        const std::int64_t now = now_ms();
        if (key.starts_with(authjs_id_prefix))
            return authjs_.touch(key, to_unix_ms(last_seen), to_unix_ms(idle_expires), now);
        return pool_->writer().write([&](sqlite_connection& c) -> result<bool> {
            {
                sqlite_use q(c.statement(sqlite_query::touch));
                q.bind(1, key);
                q.bind(2, to_unix_ms(last_seen));
                q.bind(3, to_unix_ms(idle_expires));
                q.bind(4, now);
                auto changed = step_write(c, q, "touch");
                if (!changed) return fail(changed.error());
                if (*changed == 1) return true;
            }
            // Nothing written: renewed already by someone else, or gone. Still the writer's turn,
            // so no other write slips between the two statements.
            sqlite_use q(c.statement(sqlite_query::is_live));
            q.bind(1, key);
            q.bind(2, now);
            const int rc = q.step();
            if (rc == SQLITE_ROW) return false;
            if (rc == SQLITE_DONE) return fail(errc::not_found);
            return fail(sqlite_failure(c.db(), rc, "touch"));
        });
    }

    result<void> erase(std::string_view key) override {
        if (key.starts_with(authjs_id_prefix)) return authjs_.erase(key);
        return pool_->writer().write([&](sqlite_connection& c) -> result<void> {
            sqlite_use q(c.statement(sqlite_query::erase));
            q.bind(1, key);
            auto changed = step_write(c, q, "erase");
            if (!changed) return fail(changed.error());
            rows_.fetch_sub(*changed, std::memory_order_relaxed);  // a place for the next create
            return {};
        });
    }

    // Anonymous sessions (empty user id) belong to no user: list_user("") and erase_user("") see
    // none of them rather than every anonymous visitor (as the memory store).
    result<std::vector<session_record>> list_user(std::string_view user_id) override {
        if (user_id.empty()) return std::vector<session_record>{};
        std::vector<session_record> out;
        {
            auto c = pool_->reader();
            sqlite_use q(c->statement(sqlite_query::list_user));
            q.bind(1, user_id);
            q.bind(2, now_ms());
            for (;;) {
                const int rc = q.step();
                if (rc == SQLITE_DONE) break;
                if (rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "list_user"));
                if (auto r = read_record(q.get())) out.push_back(std::move(*r));
            }
        }  // the reader goes back: with one reader, the next read waits for it
        // Then the user's sessions in Auth.js's table (the database strategy's).
        if (auto a = authjs_.list_user(user_id, now_ms(), out); !a) return fail(a.error());
        return out;
    }

    result<std::size_t> erase_user(std::string_view user_id, std::string_view keep) override {
        if (user_id.empty()) return 0;
        const std::int64_t now = now_ms();
        auto authjs = authjs_.erase_user(user_id, keep, now);
        if (!authjs) return fail(authjs.error());
        return pool_->writer().write([&](sqlite_connection& c) -> result<std::size_t> {
            sqlite_use q(c.statement(sqlite_query::erase_user));
            q.bind(1, user_id);
            q.bind(2, keep);
            q.bind(3, now);
            auto changed = step_write(c, q, "erase_user");
            if (!changed) return fail(changed.error());
            rows_.fetch_sub(*changed, std::memory_order_relaxed);
            return static_cast<std::size_t>(*changed) + *authjs;
        });
    }

    bool keeps_authjs_sessions() const noexcept override { return true; }

    // An empty jti or a denial already over matches no token: nothing to keep.
    result<void> deny(std::string_view jti, clock::time_point until) override {
        if (jti.empty() || to_unix_ms(until) <= now_ms()) return {};
        return pool_->writer().write([&](sqlite_connection& c) -> result<void> {
            sqlite_use q(c.statement(sqlite_query::deny));
            q.bind(1, jti);
            q.bind(2, to_unix_ms(until));
            auto changed = step_write(c, q, "deny");
            if (!changed) return fail(changed.error());
            return {};
        });
    }

    result<void> set_not_before(std::string_view user_id, clock::time_point t) override {
        if (user_id.empty()) return {};
        return pool_->writer().write([&](sqlite_connection& c) -> result<void> {
            sqlite_use q(c.statement(sqlite_query::set_not_before));
            q.bind(1, user_id);
            q.bind(2, to_unix_ms(t));
            auto changed = step_write(c, q, "set_not_before");
            if (!changed) return fail(changed.error());
            return {};
        });
    }

    result<bool> revoked(std::string_view jti, std::string_view user_id, clock::time_point issued_at) override {
        auto c = pool_->reader();
        sqlite_use q(c->statement(sqlite_query::revoked));
        q.bind(1, jti);
        q.bind(2, user_id);
        q.bind(3, to_unix_ms(issued_at));
        q.bind(4, now_ms());
        if (const int rc = q.step(); rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "revoked"));
        return sqlite3_column_int(q.get(), 0) != 0;
    }

    // The count is of sesh_sessions records; expired deny-list entries and Auth.js rows go in
    // the same call, up to the same bound, uncounted.
    result<std::size_t> purge_expired(std::size_t max) override {
        if (max == 0) return 0;
        const std::int64_t now = now_ms();
        return pool_->writer().write([&](sqlite_connection& c) -> result<std::size_t> {
            std::size_t purged = 0;
            {
                sqlite_use q(c.statement(sqlite_query::purge_sessions));
                q.bind(1, now);
                q.bind(2, clamp_count(max));
                auto changed = step_write(c, q, "purge");
                if (!changed) return fail(changed.error());
                purged = static_cast<std::size_t>(*changed);
            }
            {
                sqlite_use q(c.statement(sqlite_query::purge_denied));
                q.bind(1, now);
                q.bind(2, clamp_count(max));
                if (auto changed = step_write(c, q, "purge"); !changed) return fail(changed.error());
            }
            // Auth.js's expired rows too, uncounted (as on PostgreSQL).
            if (auto a = sqlite_authjs::purge(c, now, clamp_count(max)); !a) return fail(a.error());
            // Recounted at the next create: erases and other processes (the CLI) move the count
            // too, and a purge is rare enough to pay for one count(*).
            if (purged > 0) forget_rows();
            return purged;
        });
    }

private:
    std::int64_t now_ms() const noexcept { return to_unix_ms(clock_.now()); }

    void forget_rows() noexcept { rows_.store(-1, std::memory_order_relaxed); }

    // On the writer, before a create: success when the file holds fewer than max_sessions rows.
    // The count is kept in rows_ between creates (a count(*) walks the whole table); when it
    // reaches the bound, expired rows are purged and the table recounted, so only live sessions
    // make the store refuse, and none is ever evicted to make room (as the memory store).
    // While full, the recount runs at most once a second: a flood of refused creates must not
    // become a flood of table walks on the writer.
    result<void> make_room(sqlite_connection& c, std::int64_t now) {
        const std::int64_t rows = rows_.load(std::memory_order_relaxed);
        const bool at_bound = rows >= 0 && static_cast<std::uint64_t>(rows) >= options_.max_sessions;
        if (rows < 0 || (at_bound && now - counted_ms_ >= 1000)) {
            counted_ms_ = now;
            {
                sqlite_use q(c.statement(sqlite_query::purge_sessions));
                q.bind(1, now);
                q.bind(2, std::numeric_limits<std::int64_t>::max());
                if (auto changed = step_write(c, q, "purge"); !changed) return fail(changed.error());
            }
            sqlite_use q(c.statement(sqlite_query::count_sessions));
            if (const int rc = q.step(); rc != SQLITE_ROW) return fail(sqlite_failure(c.db(), rc, "count"));
            rows_.store(sqlite3_column_int64(q.get(), 0), std::memory_order_relaxed);
        }
        if (static_cast<std::uint64_t>(rows_.load(std::memory_order_relaxed)) >= options_.max_sessions)
            return fail(errc::store_full);
        return {};
    }

    const sesh::clock& clock_;
    const store_options options_;
    std::shared_ptr<sqlite_database> db_;
    sqlite_pool* pool_;  ///< db_'s
    sqlite_authjs authjs_;  ///< Auth.js's `sessions`, on the same pool

    // Rows in the sessions table as of the last count, moved by this store's creates; -1 when
    // unknown (at start, after a purge or a failed batch). Written on the writer thread only,
    // but forget_rows() may race it: atomic.
    std::atomic<std::int64_t> rows_{-1};
    std::int64_t counted_ms_ = 0;  ///< when rows_ was last counted (writer thread only)
    // Last: stopped (in the destructor) while everything it uses is alive; one small batch per
    // interval keeps each turn at the writer short.
    std::optional<background_purge> purger_;
};

}  // namespace

result<std::unique_ptr<store>> make_store(const std::shared_ptr<sqlite_database>& db, const store_options& options) {
    // A zero interval would spin the purge thread on the writer lock.
    if (options.purge_batch > 0 && options.purge_interval <= std::chrono::milliseconds::zero())
        return fail(errc::invalid_argument);
    return std::unique_ptr<store>(std::make_unique<sqlite_store>(db, options));
}

}  // namespace sesh::detail
