// seshd's application: the services every handler shares, and the routes it serves.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <string>
#include <vector>

#include <sesh/http/context.hpp>
#include <sesh/http/metrics.hpp>
#include <sesh/http/router.hpp>
#include <sesh/login_throttle.hpp>
#include <sesh/nextauth_jwt.hpp>
#include <sesh/oauth2.hpp>
#include <sesh/oidc.hpp>
#include <sesh/password.hpp>
#include <sesh/rate_limiter.hpp>
#include <sesh/session_manager.hpp>
#include <sesh/users.hpp>

#include "core/iso8601.hpp"
#include "seshd/address_allow.hpp"
#include "seshd/callback_url.hpp"
#include "seshd/config.hpp"
#include "seshd/gateway_rules.hpp"
#include "seshd/hashing_gate.hpp"
#include "seshd/refusals.hpp"

namespace sesh::seshd {

/// One of next-auth's OAuth check cookies (core/lib/cookie.js, oauth/checks.js): its name and
/// the next-auth JWT codec whose salt is that name, living 15 minutes.
struct check_cookie {
    std::string name;  ///< next-auth.state / next-auth.pkce.code_verifier / next-auth.nonce (__Secure- on https)
    nextauth_jwt_codec codec;
};
struct oidc_check_cookies {
    check_cookie state;
    check_cookie pkce;
    check_cookie nonce;
};

/// A provider offered for sign-in (issue 14): an OpenID Provider (`client`) or a plain OAuth 2.0
/// one (`oauth`), exactly one of them set.
struct provider_signin {
    std::string id;    ///< in the routes: /api/auth/signin/<id>, /api/auth/callback/<id>
    std::string name;  ///< shown to people
    std::shared_ptr<oidc_client> client;
    std::shared_ptr<oauth2_client> oauth;
    /// Which profile fields give next-auth's id, name, email and image.
    profile_mapping profile;
    /// Derives the login names of the users this provider makes (provider_user_name): the
    /// issuer of an OpenID Provider, `oauth:<id>` for an OAuth one.
    std::string name_key;
    /// next-auth's allowDangerousEmailAccountLinking: an unknown account whose verified e-mail a
    /// user has is linked to that user instead of refused (OAuthAccountNotLinked).
    bool allow_email_linking = false;
};

/// Shared, long-lived services; built once at start-up, read by every request. Thread-safe.
struct app {
    seshd::config config;
    std::shared_ptr<sesh::store> store;
    std::shared_ptr<user_store> users;
    session_manager sessions;
    /// Counts in the store (open_database's throttle), so every node on it throttles as one.
    login_throttle throttle;
    http::metrics metrics;
    /// True when public_url is https: Secure cookies and the __Secure-/__Host- names.
    bool secure_cookies = false;
    /// next-auth's cookie names for this origin (with prefixes on https).
    std::string csrf_cookie;          ///< next-auth.csrf-token / __Host-next-auth.csrf-token
    std::string callback_url_cookie;  ///< next-auth.callback-url / __Secure-next-auth.callback-url
    /// Who may read /metrics (config::metrics_allow, parsed).
    address_list metrics_allow;
    /// New anonymous sessions per client (client_key) in a rolling minute
    /// (config.new_sessions_per_minute).
    rate_limiter new_sessions;
    /// Sign-up attempts per client (client_key) (config signup_limit per signup_window).
    rate_limiter signups;
    /// Bounds the argon2id jobs of sign-ins, sign-ups and password changes (config hashing_queue).
    hashing_gate hashing;
    /// Where sign-in and sign-out may send the browser (config cookie_domain, allowed_redirects).
    redirect_policy redirects;
    /// Whose forwarded headers /api/auth/verify believes (config trusted_proxies, parsed).
    address_list trusted_proxies;
    /// Forward auth's access rules (config gateway_rules, parsed).
    seshd::gateway_rules gateway_rules;
    /// Sign-in providers (config.providers); empty when none is configured.
    std::vector<provider_signin> providers;
    /// Set when providers is not empty.
    std::shared_ptr<const oidc_check_cookies> checks;
};

/// How a sign-in attempt ended.
enum class login_outcome {
    ok,           ///< signed in: the session has a new token, the user id and profile data
    invalid,      ///< unknown name or wrong password (one answer for both: no enumeration)
    throttled,    ///< too many recent failures for this account or address; see retry_after
    unavailable,  ///< the store could not be reached (answer 503)
    busy,         ///< the hashing queue is full (answer 503 with Retry-After: retry_after)
};
struct login_result {
    login_outcome outcome = login_outcome::invalid;
    std::chrono::milliseconds retry_after{0};  ///< throttled, busy: how long to wait
};

/// Checks `name` and `password` and on success signs the request's session in. In order: the
/// throttle (per normalized name and client address; unavailable when its counts cannot be read
/// or a failure cannot be recorded); the user lookup; argon2id verification
/// off the I/O threads through the hashing gate (busy when it is full) (verify_dummy_password for an unknown name, so both failures take the same
/// time); a rehash when the parameters changed; then start_user_session. Records failures and
/// successes in the throttle and metrics; logs the name and address, never the password.
[[nodiscard]] http::awaitable<login_result> sign_in(http::context& ctx, app& a, std::string_view name,
                                                    std::string_view password);
/// Signs the request's session in as `u`: session_manager::regenerate (no fixation), the user id,
/// and the profile data every strategy carries: `name`, `email` (null when empty) and `picture`
/// (null) — next-auth's default JWT claims, so a next-auth app reading a jwt-strategy cookie sees
/// the same user — plus `username`, the account's name, which nothing the user sends changes
/// (`name` is only the display name, which next-auth's update() may change). Errors:
/// store_unavailable.
[[nodiscard]] http::awaitable<result<void>> start_user_session(http::context& ctx, const user& u);

/// Who `s` is signed in as, for greeting and display as the identity; nothing when anonymous.
/// The `username` seshd writes at sign-in; for a session without it (a token a next-auth app
/// made) the `name` that app wrote, then the user id. Never a display name the user changed
/// (the session update route pins `username` before it changes `name`).
[[nodiscard]] std::optional<std::string> signed_in_username(const session& s);

/// What a sign-up attempt came to.
struct signup_result {
    http::status status = http::status::created;  ///< 201, 400 (invalid input), 409 (name taken), 429, 503
    std::string error;                            ///< for people; empty on success
    std::chrono::milliseconds retry_after{0};     ///< 429 (sign-ups per address) and 503 (busy): Retry-After
};
/// Validates and creates an account, then signs the request's session in as the new user.
/// `name` is normalized first. In order: name and e-mail checks (400); a place in the hashing
/// gate (503, not counted); the sign-ups of the client address (429); the password policy,
/// check_new_password (400); argon2id off the I/O threads; the insert (409).
[[nodiscard]] http::awaitable<signup_result> sign_up(http::context& ctx, app& a, std::string_view name,
                                                     std::string_view password, std::string_view email);

/// Call before a handler puts data in the request's session: when that would start a new
/// anonymous session (no cookie session yet, no user) and the client's address has started
/// config.new_sessions_per_minute of them in the last minute, the 429 JSON answer (with Retry-After)
/// to send instead; otherwise nothing. Sign-in is not limited here (the login throttle is).
[[nodiscard]] http::awaitable<std::optional<http::response>> refuse_new_anonymous_session(http::context& ctx, app& a);

/// The CSRF token for forms and /api/auth/csrf: the token of the request's valid next-auth CSRF
/// cookie, or a new one whose cookie (HttpOnly, SameSite=Lax, `__Host-` on https) is queued on ctx.
[[nodiscard]] std::string csrf_token_for(http::context& ctx, const app& a);
/// True when `submitted` matches the request's CSRF cookie (double submit, constant-time).
[[nodiscard]] bool csrf_ok(http::context& ctx, const app& a, std::string_view submitted);

/// Routes of each area, registered on `r`; each lives in its own file.
void add_nextauth_routes(http::router& r, app& a);  // /api/auth/* (nextauth_api.cpp)
void add_guide_routes(http::router& r, app& a);     // /api/login, /api/logout, /api/profile, /api/hello, /api/user
void add_account_routes(http::router& r, app& a);   // /api/signup, /api/sessions, /api/password
void add_page_routes(http::router& r, app& a);      // /, /login, /signup, /profile, /cart, /preferences, /sessions
void add_asset_routes(http::router& r, app& a);     // /static/* (web/, embedded), /healthz, /metrics
void add_forward_auth_routes(http::router& r, app& a);  // /api/auth/verify (forward_auth.cpp)
void add_asset_routes(http::router& r, app& a);
void add_oidc_routes(http::router& r, app& a);      // /api/auth/signin/<id>, /api/auth/callback/<id> (oidc_api.cpp)     // /static/* (web/, embedded), /healthz, /metrics

/// Opens the stores and builds the session manager for `c` (already finished by finish_config).
/// Returns a message for the operator on failure (bad store URL, unopenable database…).
[[nodiscard]] tl::expected<std::unique_ptr<app>, std::string> make_app(config c);

/// A time as next-auth writes `expires`: ISO 8601 in UTC with milliseconds and `Z`.
using detail::iso8601_ms;

/// Every route of seshd.
[[nodiscard]] http::router make_router(app& a);

}  // namespace sesh::seshd
