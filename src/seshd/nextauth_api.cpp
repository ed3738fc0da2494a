// next-auth 4.24's REST API at /api/auth, as next-auth/react calls it: session, csrf, providers,
// signin, callback/credentials, signout, error. Shapes, status codes and cookie names follow
// next-auth's core/routes and next/index.js (json=true answers {url} instead of redirecting).
#include <boost/json/object.hpp>

#include <sesh/http/body.hpp>
#include <sesh/server_session.hpp>

#include "seshd/app.hpp"
#include "seshd/callback_url.hpp"
#include "seshd/nextauth_form.hpp"
#include "seshd/page_layout.hpp"
#include "seshd/refusals.hpp"

namespace sesh::seshd {
namespace {

using boost::json::object;
using http::status;

std::string base_url(const app& a) { return nextauth_base_url(a); }

// next-auth's session JSON: {user: {name, email, image}, expires} or {} when signed out.
http::response session_json(const session* s) {
    const object body = s != nullptr ? nextauth_session_json(*s) : object{};
    auto res = http::json_response(status::ok, body);
    res.set(http::field::cache_control, "private, no-cache, no-store");
    res.set(http::field::pragma, "no-cache");
    res.set(http::field::expires, "0");
    return res;
}

}  // namespace

void add_nextauth_routes(http::router& r, app& a) {
    r.add(http::verb::get, "/api/auth/session", [](http::context& ctx) -> http::awaitable<http::response> {
        auto s = co_await ctx.session();
        if (!s) co_return store_down();
        co_return session_json(*s);
    });

    // update(): next-auth/react posts {csrfToken, data}. next-auth itself applies nothing unless
    // the app's jwt callback does; seshd applies one thing, a new display name (data.name or
    // data.user.name, 1-128 characters), and ignores the rest: `username`, `email`, `sub` and the
    // user id are identity and never change here. A bad CSRF token gets next-auth's 400 {}.
    r.add(http::verb::post, "/api/auth/session", [&a](http::context& ctx) -> http::awaitable<http::response> {
        auto body = http::parse_json_object(ctx.req().body());
        const auto* token = body ? body->if_contains("csrfToken") : nullptr;
        if (!token || !token->is_string() || !csrf_ok(ctx, a, token->as_string()))
            co_return http::json_response(status::bad_request, object{});
        auto s = co_await ctx.session();
        if (!s) co_return store_down();
        if ((*s)->user_id().empty()) co_return session_json(*s);
        if (const auto* data = body->if_contains("data"); data && data->is_object()) {
            const auto& d = data->as_object();
            const boost::json::value* name = d.if_contains("name");
            if (const auto* u = d.if_contains("user"); !name && u && u->is_object()) name = u->as_object().if_contains("name");
            if (name && name->is_string() && !name->as_string().empty() && name->as_string().size() <= 128) {
                // A session a next-auth app made has no `username`: its `name` was the identity
                // until now, so it is pinned before the display name changes.
                if (!(*s)->get_string("username"))
                    if (auto who = signed_in_username(**s)) (*s)->set("username", boost::json::string(*who));
                (*s)->set("name", *name);
            }
        }
        co_return session_json(*s);
    });

    r.add(http::verb::get, "/api/auth/csrf", [&a](http::context& ctx) -> http::awaitable<http::response> {
        auto res = http::json_response(status::ok, object{{"csrfToken", csrf_token_for(ctx, a)}});
        res.set(http::field::cache_control, "private, no-cache, no-store");
        co_return res;
    });

    // next-auth core/routes/providers.js: {id, name, type, signinUrl, callbackUrl} per provider.
    r.add(http::verb::get, "/api/auth/providers", [&a](http::context&) -> http::awaitable<http::response> {
        const std::string base = base_url(a);
        object list{{"credentials", object{{"id", "credentials"},
                                           {"name", "Credentials"},
                                           {"type", "credentials"},
                                           {"signinUrl", base + "/signin/credentials"},
                                           {"callbackUrl", base + "/callback/credentials"}}}};
        for (const auto& p : a.providers)
            list[p.id] = object{{"id", p.id},
                                {"name", p.name},
                                {"type", "oauth"},
                                {"signinUrl", base + "/signin/" + p.id},
                                {"callbackUrl", base + "/callback/" + p.id}};
        co_return http::json_response(status::ok, list);
    });

    auto signin_page = [&a](http::context& ctx) -> http::awaitable<http::response> {
        auto q = http::parse_form(ctx.query());
        const std::string cb = a.redirects.page_target(q ? http::form_value(*q, "callbackUrl").value_or("") : "", "/");
        const bool csrf_error = q && http::form_value(*q, "csrf").has_value();
        const bool cred_error = q && http::form_value(*q, "error").has_value();
        co_return co_await render_login_page(ctx, a, cb, csrf_error ? "Your form expired, please try again."
                                               : cred_error ? "Invalid username or password." : "",
                                    status::ok, base_url(a) + "/callback/credentials");
    };
    r.add(http::verb::get, "/api/auth/signin", signin_page);
    r.add(http::verb::get, "/api/auth/signin/credentials", signin_page);

    r.add(http::verb::post, "/api/auth/callback/credentials", [&a](http::context& ctx) -> http::awaitable<http::response> {
        auto p = read_nextauth_form(ctx);
        if (!p) co_return http::json_error(status::bad_request, "Body must be a form");
        if (!csrf_ok(ctx, a, p->get("csrfToken"))) co_return redirect_or_json(base_url(a) + "/signin?csrf=true", p->json);
        const std::string target = nextauth_callback_url(ctx, a, p->get("callbackUrl"));
        const auto result = co_await sign_in(ctx, a, p->get("username"), p->get("password"));
        const std::string error_url = base_url(a) + "/error?error=CredentialsSignin&provider=credentials";
        switch (result.outcome) {
            case login_outcome::ok:
                remember_callback_url(ctx, a, target);
                co_return redirect_or_json(target, p->json);
            case login_outcome::invalid: co_return redirect_or_json(error_url, p->json, status::unauthorized);
            case login_outcome::throttled: {
                auto res = redirect_or_json(error_url, p->json, status::too_many_requests);
                res.set(http::field::retry_after, std::to_string((result.retry_after.count() + 999) / 1000));
                co_return res;
            }
            case login_outcome::unavailable: break;
            case login_outcome::busy: co_return hashing_busy();
        }
        co_return store_down();
    });

    r.add(http::verb::post, "/api/auth/signout", [&a](http::context& ctx) -> http::awaitable<http::response> {
        auto p = read_nextauth_form(ctx);
        if (!p) co_return http::json_error(status::bad_request, "Body must be a form");
        if (!csrf_ok(ctx, a, p->get("csrfToken"))) co_return redirect_or_json(base_url(a) + "/signout?csrf=true", p->json);
        const std::string target = nextauth_callback_url(ctx, a, p->get("callbackUrl"));
        if (!co_await ctx.destroy_session()) co_return store_down();
        co_return redirect_or_json(target, p->json);
    });

    // next-auth's error codes (core/routes/signin.js, callback.js), each with words for people.
    r.add(http::verb::get, "/api/auth/error", [&a](http::context& ctx) -> http::awaitable<http::response> {
        auto q = http::parse_form(ctx.query());
        const std::string_view code = q ? http::form_value(*q, "error").value_or("") : "";
        std::string_view text = "The sign-in did not succeed. Check your username and password.";
        if (code == "OAuthSignin") text = "The sign-in provider could not be reached. Try again later.";
        else if (code == "OAuthCallback") text = "The answer from the sign-in provider could not be verified. Please sign in again.";
        else if (code == "OAuthAccountNotLinked") text = "This account is not linked to the provider you used. Sign in the way you did before.";
        else if (code == "AccessDenied") text = "You do not have permission to sign in.";
        else if (code == "Callback") text = "The sign-in was cancelled or did not complete. Please try again.";
        co_return co_await render_message_page(ctx, a, status::ok, "Sign-in error", text, "/login", "Try again");
    });
}

}  // namespace sesh::seshd
