// `postgres://…` user store: accounts in Auth.js's `users` table (name, email, as the adapter's
// createUser writes them) with the login name, password hash and times in sesh_passwords beside
// it (migration 2, postgres_schema.cpp); accounts at sign-in providers in Auth.js's `accounts`. A user's id is its `users` row's id, as text: the id
// next-auth's `sessions."userId"` holds, so both sides name the same person.
#include <cstdlib>

#include "auth/offloaded_user_store.hpp"
#include "auth/user_backends.hpp"
#include "core/unix_ms.hpp"
#include "store/postgres/postgres_transaction.hpp"

namespace sesh::detail {
namespace {

std::string pg_user_text(const PGresult* r, int row, int c) {
    return {PQgetvalue(r, row, c), static_cast<std::size_t>(PQgetlength(r, row, c))};
}

user read_pg_user(const PGresult* r, int row) {
    user u;
    u.id = pg_user_text(r, row, 0);
    u.name = pg_user_text(r, row, 1);
    u.email = pg_user_text(r, row, 2);
    u.password_hash = pg_user_text(r, row, 3);
    u.created = from_unix_ms(std::strtoll(PQgetvalue(r, row, 4), nullptr, 10)).value_or(clock::time_point{});
    u.password_changed = from_unix_ms(std::strtoll(PQgetvalue(r, row, 5), nullptr, 10)).value_or(clock::time_point{});
    return u;
}

linked_account read_pg_account(const PGresult* r, int row) {
    linked_account a;
    a.provider = pg_user_text(r, row, 0);
    a.provider_account_id = pg_user_text(r, row, 1);
    a.user_id = pg_user_text(r, row, 2);
    a.type = pg_user_text(r, row, 3);
    a.access_token = pg_user_text(r, row, 4);
    a.refresh_token = pg_user_text(r, row, 5);
    a.id_token = pg_user_text(r, row, 6);
    a.token_type = pg_user_text(r, row, 7);
    a.scope = pg_user_text(r, row, 8);
    a.session_state = pg_user_text(r, row, 9);
    a.expires_at = std::strtoll(PQgetvalue(r, row, 10), nullptr, 10);
    return a;
}

class postgres_user_store final : public offloaded_user_store {
public:
    explicit postgres_user_store(std::shared_ptr<postgres_database> db)
        : offloaded_user_store(db->workers()), db_(std::move(db)) {}
    ~postgres_user_store() override { drain(); }

    result<std::optional<user>> find_by_name(std::string_view name) override {
        return find(postgres_query::user_find_by_name, name);
    }
    result<std::optional<user>> find_by_id(std::string_view id) override {
        return find(postgres_query::user_find_by_id, id);
    }

    // The `users` row takes the id its table gives it (SERIAL in the adapter's schema): u.id is
    // not used, and callers read the user back by name (seshd's sign-up does).
    result<void> create(const user& u) override {
        if (!user_is_well_formed(u)) return fail(errc::invalid_argument);
        postgres_transaction tx(*db_);
        if (auto b = tx.begin(); !b) return b;
        auto r = tx.run(postgres_query::user_create,
                        {u.name, u.email, u.password_hash, std::to_string(to_unix_ms(u.created)),
                         std::to_string(to_unix_ms(u.password_changed))});
        if (!r) return fail(r.error());
        // The name was taken: the `users` row inserted before it goes with the rollback.
        if (PQntuples(r->get()) == 0) return fail(errc::already_exists);
        return tx.commit();
    }

    result<void> set_password(std::string_view id, std::string_view hash, clock::time_point changed) override {
        auto r = run(postgres_query::user_set_password,
                     {std::string(id), std::string(hash), std::to_string(to_unix_ms(changed))});
        if (!r) return fail(r.error());
        if (std::strtoull(PQcmdTuples(r->get()), nullptr, 10) == 0) return fail(errc::not_found);
        return {};
    }

    result<void> erase(std::string_view id) override {
        auto r = run(postgres_query::user_erase, {std::string(id)});
        if (!r) return fail(r.error());
        return {};
    }

    result<std::vector<user>> list() override {
        auto r = run(postgres_query::user_list, {});
        if (!r) return fail(r.error());
        std::vector<user> out;
        for (int i = 0, n = PQntuples(r->get()); i < n; ++i) out.push_back(read_pg_user(r->get(), i));
        return out;
    }

    result<std::optional<user>> find_by_email(std::string_view email) override {
        if (email.empty()) return std::nullopt;
        return find(postgres_query::user_find_by_email, email);
    }

    result<std::optional<linked_account>> find_account(std::string_view provider,
                                                       std::string_view provider_account_id) override {
        auto r = run(postgres_query::account_find, {std::string(provider), std::string(provider_account_id)});
        if (!r) return fail(r.error());
        if (PQntuples(r->get()) == 0) return std::nullopt;
        return read_pg_account(r->get(), 0);
    }

    result<void> link_account(const linked_account& a) override {
        if (!account_is_well_formed(a)) return fail(errc::invalid_argument);
        postgres_transaction tx(*db_);
        if (auto b = tx.begin(); !b) return b;
        if (auto l = tx.run(postgres_query::account_lock, {}); !l) return fail(l.error());
        auto r = tx.run(postgres_query::account_link,
                        {a.user_id, a.type, a.provider, a.provider_account_id, a.access_token, a.refresh_token, a.id_token,
                         a.token_type, a.scope, a.session_state, std::to_string(a.expires_at)});
        if (!r) return fail(r.error());
        if (std::strtoll(PQgetvalue(r->get(), 0, 0), nullptr, 10) > 0) return fail(errc::already_exists);
        if (std::strtoll(PQgetvalue(r->get(), 0, 1), nullptr, 10) == 0) return fail(errc::not_found);
        return tx.commit();
    }

    result<std::vector<linked_account>> list_accounts(std::string_view user_id) override {
        auto r = run(postgres_query::account_list, {std::string(user_id)});
        if (!r) return fail(r.error());
        std::vector<linked_account> out;
        for (int i = 0, n = PQntuples(r->get()); i < n; ++i) out.push_back(read_pg_account(r->get(), i));
        return out;
    }

private:
    result<pg_result> run(postgres_query q, const std::vector<std::string>& params) {
        const auto deadline = db_->deadline();
        auto c = db_->pool().acquire(deadline);
        if (!c) return fail(c.error());
        return (*c)->run(q, params, deadline);
    }

    result<std::optional<user>> find(postgres_query q, std::string_view key) {
        auto r = run(q, {std::string(key)});
        if (!r) return fail(r.error());
        if (PQntuples(r->get()) == 0) return std::nullopt;
        return read_pg_user(r->get(), 0);
    }

    std::shared_ptr<postgres_database> db_;
};

}  // namespace

result<std::unique_ptr<user_store>> make_user_store(const std::shared_ptr<postgres_database>& db, const store_options&) {
    return std::unique_ptr<user_store>(std::make_unique<postgres_user_store>(db));
}

}  // namespace sesh::detail
