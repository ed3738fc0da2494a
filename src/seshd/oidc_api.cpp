// Provider sign-in as next-auth 4.24 routes it (core/routes/signin.js, callback.js,
// lib/oauth/authorization-url.js, callback.js, checks.js): POST /api/auth/signin/<id> sends the
// browser to the provider with state, PKCE S256 and (OpenID providers) a nonce kept in
// next-auth's check cookies; GET /api/auth/callback/<id> checks them, exchanges the code,
// verifies the ID token (or reads an OAuth provider's profile URL) and signs the user in. Every failure is a redirect to /api/auth/error?error=<next-auth's code>.
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

// The first of `fields` that holds a non-empty string, or a number (GitHub's ids) as its decimal
// text, as next-auth's provider files read them (`profile.id.toString()`, `name ?? login`).
std::string mapped_text(const object& profile, const std::vector<std::string>& fields) {
    for (const auto& f : fields) {
        const auto* v = profile.if_contains(f);
        if (!v) continue;
        if (v->is_string() && !v->as_string().empty()) return std::string(v->as_string());
        if (v->is_int64()) return std::to_string(v->as_int64());
        if (v->is_uint64()) return std::to_string(v->as_uint64());
    }
    return {};
}

// next-auth's profile (id, name, email, image) from the provider's fields, with the tokens for
// the account record (lib/oauth/callback.js: the token set becomes the account).
provider_identity identity_from(const provider_signin& p, const object& profile, std::string account_id) {
    provider_identity id;
    id.account.provider = p.id;
    id.account.provider_account_id = std::move(account_id);
    id.name = mapped_text(profile, p.profile.name);
    std::string email = normalize_user_name(mapped_text(profile, p.profile.email));  // next-auth lower-cases it too
    if (is_valid_email(email)) id.email = std::move(email);
    const auto* verified = profile.if_contains(p.profile.email_verified);
    id.email_verified = p.profile.trust_email || (verified && verified->is_bool() && verified->as_bool());
    id.image = mapped_text(profile, p.profile.image);
    return id;
}

// An OpenID Provider's verified answer: the account is the ID token's `sub`, always.
provider_identity identity_of(const provider_signin& p, oidc_profile& profile) {
    provider_identity id = identity_from(p, profile.claims, profile.subject);
    id.account.access_token = std::move(profile.access_token);
    id.account.refresh_token = std::move(profile.refresh_token);
    id.account.id_token = std::move(profile.id_token);
    id.account.token_type = std::move(profile.token_type);
    id.account.scope = std::move(profile.scope);
    id.account.session_state = std::move(profile.session_state);
    id.account.expires_at = profile.expires_at;
    return id;
}

// A plain OAuth 2.0 provider's profile: the account is the mapped id (none: no sign-in).
provider_identity identity_of(const provider_signin& p, oauth2_profile& profile) {
    provider_identity id = identity_from(p, profile.profile, mapped_text(profile.profile, p.profile.id));
    id.account.access_token = std::move(profile.access_token);
    id.account.refresh_token = std::move(profile.refresh_token);
    id.account.id_token = std::move(profile.id_token);
    id.account.token_type = std::move(profile.token_type);
    id.account.scope = std::move(profile.scope);
    id.account.expires_at = profile.expires_at;
    return id;
}

// The request's signed-in user, if it has one the user store knows (next-auth's getUser of the
// session's user: a token naming no user counts as signed out).
http::awaitable<result<std::optional<user>>> current_user(http::context& ctx, app& a) {
    auto s = co_await ctx.session();
    if (!s || !*s || (*s)->user_id().empty()) co_return std::optional<user>();
    const std::string id((*s)->user_id());
    auto u = co_await async_find_by_id(*a.users, id, boost::asio::use_awaitable);
    if (!u) co_return fail(u.error());
    co_return std::move(*u);
}

// After the provider's answer checked out: the account's user (provider_account_user), then the
// session, as next-auth's callback route ends.
http::awaitable<http::response> finish_provider_login(http::context& ctx, app& a, const provider_signin& p,
                                                      provider_identity identity) {
    auto current = co_await current_user(ctx, a);
    if (!current) co_return store_down();
    auto login = co_await provider_account_user(a, p, identity, *current);
    if (!login) {
        if (login.error() == errc::already_exists) {
            sesh::logger()->info("oidc: a sign-in through {} from {} was not linked", p.id, escape_for_log(ctx.client_address()));
            co_return error_redirect(a, "OAuthAccountNotLinked");
        }
        co_return error_redirect(a, "Callback");
    }
    if (login->already_signed_in) {
        sesh::logger()->info("{} signed in again through {} from {}", escape_for_log(login->who.name), p.id,
                             escape_for_log(ctx.client_address()));
        co_return http::redirect(nextauth_callback_url(ctx, a, ""));
    }
    if (!co_await start_user_session(ctx, login->who)) co_return store_down();
    if (auto s = ctx.loaded_session()) {
        if (!identity.name.empty() && identity.name.size() <= 128) s->set("name", boost::json::string(identity.name));
        if (!identity.image.empty() && identity.image.size() <= 2048) s->set("picture", boost::json::string(identity.image));
        s->set("provider", boost::json::string(p.id));
    }
    sesh::logger()->info("login for {} through {} from {}", escape_for_log(login->who.name), p.id,
                         escape_for_log(ctx.client_address()));
    co_return http::redirect(nextauth_callback_url(ctx, a, ""));
}

}  // namespace

