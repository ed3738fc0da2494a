// Server-rendered pages for signing in and out: home, login, signup, logout, profile.
#include <sesh/http/body.hpp>
#include <sesh/http/middleware.hpp>

#include "seshd/callback_url.hpp"
#include "seshd/page_layout.hpp"
#include "seshd/pages.hpp"
#include "seshd/profile_accounts.hpp"

namespace sesh::seshd {

using http::html_escape;
using http::status;

namespace {

std::string query_value(const http::context& ctx, std::string_view name) {
    auto q = http::parse_form(ctx.query());
    return q ? std::string(http::form_value(*q, name).value_or("")) : std::string();
}

std::string signup_form(http::context& ctx, const app& a, std::string_view error, std::string_view name,
                        std::string_view email) {
    std::string body;
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + html_escape(error) + "</p>";
    body += "<form method=\"post\" action=\"/signup\" class=\"card\">" + csrf_field(ctx, a);
    body += "<label>Username <input name=\"username\" autocomplete=\"username\" required value=\"" + html_escape(name) + "\"></label>";
    body += "<label>E-mail (optional) <input name=\"email\" type=\"email\" autocomplete=\"email\" value=\"" + html_escape(email) + "\"></label>";
    body += "<label>Password (12 characters or more) <input name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"12\"></label>";
    body += "<button type=\"submit\">Create account</button></form>";
    body += "<p>Have an account? <a href=\"/login\">Sign in</a></p>";
    return body;
}

}  // namespace

http::awaitable<std::optional<http::form>> read_page_form(http::context& ctx, const app& a, http::response& refusal) {
    auto f = http::parse_form(ctx.req().body());
    if (!f) {
        refusal = co_await render_message_page(ctx, a, status::bad_request, "Bad request", "The form could not be read.", "/", "Home");
        co_return std::nullopt;
    }
    if (!csrf_ok(ctx, a, http::form_value(*f, "csrfToken").value_or(""))) {
        refusal = co_await render_message_page(ctx, a, status::forbidden, "Form expired",
                                      "This form expired or came from another site. Please try again.", ctx.path(), "Back");
        co_return std::nullopt;
    }
    co_return std::move(*f);
}

void add_page_routes(http::router& r, app& a) {
    r.add(http::verb::get, "/", [&a](http::context& ctx) -> http::awaitable<http::response> {
        co_return co_await render_page(ctx, a, status::ok, "Welcome",
                              "<p>sesh keeps you signed in. <a href=\"/profile\">Your profile</a>, "
                              "<a href=\"/cart\">your cart</a>, <a href=\"/preferences\">preferences</a>.</p>");
    });

    r.add(http::verb::get, "/login", [&a](http::context& ctx) -> http::awaitable<http::response> {
        const std::string cb = a.redirects.page_target(query_value(ctx, "callbackUrl"), "/profile");
        co_return co_await render_login_page(ctx, a, cb, "", status::ok);
    });
    r.add(http::verb::post, "/login", [&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        auto f = co_await read_page_form(ctx, a, refusal);
        if (!f) co_return refusal;
        const std::string cb = a.redirects.page_target(http::form_value(*f, "callbackUrl").value_or(""), "/profile");
        const auto result = co_await sign_in(ctx, a, http::form_value(*f, "username").value_or(""),
                                             http::form_value(*f, "password").value_or(""));
        switch (result.outcome) {
            case login_outcome::ok: co_return http::redirect(cb, status::see_other);
            case login_outcome::invalid:
                co_return co_await render_login_page(ctx, a, cb, "Invalid username or password.", status::unauthorized);
            case login_outcome::throttled:
                co_return co_await render_login_page(ctx, a, cb, "Too many attempts. Wait a moment and try again.",
                                            status::too_many_requests);
            case login_outcome::unavailable:
            case login_outcome::busy: break;
        }
        co_return co_await render_message_page(ctx, a, status::service_unavailable, "Unavailable", "Please try again shortly.", "/login", "Sign in");
    });

    r.add(http::verb::get, "/signup", [&a](http::context& ctx) -> http::awaitable<http::response> {
        co_return co_await render_page(ctx, a, status::ok, "Sign up", signup_form(ctx, a, "", "", ""));
    });
    r.add(http::verb::post, "/signup", [&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        auto f = co_await read_page_form(ctx, a, refusal);
        if (!f) co_return refusal;
        const auto name = http::form_value(*f, "username").value_or("");
        const auto email = http::form_value(*f, "email").value_or("");
        const auto result = co_await sign_up(ctx, a, name, http::form_value(*f, "password").value_or(""), email);
        if (result.status == status::created) co_return http::redirect("/profile", status::see_other);
        auto page = co_await render_page(ctx, a, result.status, "Sign up", signup_form(ctx, a, result.error, name, email));
        if (result.retry_after.count() > 0) page = with_retry_after(std::move(page), result.retry_after);
        co_return page;
    });

    r.add(http::verb::post, "/logout", [&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        if (!co_await read_page_form(ctx, a, refusal)) co_return refusal;
        if (!co_await ctx.destroy_session())
            co_return co_await render_message_page(ctx, a, status::service_unavailable, "Unavailable", "Please try again shortly.", "/", "Home");
        co_return http::redirect("/login", status::see_other);
    });

    r.add(http::verb::get, "/profile", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        const session& s = **co_await ctx.session();
        std::string body = "<dl class=\"card\">";
        // The username is who this is; the display name (next-auth's user.name, which the user
        // may change) is shown apart, and only when it differs.
        const std::string username = signed_in_username(s).value_or("");
        body += "<dt>Username</dt><dd id=\"name\">" + html_escape(username) + "</dd>";
        if (auto display = s.get_string("name"); display && *display != username)
            body += "<dt>Display name</dt><dd id=\"display-name\">" + html_escape(*display) + "</dd>";
        body += "<dt>E-mail</dt><dd id=\"email\">" + html_escape(s.get_string("email").value_or("—")) + "</dd>";
        body += "<dt>Signed in since</dt><dd>" + iso8601_ms(s.created()) + "</dd>";
        body += "<dt>Session ends</dt><dd>" + iso8601_ms(s.expires()) + " (unless you stay active)</dd></dl>";
        if (!a.providers.empty()) {
            const std::string methods = co_await render_sign_in_methods(ctx, a, s);
            body += methods;
        }
        co_return co_await render_page(ctx, a, status::ok, "Profile", body);
    }));

    add_session_data_pages(r, a);
    add_profile_account_routes(r, a);
}

}  // namespace sesh::seshd
