// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`: server-strategy sessions and stateless-token
// revocation in sesh's own tables (postgres_schema.cpp), over a pool of libpq connections.
#include <sesh/store.hpp>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "core/unix_ms.hpp"
#include "store/background_purge.hpp"
#include "store/backends.hpp"
#include "store/offloaded_store.hpp"
#include "store/postgres/postgres_authjs.hpp"
#include "store/postgres/postgres_database.hpp"
#include "store/postgres/postgres_rows.hpp"

namespace sesh::detail {
namespace {

// The rows a write changed, from its command tag ("INSERT 0 1", "UPDATE 3", "DELETE 0").
std::size_t rows_changed(const pg_result& r) {
    return static_cast<std::size_t>(std::strtoull(PQcmdTuples(r.get()), nullptr, 10));
}

// The first column of the first row as true/false, a boolean in PostgreSQL's text format.
bool first_bool(const pg_result& r, int column = 0) {
    return PQntuples(r.get()) > 0 && PQgetvalue(r.get(), 0, column)[0] == 't';
}

// Awaited calls run on the database's workers (offloaded_store), beside the other stores'.
// Keys `authjs:` and `authjs-token:` reach Auth.js's `sessions` (the database strategy's,
// postgres_authjs.hpp); every other key, sesh_sessions.
// max_sessions is not enforced (as Redis): the database's own size is the operator's to bound.
class postgres_store final : public offloaded_store {
public:
    postgres_store(std::shared_ptr<postgres_database> db, const store_options& options)
        : offloaded_store(db->workers()), clock_(options.clock ? *options.clock : system_clock()), options_(options),
          db_(std::move(db)), purger_(std::in_place, options_.purge_batch, options_.purge_interval,
                                      [this](std::size_t n) { return purge_expired(n); }) {}

    ~postgres_store() override {
        drain();          // calls in flight end before the pool may close
        purger_.reset();  // and the purge, which uses it too
    }

    result<std::optional<session_record>> get(std::string_view key) override {
        if (key.starts_with(authjs_token_prefix)) {
            auto r = run(postgres_query::authjs_get, {std::string(key.substr(authjs_token_prefix.size())), now_ms()});
            if (!r) return fail(r.error());
            if (PQntuples(r->get()) == 0) return std::nullopt;
            return read_authjs_record(r->get(), 0);
        }
        if (key.starts_with(authjs_id_prefix)) return std::nullopt;  // rows are read by token only
        auto r = run(postgres_query::get, {std::string(key), now_ms()});
        if (!r) return fail(r.error());
        if (PQntuples(r->get()) == 0) return std::nullopt;
        return read_record(r->get(), 0);
    }

    result<void> create(const session_record& rec) override {
        if (rec.data.size() > options_.max_data_bytes) return fail(errc::too_large);
        if (rec.key.starts_with(authjs_token_prefix)) {
            // Auth.js's sessions row needs a user ("userId" NOT NULL).
            if (rec.user_id.empty()) return fail(errc::invalid_argument);
            auto r = run(postgres_query::authjs_create,
                         {rec.key.substr(authjs_token_prefix.size()), rec.user_id,
                          std::to_string(to_unix_ms(rec.expires())), rec.data, std::to_string(to_unix_ms(rec.created)),
                          std::to_string(to_unix_ms(rec.last_seen)), rec.address, rec.user_agent});
            if (!r) return fail(r.error());
            return {};
        }
        if (rec.key.starts_with(authjs_id_prefix)) return fail(errc::invalid_argument);
        auto params = record_params(rec);
        params.push_back(now_ms());
        auto r = run(postgres_query::create, std::move(params));
        if (!r) return fail(r.error());
        // The upsert writes nothing when the key belongs to a live row.
        if (rows_changed(*r) == 0) return fail(errc::already_exists);
        return {};
    }

    result<void> update(const session_record& rec) override {
        if (rec.data.size() > options_.max_data_bytes) return fail(errc::too_large);
        if (auto id = authjs_row_id(rec.key)) {
            auto r = run(postgres_query::authjs_update,
                         {std::move(*id), rec.data, std::to_string(to_unix_ms(rec.last_seen)),
                          std::to_string(to_unix_ms(rec.expires())), now_ms(), std::to_string(to_unix_ms(rec.created)),
                          rec.address, rec.user_agent});
            if (!r) return fail(r.error());
            if (PQntuples(r->get()) == 0) return fail(errc::not_found);
            return {};
        }
        auto params = record_params(rec);
        params.push_back(now_ms());
        auto r = run(postgres_query::update, std::move(params));
        if (!r) return fail(r.error());
        if (rows_changed(*r) == 0) return fail(errc::not_found);
        return {};
    }

    result<bool> touch(std::string_view key, clock::time_point last_seen, clock::time_point idle_expires) override {
        auto id = authjs_row_id(key);
        auto r = run(id ? postgres_query::authjs_touch : postgres_query::touch,
                     {id ? std::move(*id) : std::string(key), std::to_string(to_unix_ms(last_seen)),
                      std::to_string(to_unix_ms(idle_expires)), now_ms()});
        if (!r) return fail(r.error());
        if (PQntuples(r->get()) != 1) return fail(errc::store_unavailable);
        if (std::strtoll(PQgetvalue(r->get(), 0, 0), nullptr, 10) > 0) return true;
        // Nothing written: renewed already by someone else (still live), or gone.
        if (first_bool(*r, 1)) return false;
        return fail(errc::not_found);
    }

