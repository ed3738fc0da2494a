// `postgres://…` throttle counts: one row per failure in sesh_throttle (migration 2), so every
// node on the database counts together; the SQLite store's design (sqlite_throttle_store.cpp),
// with an advisory lock where SQLite has its one writer.
#include <cstdlib>

#include "auth/throttle_backends.hpp"
#include "core/unix_ms.hpp"
#include "store/offloaded_calls.hpp"
#include "store/postgres/postgres_transaction.hpp"

namespace sesh::detail {
namespace {

enum pg_throttle_kind : int { pg_pair_kind = 0, pg_address_kind = 1, pg_account_kind = 2 };

std::string pg_cutoff_ms(clock::time_point now) { return std::to_string(to_unix_ms(now - throttle_hour)); }

// The parameters $1 kind, $2 account, $3 address of one key, as the SQLite store keys them.
std::vector<std::string> pg_throttle_key(pg_throttle_kind kind, std::string_view account, std::string_view address,
                                         std::string extra) {
    return {std::to_string(static_cast<int>(kind)), kind == pg_address_kind ? std::string() : std::string(account),
            kind == pg_account_kind ? std::string() : std::string(address), std::move(extra)};
}

class postgres_throttle_store final : public throttle_store {
public:
    explicit postgres_throttle_store(std::shared_ptr<postgres_database> db)
        : db_(std::move(db)), calls_(db_->workers()) {}

    result<throttle_failures> load(std::string_view account, std::string_view address, clock::time_point now) override {
        const auto deadline = db_->deadline();
        auto c = db_->pool().acquire(deadline);
        if (!c) return fail(c.error());
        auto r = (*c)->run(postgres_query::throttle_load,
                           {std::string(account), std::string(address), pg_cutoff_ms(now)}, deadline);
        if (!r) return fail(r.error());
        throttle_failures out;
        for (int i = 0, n = PQntuples(r->get()); i < n; ++i) {
            const auto at = from_unix_ms(std::strtoll(PQgetvalue(r->get(), i, 1), nullptr, 10)).value_or(clock::time_point{});
            switch (std::atoi(PQgetvalue(r->get(), i, 0))) {
                case pg_pair_kind: out.pair.push_back(at); break;
                case pg_address_kind: out.address.push_back(at); break;
                case pg_account_kind: out.account.push_back(at); break;
                default: break;
            }
        }
        return out;
    }

    result<void> add_failure(std::string_view account, std::string_view address, clock::time_point now,
                             const throttle_keep& keep) override {
        postgres_transaction tx(*db_);
        if (auto b = tx.begin(); !b) return b;
        // The lock first: the pair's count is read and acted on by one process at a time.
        if (auto r = tx.run(postgres_query::throttle_lock, {}); !r) return fail(r.error());
        if (auto r = tx.run(postgres_query::throttle_forget, {pg_cutoff_ms(now)}); !r) return fail(r.error());
        const std::string at = std::to_string(to_unix_ms(now));
        for (auto [kind, n] : {std::pair{pg_pair_kind, keep.pair}, std::pair{pg_address_kind, keep.address}}) {
            if (auto r = add_and_trim(tx, kind, account, address, at, n); !r) return r;
        }
        auto in_hour = tx.run(postgres_query::throttle_count, {std::string(account), std::string(address)});
        if (!in_hour) return fail(in_hour.error());
        if (std::strtoull(PQgetvalue(in_hour->get(), 0, 0), nullptr, 10) <= keep.share)
            if (auto r = add_and_trim(tx, pg_account_kind, account, address, at, keep.account); !r) return r;
        return tx.commit();
    }

    result<void> clear_pair(std::string_view account, std::string_view address) override {
        const auto deadline = db_->deadline();
        auto c = db_->pool().acquire(deadline);
        if (!c) return fail(c.error());
        auto r = (*c)->run(postgres_query::throttle_clear, {std::string(account), std::string(address)}, deadline);
        if (!r) return fail(r.error());
        return {};
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
    static result<void> add_and_trim(postgres_transaction& tx, pg_throttle_kind kind, std::string_view account,
                                     std::string_view address, const std::string& at, std::size_t keep) {
        if (auto r = tx.run(postgres_query::throttle_add, pg_throttle_key(kind, account, address, at)); !r)
            return fail(r.error());
        if (auto r = tx.run(postgres_query::throttle_trim, pg_throttle_key(kind, account, address, std::to_string(keep))); !r)
            return fail(r.error());
        return {};
    }

    std::shared_ptr<postgres_database> db_;
    offloaded_calls calls_;  // after db_: drained (in its destructor) before the pool may close
};

}  // namespace

result<std::shared_ptr<throttle_store>> make_throttle_store(const std::shared_ptr<postgres_database>& db,
                                                            const store_options&) {
    return std::shared_ptr<throttle_store>(std::make_shared<postgres_throttle_store>(db));
}

}  // namespace sesh::detail
