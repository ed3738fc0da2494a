// Signing a request in: throttle, lookup, argon2id off the I/O threads (through the hashing gate),
// rotation.
#include <boost/asio/use_awaitable.hpp>
#include <sesh/log.hpp>

#include <sesh/async_throttle.hpp>
#include <sesh/async_users.hpp>
#include <sesh/error.hpp>
#include <sesh/log_escape.hpp>

#include "seshd/app.hpp"

namespace sesh::seshd {

http::awaitable<login_result> sign_in(http::context& ctx, app& a, std::string_view typed_name,
                                      std::string_view typed_password) {
    const std::string name = normalize_user_name(typed_name);
    const std::string address(ctx.client_address());
    // Request-derived text is escaped before it reaches the log (issue 17: a newline in a name
    // forged log lines).
    const std::string logged_name = escape_for_log(name);
    const std::string logged_address = escape_for_log(address);
    // The counts may be on another machine (Redis): awaited, and an outage refuses the attempt
    // (503) rather than letting it through unthrottled.
    const auto wait = co_await async_check(a.throttle, name, address, boost::asio::use_awaitable);
    if (!wait) {
        a.metrics.store_error();
        co_return login_result{login_outcome::unavailable};
    }
    if (wait->count() > 0) {
        a.metrics.login_failure();
        sesh::logger()->info("login throttled for {} from {}", logged_name, logged_address);
        co_return login_result{login_outcome::throttled, *wait};
    }
    auto found = co_await async_find_by_name(*a.users, name, boost::asio::use_awaitable);
    if (!found) {
        a.metrics.store_error();
        co_return login_result{login_outcome::unavailable};
    }
    const password_params params = a.config.password;
    const std::string password(typed_password);
    const std::string hash = *found ? (*found)->password_hash : std::string();
    // An unknown name costs the same argon2id work as a wrong password: no enumeration by time.
    const auto ok = co_await a.hashing.run(ctx, hashing_gate::kind::sign_in, [&] {
        return *found ? verify_password(hash, password) : verify_dummy_password(password, params);
    });
    if (!ok) {
        sesh::logger()->warn("login refused for {} from {}: the hashing queue is full", logged_name, logged_address);
        co_return login_result{login_outcome::busy, std::chrono::seconds(1)};
    }
    if (!*ok) {
        // A failure that cannot be counted is not answered as an ordinary one: the guesser
        // would get it for free.
        if (!(co_await async_record_failure(a.throttle, name, address, boost::asio::use_awaitable)).has_value()) {
            a.metrics.store_error();
            co_return login_result{login_outcome::unavailable};
        }
        a.metrics.login_failure();
        sesh::logger()->info("login failed for {} from {}", logged_name, logged_address);
        co_return login_result{login_outcome::invalid};
    }
    const user& u = **found;
    if (password_needs_rehash(hash, params)) {
        // Skipped when the gate is full: the next sign-in rehashes.
        auto fresh = co_await a.hashing.run(ctx, hashing_gate::kind::sign_in, [&] { return hash_password(password, params); });
        if (fresh && *fresh)
            (void)co_await async_set_password(*a.users, u.id, **fresh, u.password_changed, boost::asio::use_awaitable);
    }
    if (!(co_await async_record_success(a.throttle, name, address, boost::asio::use_awaitable)).has_value())
        sesh::logger()->warn("login for {} from {}: its earlier failures could not be cleared", logged_name, logged_address);
    if (!co_await start_user_session(ctx, u)) co_return login_result{login_outcome::unavailable};
    sesh::logger()->info("login for {} from {}", logged_name, logged_address);
    co_return login_result{login_outcome::ok};
}

http::awaitable<result<void>> start_user_session(http::context& ctx, const user& u) {
    auto s = co_await ctx.session();
    if (!s) co_return fail(s.error());
    ctx.sessions().regenerate(**s);  // a new token at login: no session fixation
    (*s)->set_user_id(u.id);
    // `username` is the identity, fixed for the session; `name` starts equal to it but is the
    // display name next-auth's update() may change (issue 17, finding 4).
    (*s)->set("username", boost::json::string(u.name));
    (*s)->set("name", boost::json::string(u.name));
    (*s)->set("email", u.email.empty() ? boost::json::value(nullptr) : boost::json::value(u.email));
    (*s)->set("picture", nullptr);
    co_return result<void>{};
}

std::optional<std::string> signed_in_username(const session& s) {
    if (s.user_id().empty()) return std::nullopt;
    if (auto u = s.get_string("username")) return std::string(*u);
    if (auto n = s.get_string("name")) return std::string(*n);
    return s.user_id();
}

}  // namespace sesh::seshd
