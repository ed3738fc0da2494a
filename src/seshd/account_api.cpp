// The account API: sign-up, my sessions, revoking them, and changing the password.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <sesh/async_throttle.hpp>
#include <sesh/async_users.hpp>
#include <sesh/http/body.hpp>
#include <sesh/http/middleware.hpp>

#include "seshd/app.hpp"
#include "seshd/oidc_accounts.hpp"
#include "seshd/refusals.hpp"

namespace sesh::seshd {
namespace {

using boost::json::object;
using http::status;


// As the guides' JSON routes: application/json only (the CSRF defence, see guide_api.cpp).
std::optional<object> json_body(http::context& ctx, http::response& refusal) {
    if (!http::content_type_is(ctx.header(http::field::content_type), "application/json")) {
        refusal = http::json_error(status::unsupported_media_type, "Content-Type must be application/json");
        return std::nullopt;
    }
    auto body = http::parse_json_object(ctx.req().body());
    if (!body) {
        refusal = http::json_error(status::bad_request, "Body must be a JSON object");
        return std::nullopt;
    }
    return std::move(*body);
}

std::string_view string_field(const object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

}  // namespace

void add_account_routes(http::router& r, app& a) {
    r.add(http::verb::post, "/api/signup", [&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        auto body = json_body(ctx, refusal);
        if (!body) co_return refusal;
        const auto result = co_await sign_up(ctx, a, string_field(*body, "username"), string_field(*body, "password"),
                                             string_field(*body, "email"));
        if (result.status != status::created) {
            auto res = http::json_error(result.status, result.error);
            if (result.retry_after.count() > 0) res = with_retry_after(std::move(res), result.retry_after);
            co_return res;
        }
        co_return http::json_response(status::created, object{{"message", "Account created"}});
    });

    r.add(http::verb::get, "/api/sessions", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        const session& s = **co_await ctx.session();
        boost::json::array out;
        if (a.sessions.lists_sessions()) {
            auto list = co_await a.sessions.async_list(s.user_id());
            if (!list) co_return store_down();
            for (const auto& d : *list)
                out.push_back(object{{"id", d.id}, {"current", d.id == s.id()}, {"userAgent", d.user_agent},
                                     {"address", d.address}, {"created", iso8601_ms(d.created)},
                                     {"lastSeen", iso8601_ms(d.last_seen)}, {"expires", iso8601_ms(d.expires)}});
        }
        co_return http::json_response(status::ok, object{{"sessions", std::move(out)}});
    }));

    // {"id": "<session id>"} ends one of my sessions; {"others": true} all but this one.
    r.add(http::verb::post, "/api/sessions/revoke", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        auto body = json_body(ctx, refusal);
        if (!body) co_return refusal;
        session& s = **co_await ctx.session();
        if (const auto* others = body->if_contains("others"); others && others->is_bool() && others->as_bool()) {
            auto n = co_await a.sessions.async_revoke_others(s);
            if (!n) co_return store_down();
            co_return http::json_response(status::ok, object{{"revoked", *n}});
        }
        const auto id = string_field(*body, "id");
        if (id.empty() || !a.sessions.lists_sessions())
            co_return http::json_error(status::bad_request, "Give {\"id\": …} of one of your sessions, or {\"others\": true}");
        auto mine = co_await a.sessions.async_list(s.user_id());
        if (!mine) co_return store_down();
        for (const auto& d : *mine) {
            if (d.id != id) continue;
            if (!co_await a.sessions.async_revoke(d.id)) co_return store_down();
            co_return http::json_response(status::ok, object{{"revoked", 1}});
        }
        co_return http::json_error(status::not_found, "No such session");
    }));

    // A password change ends every other session of the user (ASVS 3.3.3). Wrong current
    // passwords count in the login throttle, as failed sign-ins of the same account from the
    // same address (issue 17: a stolen session could guess without limit).
    r.add(http::verb::post, "/api/password", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        auto body = json_body(ctx, refusal);
        if (!body) co_return refusal;
        session& s = **co_await ctx.session();
        const std::string current(string_field(*body, "currentPassword"));
        const std::string next(string_field(*body, "newPassword"));
        auto u = co_await async_find_by_id(*a.users, s.user_id(), boost::asio::use_awaitable);
        if (!u) co_return store_down();
        if (!*u) co_return http::json_error(status::unauthorized, "Not authenticated");
        // A provider user has no password to give: the first one is set on /profile.
        if ((*u)->password_hash == provider_password_hash)
            co_return http::json_error(status::conflict, "No password is set yet: set one on /profile");
        const std::string_view personal[] = {(*u)->name, (*u)->email};
        if (const auto problem = check_new_password(next, personal); problem != password_problem::none)
            co_return http::json_error(status::bad_request, describe(problem));
        const std::string account = normalize_user_name((*u)->name);
        const std::string address(ctx.client_address());
        const auto wait = co_await async_check(a.throttle, account, address, boost::asio::use_awaitable);
        if (!wait) co_return store_down();
        if (wait->count() > 0) {
            a.metrics.login_failure();
            co_return with_retry_after(http::json_error(status::too_many_requests, "Too many attempts, try again later"), *wait);
        }
        const std::string hash = (*u)->password_hash;
        const password_params params = a.config.password;
        const auto ok = co_await a.hashing.run(ctx, hashing_gate::kind::sign_in, [&] { return verify_password(hash, current); });
        if (!ok) co_return hashing_busy();
        if (!*ok) {
            if (!(co_await async_record_failure(a.throttle, account, address, boost::asio::use_awaitable)).has_value())
                co_return store_down();
            a.metrics.login_failure();
            co_return http::json_error(status::forbidden, "Current password is wrong");
        }
        if (!(co_await async_record_success(a.throttle, account, address, boost::asio::use_awaitable)).has_value())
            co_return store_down();
        auto fresh = co_await a.hashing.run(ctx, hashing_gate::kind::sign_in, [&] { return hash_password(next, params); });
        if (!fresh) co_return hashing_busy();
        if (!*fresh) co_return store_down();
        auto stored = co_await async_set_password(*a.users, (*u)->id, **fresh, system_clock().now(), boost::asio::use_awaitable);
        if (!stored) co_return store_down();
        auto ended = co_await a.sessions.async_revoke_others(s);
        if (!ended) co_return store_down();
        co_return http::json_response(status::ok, object{{"message", "Password changed"}, {"revoked", *ended}});
    }));
}

}  // namespace sesh::seshd