void add_oidc_routes(http::router& r, app& a) {
    for (const auto& configured : a.providers) {
        const std::string id = configured.id;
        const provider_signin* entry = &configured;
        const std::string redirect_uri = nextauth_base_url(a) + "/callback/" + id;

        r.add(http::verb::post, "/api/auth/signin/" + id,
              [&a, id, redirect_uri, entry](http::context& ctx) -> http::awaitable<http::response> {
                  auto p = read_nextauth_form(ctx);
                  if (!p) co_return http::json_error(http::status::bad_request, "Body must be a form");
                  if (!csrf_ok(ctx, a, p->get("csrfToken")))
                      co_return redirect_or_json(nextauth_base_url(a) + "/signin?csrf=true", p->json);
                  remember_callback_url(ctx, a, nextauth_callback_url(ctx, a, p->get("callbackUrl")));
                  const auto& checks = *a.checks;
                  const std::string state = make_check_value();
                  const std::string verifier = make_pkce_verifier();
                  if (!queue_check_cookie(ctx, a, checks.state, id, state, true) ||
                      !queue_check_cookie(ctx, a, checks.pkce, id, verifier, true))
                      co_return error_redirect(a, "OAuthSignin", p->json);
                  if (entry->oauth)  // no ID token, so no nonce (next-auth's checks for OAuth providers)
                      co_return redirect_or_json(entry->oauth->authorization_url(redirect_uri, state, pkce_challenge(verifier)),
                                                 p->json);
                  auto meta = co_await entry->client->metadata();
                  if (!meta) co_return error_redirect(a, "OAuthSignin", p->json);
                  const std::string nonce = make_check_value();
                  if (!queue_check_cookie(ctx, a, checks.nonce, id, nonce, false))
                      co_return error_redirect(a, "OAuthSignin", p->json);
                  co_return redirect_or_json(
                      entry->client->authorization_url(*meta, redirect_uri, state, nonce, pkce_challenge(verifier)), p->json);
              });

        r.add(http::verb::get, "/api/auth/callback/" + id,
              [&a, id, redirect_uri, entry](http::context& ctx) -> http::awaitable<http::response> {
                  const auto& provider = *entry;
                  const auto& checks = *a.checks;
                  // Each check cookie serves one callback, whatever its outcome.
                  const auto state = co_await use_check_cookie(ctx, a, checks.state, id);
                  const auto verifier = co_await use_check_cookie(ctx, a, checks.pkce, id);
                  std::optional<std::string> nonce;
                  if (provider.client) {
                      auto used = co_await use_check_cookie(ctx, a, checks.nonce, id);
                      nonce = std::move(used);
                  }
                  clear_check_cookie(ctx, a, checks.state);
                  clear_check_cookie(ctx, a, checks.pkce);
                  if (provider.client) clear_check_cookie(ctx, a, checks.nonce);
                  auto q = http::parse_form(ctx.query());
                  if (!q) co_return error_redirect(a, "OAuthCallback");
                  // The provider's own refusal (access_denied…): next-auth throws it before its
                  // checks, and answers Callback.
                  if (http::form_value(*q, "error")) co_return error_redirect(a, "Callback");
                  const auto code = http::form_value(*q, "code");
                  const auto sent_state = http::form_value(*q, "state");
                  if (!state || !verifier || (provider.client && !nonce) || !code || code->empty() || !sent_state ||
                      !detail::constant_time_equal(as_bytes(*sent_state), as_bytes(*state))) {
                      sesh::logger()->info("oidc: a callback for {} from {} failed its checks", id, escape_for_log(ctx.client_address()));
                      co_return error_redirect(a, "OAuthCallback");
                  }
                  provider_identity identity;
                  if (provider.oauth) {
                      std::string code_text(*code);
                      auto profile = co_await provider.oauth->complete(std::move(code_text), *verifier, redirect_uri);
                      if (!profile) co_return error_redirect(a, "OAuthCallback");
                      identity = identity_of(provider, *profile);
                      if (identity.account.provider_account_id.empty()) {
                          sesh::logger()->warn("oauth2: the profile from {} has no id field", id);
                          co_return error_redirect(a, "OAuthCallback");
                      }
                  } else {
                      oidc_callback cb{std::string(*code), *verifier, *nonce, redirect_uri};
                      auto profile = co_await provider.client->complete(std::move(cb));
                      if (!profile) co_return error_redirect(a, "OAuthCallback");
                      identity = identity_of(provider, *profile);
                  }
                  auto done = co_await finish_provider_login(ctx, a, provider, std::move(identity));
                  co_return done;
              });
    }
}

}  // namespace sesh::seshd
