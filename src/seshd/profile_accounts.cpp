// /profile's sign-in methods (issue 14): the providers linked to the account with a "Link <name>"
// button for each other one, and a first password for a user who signed up through a provider.
#include "seshd/profile_accounts.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <sesh/async_users.hpp>
#include <sesh/log.hpp>
#include <sesh/log_escape.hpp>

#include "seshd/oidc_accounts.hpp"
#include "seshd/page_layout.hpp"
#include "seshd/pages.hpp"

namespace sesh::seshd {

using http::html_escape;
using http::status;

namespace {

// The form that sets a first password: the user has none to type as the current one.
std::string first_password_form(http::context& ctx, const app& a, std::string_view error) {
    std::string body;
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + html_escape(error) + "</p>";
    body += "<form method=\"post\" action=\"/profile/password\" class=\"card\" id=\"first-password\">" + csrf_field(ctx, a);
    body += "<p>You sign in through a provider. Set a password to sign in with your username as well.</p>";
    body += "<label>New password (12 characters or more) <input name=\"newPassword\" type=\"password\" "
            "autocomplete=\"new-password\" required minlength=\"12\"></label>";
    body += "<button type=\"submit\" id=\"set-password\">Set a password</button></form>";
    return body;
}

}  // namespace

http::awaitable<std::string> render_sign_in_methods(http::context& ctx, app& a, const session& s) {
    auto u = co_await async_find_by_id(*a.users, s.user_id(), boost::asio::use_awaitable);
    if (!u || !*u) co_return std::string();  // a token another app made for no user of ours: nothing to show
    const std::string user_id = (*u)->id;
    auto accounts = co_await async_list_accounts(*a.users, user_id, boost::asio::use_awaitable);
    if (!accounts) co_return std::string("<p class=\"error\">Your sign-in methods cannot be shown right now.</p>");
    std::string body = "<section class=\"card\" id=\"sign-in-methods\"><h2>Sign-in methods</h2><ul>";
    const bool has_password = (*u)->password_hash != provider_password_hash;
    body += std::string("<li id=\"method-password\">Password: ") + (has_password ? "set" : "not set") + "</li>";
    std::string buttons;
    for (const auto& p : a.providers) {
        bool linked = false;
        for (const auto& acct : *accounts) linked = linked || acct.provider == p.id;
        if (linked) {
            body += "<li id=\"method-" + html_escape(p.id) + "\">" + html_escape(p.name) + ": linked</li>";
            continue;
        }
        // The provider's sign-in while signed in: next-auth links the new account to this user.
        buttons += "<form method=\"post\" action=\"/api/auth/signin/" + html_escape(p.id) + "\" class=\"inline provider\">" +
                   csrf_field(ctx, a) + "<input type=\"hidden\" name=\"callbackUrl\" value=\"/profile\">" +
                   "<button type=\"submit\" id=\"link-" + html_escape(p.id) + "\">Link " + html_escape(p.name) +
                   "</button></form>";
    }
    body += "</ul>" + buttons + "</section>";
    if (!has_password) body += first_password_form(ctx, a, "");
    co_return body;
}

void add_profile_account_routes(http::router& r, app& a) {
    // A first password for a provider user. A user with a password changes it with the current
    // one (POST /api/password), never here.
    r.add(http::verb::post, "/profile/password", [&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        auto f = co_await read_page_form(ctx, a, refusal);
        if (!f) co_return refusal;
        auto s = co_await ctx.session();
        if (!s || !*s || (*s)->user_id().empty()) co_return http::redirect("/login?callbackUrl=/profile", status::see_other);
        const std::string user_id((*s)->user_id());
        auto u = co_await async_find_by_id(*a.users, user_id, boost::asio::use_awaitable);
        if (!u) co_return co_await render_message_page(ctx, a, status::service_unavailable, "Unavailable", "Please try again shortly.", "/profile", "Profile");
        if (!*u) co_return http::redirect("/login?callbackUrl=/profile", status::see_other);
        if ((*u)->password_hash != provider_password_hash)
            co_return co_await render_message_page(ctx, a, status::conflict, "Password already set",
                                                   "Change your password with your current one.", "/profile", "Profile");
        const std::string next(http::form_value(*f, "newPassword").value_or(""));
        const std::string_view personal[] = {(*u)->name, (*u)->email};
        if (const auto problem = check_new_password(next, personal); problem != password_problem::none) {
            const std::string form = first_password_form(ctx, a, describe(problem));
            auto page = co_await render_page(ctx, a, status::bad_request, "Set a password", form);
            co_return page;
        }
        const password_params params = a.config.password;
        auto hash = co_await a.hashing.run(ctx, hashing_gate::kind::sign_in, [&] { return hash_password(next, params); });
        if (!hash) co_return hashing_busy();
        if (!*hash) co_return store_down();
        auto stored = co_await async_set_password(*a.users, (*u)->id, **hash, system_clock().now(), boost::asio::use_awaitable);
        if (!stored) co_return store_down();
        sesh::logger()->info("password set for {} from {}", escape_for_log((*u)->name), escape_for_log(ctx.client_address()));
        co_return http::redirect("/profile", status::see_other);
    });
}

}  // namespace sesh::seshd
