// The Next.js session guides' own endpoints: /api/login, /api/logout, /api/profile, /api/hello
// (the getServerSession sample) and /api/user (the iron-session sample), with their exact JSON.
#include <boost/json/object.hpp>

#include <sesh/http/body.hpp>

#include "seshd/app.hpp"
#include "seshd/refusals.hpp"

namespace sesh::seshd {
namespace {

using boost::json::object;
using http::status;

http::response message(status s, std::string_view text) { return http::json_response(s, object{{"message", text}}); }

// JSON APIs take only `Content-Type: application/json`: a cross-site HTML form cannot send it
// without a CORS preflight, which seshd never grants, so these routes need no CSRF token.
std::optional<http::response> refuse_non_json(http::context& ctx) {
    if (http::content_type_is(ctx.header(http::field::content_type), "application/json")) return std::nullopt;
    return http::json_error(status::unsupported_media_type, "Content-Type must be application/json");
}

}  // namespace

void add_guide_routes(http::router& r, app& a) {
    r.add(http::verb::post, "/api/login", [&a](http::context& ctx) -> http::awaitable<http::response> {
        if (auto refused = refuse_non_json(ctx)) co_return std::move(*refused);
        auto body = http::parse_json_object(ctx.req().body());
        if (!body) co_return http::json_error(status::bad_request, "Body must be a JSON object");
        const auto* username = body->if_contains("username");
        const auto* password = body->if_contains("password");
        if (!username || !username->is_string() || !password || !password->is_string())
            co_return http::json_error(status::bad_request, "username and password must be strings");
        const auto result = co_await sign_in(ctx, a, username->as_string(), password->as_string());
        switch (result.outcome) {
            case login_outcome::ok: co_return message(status::ok, "Login successful");
            case login_outcome::invalid: co_return message(status::unauthorized, "Invalid credentials");
            case login_outcome::unavailable: co_return store_down();
            case login_outcome::busy: co_return hashing_busy();
            case login_outcome::throttled: {
                auto res = message(status::too_many_requests, "Too many attempts, try again later");
                res.set(http::field::retry_after, std::to_string((result.retry_after.count() + 999) / 1000));
                co_return res;
            }
        }
        co_return store_down();
    });

    r.add(http::verb::post, "/api/logout", [](http::context& ctx) -> http::awaitable<http::response> {
        if (auto refused = refuse_non_json(ctx)) co_return std::move(*refused);
        if (!co_await ctx.destroy_session()) co_return store_down();
        co_return message(status::ok, "Logged out");
    });

    r.add(http::verb::get, "/api/profile", [](http::context& ctx) -> http::awaitable<http::response> {
        auto s = co_await ctx.session();
        if (!s) co_return store_down();
        // By the username, the identity: the display name is the user's to change.
        if (auto name = signed_in_username(**s)) co_return message(status::ok, "Welcome " + *name);
        co_return message(status::unauthorized, "Not logged in");
    });

    // The getServerSession sample; the path the benchmarks measure, so nothing but the lookup.
    r.add(http::verb::get, "/api/hello", [](http::context& ctx) -> http::awaitable<http::response> {
        auto s = co_await ctx.session();
        if (!s) co_return store_down();
        if (auto name = signed_in_username(**s)) co_return message(status::ok, "Hello, " + *name);
        co_return message(status::unauthorized, "Not authenticated");
    });

    // The iron-session sample: any visitor may keep a `user` in their session.
    r.add(http::verb::get, "/api/user", [](http::context& ctx) -> http::awaitable<http::response> {
        auto s = co_await ctx.session();
        if (!s) co_return store_down();
        const auto* user = (*s)->data().if_contains("user");
        co_return http::json_response(status::ok, object{{"user", user ? *user : boost::json::value(nullptr)}});
    });
    r.add(http::verb::post, "/api/user", [&a](http::context& ctx) -> http::awaitable<http::response> {
        if (auto refused = refuse_non_json(ctx)) co_return std::move(*refused);
        auto body = http::parse_json_object(ctx.req().body());
        if (!body || !body->contains("user")) co_return http::json_error(status::bad_request, "Body must be {\"user\": …}");
        auto s = co_await ctx.session();
        if (!s) co_return store_down();
        if (auto refused = co_await refuse_new_anonymous_session(ctx, a)) co_return std::move(*refused);
        (*s)->set("user", body->at("user"));
        co_return message(status::ok, "Session saved");
    });
}

}  // namespace sesh::seshd
