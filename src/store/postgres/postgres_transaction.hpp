// One transaction on a leased connection, for the few writes that take more than one statement
// (an account, a login failure): rolled back unless committed.
#pragma once

#include "store/postgres/postgres_database.hpp"

namespace sesh::detail {

/// BEGIN on construction (begin() reports it), ROLLBACK on destruction unless commit() ran.
/// Holds the connection's lease for its whole life. Not thread-safe (one caller's call).
class postgres_transaction {
public:
    explicit postgres_transaction(postgres_database& db) : db_(db), deadline_(db.deadline()) {}
    postgres_transaction(const postgres_transaction&) = delete;
    postgres_transaction& operator=(const postgres_transaction&) = delete;
    ~postgres_transaction() {
        if (open_) (void)(*lease_)->exec("ROLLBACK", deadline_, "rolling back");
    }

    /// Takes a connection and starts the transaction; errc::store_unavailable.
    [[nodiscard]] result<void> begin() {
        auto l = db_.pool().acquire(deadline_);
        if (!l) return fail(l.error());
        lease_.emplace(std::move(*l));
        auto r = (*lease_)->exec("BEGIN", deadline_, "starting a transaction");
        if (!r) return fail(r.error());
        open_ = true;
        return {};
    }
    /// One of the store's statements inside the transaction.
    [[nodiscard]] result<pg_result> run(postgres_query q, const std::vector<std::string>& params) {
        return (*lease_)->run(q, params, deadline_);
    }
    /// Commits; errc::store_unavailable if the server did not (nothing was written then).
    [[nodiscard]] result<void> commit() {
        open_ = false;  // a failed COMMIT rolls back by itself
        auto r = (*lease_)->exec("COMMIT", deadline_, "committing");
        if (!r) return fail(r.error());
        return {};
    }

private:
    postgres_database& db_;
    postgres_deadline deadline_;
    std::optional<postgres_pool::lease> lease_;
    bool open_ = false;
};

}  // namespace sesh::detail
