// Creating an account: the checks, the throttle, the hash, the insert, the first session.
#include <boost/asio/use_awaitable.hpp>
#include <sesh/log.hpp>

#include <sesh/async_users.hpp>
#include <sesh/error.hpp>
#include <sesh/log_escape.hpp>

#include "seshd/app.hpp"
#include "seshd/client_key.hpp"
#include "seshd/oidc_accounts.hpp"

namespace sesh::seshd {

http::awaitable<signup_result> sign_up(http::context& ctx, app& a, std::string_view typed_name,
                                       std::string_view typed_password, std::string_view email) {
    using http::status;
    const std::string name = normalize_user_name(typed_name);
    if (!is_valid_user_name(name))
        co_return signup_result{status::bad_request,
                                "Username: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."};
    // Reserved for provider accounts (oidc_accounts.hpp): a sign-up must not squat one.
    if (name.starts_with(provider_user_prefix))
        co_return signup_result{status::bad_request, "Username: names starting with 'oidc-' are reserved."};
    if (!is_valid_email(email)) co_return signup_result{status::bad_request, "E-mail address is not valid."};

    // The gate first, so a sign-up refused for want of a hashing thread (503) costs the client
    // none of its sign-ups; the ticket is held until the hash is done.
    auto ticket = a.hashing.try_enter(hashing_gate::kind::sign_up);
    if (!ticket) {
        co_return signup_result{status::service_unavailable, "Busy, try again shortly.", std::chrono::seconds(1)};
    }
    // Issue 17: sign-ups per address, counted before the strength check and the hash (the costly
    // parts) whatever their outcome.
    const std::string address(ctx.client_address());
    const std::string key = client_key(address);
    if (const auto wait = a.signups.try_acquire(key); wait.count() > 0) {
        sesh::logger()->info("sign-up throttled from {}", escape_for_log(address));
        co_return signup_result{status::too_many_requests, "Too many sign-ups from this address, try again later.", wait};
    }
    const std::string_view personal[] = {name, email};
    if (const auto problem = check_new_password(typed_password, personal); problem != password_problem::none)
        co_return signup_result{status::bad_request, std::string(describe(problem))};

    const std::string password(typed_password);
    const password_params params = a.config.password;
    auto hash = co_await http::offload(ctx, [&] { return hash_password(password, params); });
    ticket.reset();
    // A failure on seshd's side (here and below) gives the client its sign-up back.
    if (!hash) {
        a.signups.refund(key);
        co_return signup_result{status::service_unavailable, "Try again later."};
    }

    const auto now = system_clock().now();
    user u{make_user_id(), name, std::string(email), std::move(*hash), now, now};
    if (auto created = co_await async_create(*a.users, u, boost::asio::use_awaitable); !created) {
        if (created.error() == errc::already_exists) co_return signup_result{status::conflict, "That username is taken."};
        a.metrics.store_error();
        a.signups.refund(key);
        co_return signup_result{status::service_unavailable, "Try again later."};
    }
    sesh::logger()->info("account created: {} from {}", escape_for_log(name), escape_for_log(address));
    // Read back: a store may give the account an id of its own (PostgreSQL: the `users` row's).
    auto stored = co_await async_find_by_name(*a.users, u.name, boost::asio::use_awaitable);
    if (!stored || !*stored) co_return signup_result{status::service_unavailable, "Try again later."};
    u = std::move(**stored);
    if (!co_await start_user_session(ctx, u)) co_return signup_result{status::service_unavailable, "Try again later."};
    co_return signup_result{};
}

}  // namespace sesh::seshd