    result<void> erase(std::string_view key) override {
        auto id = authjs_row_id(key);
        auto r = id ? run(postgres_query::authjs_erase, {std::move(*id)}) : run(postgres_query::erase, {std::string(key)});
        if (!r) return fail(r.error());
        return {};
    }

    // Anonymous sessions (empty user id) belong to no user: list_user("") and erase_user("") see
    // none of them rather than every anonymous visitor (as the other backends).
    result<std::vector<session_record>> list_user(std::string_view user_id) override {
        if (user_id.empty()) return std::vector<session_record>{};
        auto r = run(postgres_query::list_user, {std::string(user_id), now_ms()});
        if (!r) return fail(r.error());
        std::vector<session_record> out;
        const int rows = PQntuples(r->get());
        out.reserve(static_cast<std::size_t>(rows));
        for (int i = 0; i < rows; ++i)
            if (auto rec = read_record(r->get(), i)) out.push_back(std::move(*rec));
        // Then the user's sessions in Auth.js's table (the database strategy's, or a next-auth
        // app's on the same database).
        auto a = run(postgres_query::authjs_list_user, {std::string(user_id), now_ms()});
        if (!a) return fail(a.error());
        for (int i = 0, n = PQntuples(a->get()); i < n; ++i)
            if (auto rec = read_authjs_record(a->get(), i)) out.push_back(std::move(*rec));
        return out;
    }

    result<std::size_t> erase_user(std::string_view user_id, std::string_view keep) override {
        if (user_id.empty()) return 0;
        auto r = run(postgres_query::erase_user, {std::string(user_id), std::string(keep), now_ms()});
        if (!r) return fail(r.error());
        auto a = run(postgres_query::authjs_erase_user, {std::string(user_id), std::string(keep), now_ms()});
        if (!a) return fail(a.error());
        if (PQntuples(a->get()) != 1) return fail(errc::store_unavailable);
        return rows_changed(*r) + static_cast<std::size_t>(std::strtoull(PQgetvalue(a->get(), 0, 0), nullptr, 10));
    }

    bool keeps_authjs_sessions() const noexcept override { return true; }

    // An empty jti or a denial already over matches no token: nothing to keep.
    result<void> deny(std::string_view jti, clock::time_point until) override {
        if (jti.empty() || to_unix_ms(until) <= to_unix_ms(clock_.now())) return {};
        auto r = run(postgres_query::deny, {std::string(jti), std::to_string(to_unix_ms(until))});
        if (!r) return fail(r.error());
        return {};
    }

    result<void> set_not_before(std::string_view user_id, clock::time_point t) override {
        if (user_id.empty()) return {};
        auto r = run(postgres_query::set_not_before, {std::string(user_id), std::to_string(to_unix_ms(t))});
        if (!r) return fail(r.error());
        return {};
    }

    result<bool> revoked(std::string_view jti, std::string_view user_id, clock::time_point issued_at) override {
        auto r = run(postgres_query::revoked,
                     {std::string(jti), std::string(user_id), std::to_string(to_unix_ms(issued_at)), now_ms()});
        if (!r) return fail(r.error());
        return first_bool(*r);
    }

    // The count is of session records; expired deny-list entries go in the same call, up to the
    // same bound, uncounted. Every process on the database purges (purger_); they skip the rows
    // another one is deleting instead of queueing behind it (SKIP LOCKED).
    result<std::size_t> purge_expired(std::size_t max) override {
        if (max == 0) return 0;
        const auto batch = std::min<std::size_t>(max, std::numeric_limits<std::int64_t>::max());
        auto r = run(postgres_query::purge, {now_ms(), std::to_string(batch)});
        if (!r) return fail(r.error());
        if (PQntuples(r->get()) != 1) return fail(errc::store_unavailable);
        return static_cast<std::size_t>(std::strtoull(PQgetvalue(r->get(), 0, 0), nullptr, 10));
    }

private:
    std::string now_ms() const { return std::to_string(to_unix_ms(clock_.now())); }

    // One statement on a leased connection, the whole call (waiting for a connection, opening it,
    // the statement) within store_options::timeout.
    result<pg_result> run(postgres_query q, std::vector<std::string> params) {
        const auto deadline = db_->deadline();
        auto c = db_->pool().acquire(deadline);
        if (!c) return fail(c.error());
        return (*c)->run(q, params, deadline);
    }

    const sesh::clock& clock_;
    const store_options options_;
    std::shared_ptr<postgres_database> db_;
    std::optional<background_purge> purger_;  // last: stopped while everything it uses is alive
};

}  // namespace

result<std::unique_ptr<store>> make_store(const std::shared_ptr<postgres_database>& db, const store_options& options) {
    // A zero interval would spin the purge thread against the database.
    if (options.purge_batch > 0 && options.purge_interval <= std::chrono::milliseconds::zero())
        return fail(errc::invalid_argument);
    return std::unique_ptr<store>(std::make_unique<postgres_store>(db, options));
}

}  // namespace sesh::detail
