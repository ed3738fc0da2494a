// Provider accounts and their users: next-auth's account rules over the user store.
#include "seshd/oidc_accounts.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <sesh/async_users.hpp>
#include <sesh/encoding.hpp>
#include <sesh/error.hpp>
#include <sesh/log.hpp>
#include <sesh/log_escape.hpp>

#include "core/crypto.hpp"

namespace sesh::seshd {
namespace {

// Links the account to `u`. A concurrent callback of the same account may have linked it first:
// then the account's own user wins if it is `u`, else the link is refused as next-auth would.
http::awaitable<result<void>> link_to(app& a, const provider_identity& id, const user& u) {
    linked_account acct = id.account;
    acct.user_id = u.id;
    auto linked = co_await async_link_account(*a.users, std::move(acct), boost::asio::use_awaitable);
    if (linked) {
        sesh::logger()->info("account of {} linked to {}", escape_for_log(id.account.provider), escape_for_log(u.name));
        co_return result<void>{};
    }
    if (linked.error() != errc::already_exists) co_return fail(linked.error());
    auto now = co_await async_find_account(*a.users, id.account.provider, id.account.provider_account_id,
                                           boost::asio::use_awaitable);
    if (!now) co_return fail(now.error());
    if (*now && (*now)->user_id == u.id) co_return result<void>{};
    co_return fail(errc::already_exists);
}

}  // namespace

std::string provider_user_name(std::string_view issuer, std::string_view subject) {
    std::string input(issuer);
    input += '\n';
    input += subject;
    const auto digest = detail::sha256(as_bytes(input));
    return std::string(provider_user_prefix) + hex_encode(digest).substr(0, 40);
}

http::awaitable<result<provider_login>> provider_account_user(app& a, const provider_signin& p, const provider_identity& id,
                                                              const std::optional<user>& current) {
    auto known = co_await async_find_account(*a.users, id.account.provider, id.account.provider_account_id,
                                             boost::asio::use_awaitable);
    if (!known) co_return fail(known.error());
    if (*known) {
        if (current) {
            if (current->id == (*known)->user_id) co_return provider_login{*current, true};
            // next-auth: "The account is already associated with another user".
            co_return fail(errc::already_exists);
        }
        auto owner = co_await async_find_by_id(*a.users, (*known)->user_id, boost::asio::use_awaitable);
        if (!owner) co_return fail(owner.error());
        // An account whose user is gone (erased by a next-auth app's adapter, say) signs no one in.
        if (!*owner) co_return fail(errc::not_found);
        co_return provider_login{std::move(**owner), false};
    }
    if (current) {
        auto linked = co_await link_to(a, id, *current);
        if (!linked) co_return fail(linked.error());
        co_return provider_login{*current, true};
    }

    const std::string name = provider_user_name(p.name_key, id.account.provider_account_id);
    for (int attempt = 0; attempt < 2; ++attempt) {
        // A user this provider made before accounts were recorded (or a concurrent first sign-in).
        auto by_name = co_await async_find_by_name(*a.users, name, boost::asio::use_awaitable);
        if (!by_name) co_return fail(by_name.error());
        if (*by_name) {
            // Sign-up refuses the prefix; a password user with the name (made by `sesh user add`)
            // is not this account's to take.
            if ((*by_name)->password_hash != provider_password_hash) co_return fail(errc::already_exists);
            auto linked = co_await link_to(a, id, **by_name);
            if (!linked) co_return fail(linked.error());
            co_return provider_login{std::move(**by_name), false};
        }
        if (!id.email.empty()) {
            auto by_email = co_await async_find_by_email(*a.users, id.email, boost::asio::use_awaitable);
            if (!by_email) co_return fail(by_email.error());
            if (*by_email) {
                // next-auth: "Another account already exists with the same e-mail address",
                // unless the provider is trusted to have verified it.
                if (!p.allow_email_linking || !id.email_verified) co_return fail(errc::already_exists);
                auto linked = co_await link_to(a, id, **by_email);
                if (!linked) co_return fail(linked.error());
                co_return provider_login{std::move(**by_email), false};
            }
        }
        user u;
        u.id = make_user_id();
        u.name = name;
        u.email = id.email;
        u.password_hash = std::string(provider_password_hash);
        u.created = std::chrono::system_clock::now();
        u.password_changed = u.created;
        auto created = co_await async_create(*a.users, u, boost::asio::use_awaitable);
        if (!created) {
            // Two first sign-ins at once: the other one made it; read it back.
            if (created.error() != errc::already_exists) co_return fail(created.error());
            continue;
        }
        // Read back: a store may give the account an id of its own (PostgreSQL: the `users` row's).
        auto stored = co_await async_find_by_name(*a.users, name, boost::asio::use_awaitable);
        if (!stored) co_return fail(stored.error());
        if (!*stored) co_return fail(errc::store_unavailable);
        auto linked = co_await link_to(a, id, **stored);
        if (!linked) co_return fail(linked.error());
        sesh::logger()->info("account created: {} through {}", escape_for_log(name), escape_for_log(p.id));
        co_return provider_login{std::move(**stored), false};
    }
    co_return fail(errc::store_unavailable);
}

}  // namespace sesh::seshd
