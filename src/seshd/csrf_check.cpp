// next-auth's CSRF double submit for seshd's forms and /api/auth: the cookie holds
// `token|sha256(token + secret)`, the form or body repeats the token.
#include <sesh/csrf.hpp>

#include "seshd/app.hpp"

namespace sesh::seshd {

std::string csrf_token_for(http::context& ctx, const app& a) {
    if (auto v = find_cookie(ctx.cookies(), a.csrf_cookie))
        if (auto token = verify_csrf_cookie(*v, a.config.secret)) return *token;
    // A page with several forms asks more than once: every form must carry the token of the one
    // cookie the browser will keep, so reuse the cookie already queued on this response.
    if (const set_cookie* queued = ctx.queued_cookie(a.csrf_cookie))
        if (auto token = verify_csrf_cookie(queued->value, a.config.secret)) return *token;
    auto fresh = make_csrf_token(a.config.secret);
    set_cookie c;
    c.name = a.csrf_cookie;
    // next-auth writes the '|' percent-encoded (the `cookie` package's encodeURIComponent).
    c.value = fresh.cookie_value;
    if (auto bar = c.value.find('|'); bar != std::string::npos) c.value.replace(bar, 1, "%7C");
    c.secure = a.secure_cookies;
    ctx.add_set_cookie(std::move(c));
    return fresh.token;
}

bool csrf_ok(http::context& ctx, const app& a, std::string_view submitted) {
    auto v = find_cookie(ctx.cookies(), a.csrf_cookie);
    return v && !submitted.empty() && csrf_matches(*v, submitted, a.config.secret);
}

}  // namespace sesh::seshd
