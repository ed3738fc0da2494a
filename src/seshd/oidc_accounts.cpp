// Provider accounts as seshd users: a login name derived from (issuer, subject), a locked password.
#include "seshd/oidc_accounts.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <sesh/async_users.hpp>
#include <sesh/encoding.hpp>
#include <sesh/error.hpp>

#include "core/crypto.hpp"

namespace sesh::seshd {

std::string provider_user_name(std::string_view issuer, std::string_view subject) {
    std::string input(issuer);
    input += '\n';
    input += subject;
    const auto digest = detail::sha256(as_bytes(input));
    return std::string(provider_user_prefix) + hex_encode(digest).substr(0, 40);
}

http::awaitable<result<user>> provider_account_user(app& a, std::string_view issuer, const oidc_profile& p) {
    const std::string name = provider_user_name(issuer, p.subject);
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto found = co_await async_find_by_name(*a.users, name, boost::asio::use_awaitable);
        if (!found) co_return fail(found.error());
        if (*found) {
            if ((*found)->password_hash != provider_password_hash) co_return fail(errc::already_exists);
            co_return std::move(**found);
        }
        user u;
        u.id = make_user_id();
        u.name = name;
        const auto* email = p.claims.if_contains("email");
        if (email && email->is_string()) {
            std::string e = normalize_user_name(email->as_string());  // next-auth lower-cases it too
            if (is_valid_email(e)) u.email = std::move(e);
        }
        u.password_hash = std::string(provider_password_hash);
        u.created = std::chrono::system_clock::now();
        u.password_changed = u.created;
        auto created = co_await async_create(*a.users, u, boost::asio::use_awaitable);
        if (created) co_return u;
        // Two first sign-ins at once: the other one made it; read it back.
        if (created.error() != errc::already_exists) co_return fail(created.error());
    }
    co_return fail(errc::store_unavailable);
}

}  // namespace sesh::seshd
