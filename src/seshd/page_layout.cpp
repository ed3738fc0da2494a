// The page frame: doctype, stylesheet, theme class, navigation; the shared login and message pages.
#include "seshd/page_layout.hpp"

namespace sesh::seshd {

using http::html_escape;

std::string csrf_field(http::context& ctx, const app& a) {
    return "<input type=\"hidden\" name=\"csrfToken\" value=\"" + html_escape(csrf_token_for(ctx, a)) + "\">";
}

http::awaitable<http::response> render_page(http::context& ctx, const app& a, http::status s, std::string_view title,
                           std::string_view body_html) {
    std::string theme = "system";
    std::string user;
    if (auto sess = co_await ctx.session()) {
        if (auto t = (*sess)->get_string("theme"); t && (*t == "light" || *t == "dark")) theme = *t;
        if (auto who = signed_in_username(**sess)) user = std::move(*who);
    }
    std::string nav;
    if (user.empty()) {
        nav = "<a href=\"/login\">Sign in</a> <a href=\"/signup\">Sign up</a>";
    } else {
        nav = "<a href=\"/profile\">" + html_escape(user) +
              "</a> <a href=\"/cart\">Cart</a> <a href=\"/preferences\">Preferences</a> <a href=\"/sessions\">Devices</a>"
              " <form method=\"post\" action=\"/logout\" class=\"inline\">" +
              csrf_field(ctx, a) + "<button type=\"submit\" id=\"logout\">Sign out</button></form>";
    }
    std::string html;
    html.reserve(body_html.size() + 1024);
    html += "<!doctype html>\n<html lang=\"en\" class=\"theme-" + theme + "\">\n<head><meta charset=\"utf-8\">";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    html += "<title>" + html_escape(title) + " · sesh</title>";
    html += "<link rel=\"stylesheet\" href=\"/static/style.css\">";
    html += "<script type=\"module\" src=\"/static/sesh.js\"></script></head>\n<body>";
    html += "<header><a class=\"brand\" href=\"/\">sesh</a><nav>" + nav +
            "</nav><span id=\"session-status\" aria-live=\"polite\"></span></header>\n<main>";
    html += "<h1>" + html_escape(title) + "</h1>\n";
    html += body_html;
    html += "</main>\n</body>\n</html>\n";
    co_return http::html_response(s, std::move(html));
}

http::awaitable<http::response> render_login_page(http::context& ctx, const app& a, std::string_view callback, std::string_view error,
                                 http::status s, std::string_view action) {
    std::string body;
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + html_escape(error) + "</p>";
    body += "<form method=\"post\" action=\"" + html_escape(action) + "\" class=\"card\">" + csrf_field(ctx, a);
    body += "<input type=\"hidden\" name=\"callbackUrl\" value=\"" + html_escape(callback) + "\">";
    body += "<label>Username <input name=\"username\" autocomplete=\"username\" required></label>";
    body += "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>";
    body += "<button type=\"submit\">Sign in</button></form>";
    // One button per provider, posting what next-auth/react's signIn(id) posts (csrfToken and
    // callbackUrl; without json=true the answer is the redirect to the provider).
    for (const auto& p : a.providers) {
        body += "<form method=\"post\" action=\"/api/auth/signin/" + html_escape(p.id) + "\" class=\"card provider\">" +
                csrf_field(ctx, a);
        body += "<input type=\"hidden\" name=\"callbackUrl\" value=\"" + html_escape(callback) + "\">";
        body += "<button type=\"submit\" id=\"signin-" + html_escape(p.id) + "\">Sign in with " + html_escape(p.name) +
                "</button></form>";
    }
    body += "<p>No account? <a href=\"/signup\">Sign up</a></p>";
    co_return co_await render_page(ctx, a, s, "Sign in", body);
}

http::awaitable<http::response> render_message_page(http::context& ctx, const app& a, http::status s, std::string_view title,
                                   std::string_view text, std::string_view link, std::string_view link_text) {
    co_return co_await render_page(ctx, a, s, title,
                       "<p>" + html_escape(text) + "</p><p><a href=\"" + html_escape(link) + "\">" +
                           html_escape(link_text) + "</a></p>");
}

}  // namespace sesh::seshd
