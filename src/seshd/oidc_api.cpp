// Provider sign-in as next-auth 4.24 routes it (core/routes/signin.js, callback.js,
// lib/oauth/authorization-url.js, callback.js, checks.js): POST /api/auth/signin/<id> sends the
// browser to the provider with state, PKCE S256 and a nonce kept in next-auth's check cookies;
// GET /api/auth/callback/<id> checks them, exchanges the code, verifies the ID token and signs
// the user in. Every failure is a redirect to /api/auth/error?error=<next-auth's code>.
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include <sesh/async_store.hpp>
#include <sesh/async_users.hpp>
#include <sesh/encoding.hpp>
#include <sesh/error.hpp>
#include <sesh/log.hpp>
#include <sesh/log_escape.hpp>

#include "core/crypto.hpp"
#include "seshd/nextauth_form.hpp"
#include "seshd/oidc_accounts.hpp"
#include "seshd/refusals.hpp"

namespace sesh::seshd {
namespace {

using boost::json::object;

constexpr auto check_cookie_life = std::chrono::minutes(15);

// next-auth sends Max-Age and Expires on the state and PKCE cookies, Expires alone on the nonce
// (its cookie options have no maxAge): core/lib/cookie.js, oauth/checks.js signCookie.
result<void> queue_check_cookie(http::context& ctx, const app& a, const check_cookie& c, std::string_view provider,
                                std::string_view value, bool with_max_age) {
    auto token = c.codec.encode(object{{"value", value}, {"provider", provider}});
    if (!token) return fail(token.error());
    set_cookie sc;
    sc.name = c.name;
    sc.value = std::move(*token);
    sc.secure = a.secure_cookies;
    sc.expires = std::chrono::system_clock::now() + check_cookie_life;
    if (with_max_age) sc.max_age = check_cookie_life;
    ctx.add_set_cookie(std::move(sc));
    return {};
}

void clear_check_cookie(http::context& ctx, const app& a, const check_cookie& c) {
    set_cookie sc;
    sc.name = c.name;
    sc.secure = a.secure_cookies;
    sc.max_age = std::chrono::seconds(0);
    ctx.add_set_cookie(std::move(sc));
}

http::response error_redirect(const app& a, std::string_view code, bool json = false) {
    return redirect_or_json(nextauth_base_url(a) + "/error?error=" + std::string(code), json);
}

// The value of one check cookie, once: decoded with its own key, made for this provider, and
// never seen before (its jti goes on the store's deny list until it expires, so a copied cookie
// cannot start a second callback). Nothing when any of that fails.
http::awaitable<std::optional<std::string>> use_check_cookie(http::context& ctx, app& a, const check_cookie& c,
                                                             std::string_view provider) {
    const auto raw = find_cookie(ctx.cookies(), c.name);
    if (!raw) co_return std::nullopt;
    auto claims = c.codec.decode(*raw);
    if (!claims) co_return std::nullopt;
    const auto* value = claims->if_contains("value");
    const auto* made_for = claims->if_contains("provider");
    const auto* jti = claims->if_contains("jti");
    const auto* exp = claims->if_contains("exp");
    if (!value || !value->is_string() || value->as_string().empty() || !made_for || !made_for->is_string() ||
        made_for->as_string() != provider || !jti || !jti->is_string() || !exp || !exp->is_int64())
        co_return std::nullopt;
    const std::string used_key = "oauth-check:" + std::string(jti->as_string());
    const auto until = std::chrono::system_clock::time_point(std::chrono::seconds(exp->as_int64()));
    auto seen = co_await async_revoked(*a.store, used_key, "", std::chrono::system_clock::now(), boost::asio::use_awaitable);
    if (!seen || *seen) co_return std::nullopt;
    auto denied = co_await async_deny(*a.store, used_key, until, boost::asio::use_awaitable);
    if (!denied) co_return std::nullopt;
    co_return std::string(value->as_string());
}

std::string claim_text(const object& claims, std::string_view name) {
    const auto* v = claims.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

void add_oidc_routes(http::router& r, app& a) {
    for (const auto& provider : a.providers) {
        const std::string id = provider.id;
        const std::string redirect_uri = nextauth_base_url(a) + "/callback/" + id;
        std::shared_ptr<oidc_client> client = provider.client;

        r.add(http::verb::post, "/api/auth/signin/" + id,
              [&a, id, redirect_uri, client](http::context& ctx) -> http::awaitable<http::response> {
                  auto p = read_nextauth_form(ctx);
                  if (!p) co_return http::json_error(http::status::bad_request, "Body must be a form");
                  if (!csrf_ok(ctx, a, p->get("csrfToken")))
                      co_return redirect_or_json(nextauth_base_url(a) + "/signin?csrf=true", p->json);
                  remember_callback_url(ctx, a, nextauth_callback_url(ctx, a, p->get("callbackUrl")));
                  auto meta = co_await client->metadata();
                  if (!meta) co_return error_redirect(a, "OAuthSignin", p->json);
                  const std::string state = make_check_value();
                  const std::string nonce = make_check_value();
                  const std::string verifier = make_pkce_verifier();
                  const auto& checks = *a.checks;
                  if (!queue_check_cookie(ctx, a, checks.state, id, state, true) ||
                      !queue_check_cookie(ctx, a, checks.pkce, id, verifier, true) ||
                      !queue_check_cookie(ctx, a, checks.nonce, id, nonce, false))
                      co_return error_redirect(a, "OAuthSignin", p->json);
                  co_return redirect_or_json(client->authorization_url(*meta, redirect_uri, state, nonce, pkce_challenge(verifier)),
                                             p->json);
              });

        r.add(http::verb::get, "/api/auth/callback/" + id,
              [&a, id, redirect_uri, client](http::context& ctx) -> http::awaitable<http::response> {
                  const auto& checks = *a.checks;
                  // Each check cookie serves one callback, whatever its outcome.
                  const auto state = co_await use_check_cookie(ctx, a, checks.state, id);
                  const auto verifier = co_await use_check_cookie(ctx, a, checks.pkce, id);
                  const auto nonce = co_await use_check_cookie(ctx, a, checks.nonce, id);
                  clear_check_cookie(ctx, a, checks.state);
                  clear_check_cookie(ctx, a, checks.pkce);
                  clear_check_cookie(ctx, a, checks.nonce);
                  auto q = http::parse_form(ctx.query());
                  if (!q) co_return error_redirect(a, "OAuthCallback");
                  // The provider's own refusal (access_denied…): next-auth throws it before its
                  // checks, and answers Callback.
                  if (http::form_value(*q, "error")) co_return error_redirect(a, "Callback");
                  const auto code = http::form_value(*q, "code");
                  const auto sent_state = http::form_value(*q, "state");
                  if (!state || !verifier || !nonce || !code || code->empty() || !sent_state ||
                      !detail::constant_time_equal(as_bytes(*sent_state), as_bytes(*state))) {
                      sesh::logger()->info("oidc: a callback for {} from {} failed its checks", id, escape_for_log(ctx.client_address()));
                      co_return error_redirect(a, "OAuthCallback");
                  }
                  oidc_callback cb{std::string(*code), *verifier, *nonce, redirect_uri};
                  auto profile = co_await client->complete(std::move(cb));
                  if (!profile) co_return error_redirect(a, "OAuthCallback");

                  auto account = co_await provider_account_user(a, client->options().issuer, *profile);
                  if (!account) {
                      if (account.error() == errc::already_exists) co_return error_redirect(a, "OAuthAccountNotLinked");
                      co_return error_redirect(a, "Callback");
                  }
                  if (!co_await start_user_session(ctx, *account)) co_return store_down();
                  if (auto s = ctx.loaded_session()) {
                      // next-auth's default profile (providers/oauth: name, email, image).
                      std::string display = claim_text(profile->claims, "name");
                      if (display.empty()) display = claim_text(profile->claims, "preferred_username");
                      if (!display.empty() && display.size() <= 128) s->set("name", boost::json::string(display));
                      const std::string picture = claim_text(profile->claims, "picture");
                      if (!picture.empty() && picture.size() <= 2048) s->set("picture", boost::json::string(picture));
                      s->set("provider", boost::json::string(id));
                  }
                  sesh::logger()->info("login for {} through {} from {}", escape_for_log(account->name), id,
                                       escape_for_log(ctx.client_address()));
                  co_return http::redirect(nextauth_callback_url(ctx, a, ""));
              });
    }
}

}  // namespace sesh::seshd
