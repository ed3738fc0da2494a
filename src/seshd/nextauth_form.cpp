// next-auth's form handling shared by the credentials and provider routes.
#include "seshd/nextauth_form.hpp"

#include <boost/json/object.hpp>

#include "core/percent.hpp"
#include "seshd/callback_url.hpp"

namespace sesh::seshd {

std::string nextauth_base_url(const app& a) { return a.config.public_url + "/api/auth"; }

std::optional<nextauth_form> read_nextauth_form(const http::context& ctx) {
    auto f = http::parse_form(ctx.req().body());
    if (!f) return std::nullopt;
    nextauth_form p{std::move(*f)};
    p.json = p.get("json") == "true";
    return p;
}

http::response redirect_or_json(std::string_view url, bool json, http::status json_status) {
    if (json) return http::json_response(json_status, boost::json::object{{"url", url}});
    return http::redirect(url);
}

std::string nextauth_callback_url(http::context& ctx, const app& a, std::string_view form_value) {
    std::string wanted(form_value);
    if (wanted.empty())
        if (auto c = find_cookie(ctx.cookies(), a.callback_url_cookie)) wanted = sesh::detail::cookie_value_decode(*c);
    return a.redirects.callback_url(wanted, a.config.public_url);
}

void remember_callback_url(http::context& ctx, const app& a, const std::string& url) {
    set_cookie c;
    c.name = a.callback_url_cookie;
    c.value = http::url_encode(url);
    c.secure = a.secure_cookies;
    c.domain = a.config.cookie_domain;  // read back by seshd only, but it follows the session cookie
    ctx.add_set_cookie(std::move(c));
}

}  // namespace sesh::seshd
