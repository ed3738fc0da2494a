// seshd's configuration: flags and SESH_* environment variables, resolved into one struct.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sesh/http/server.hpp>
#include <sesh/password.hpp>
#include <sesh/session_manager.hpp>

namespace sesh::seshd {

/// Which fields of a provider's profile (an OpenID Provider's claims, an OAuth provider's profile
/// JSON) give next-auth's profile values: the first non-empty string of each list (a number is
/// taken as its decimal text: GitHub's ids). The defaults are next-auth's OpenID profile.
struct profile_mapping {
    std::vector<std::string> id{"sub"};  ///< OpenID providers always use the verified `sub`
    std::vector<std::string> name{"name", "preferred_username"};
    std::vector<std::string> email{"email"};
    std::vector<std::string> image{"picture"};
    /// The boolean field saying the provider verified the e-mail address.
    std::string email_verified = "email_verified";
    /// Count every address this provider gives as verified (a provider that only gives verified
    /// ones). Default off.
    bool trust_email = false;
};

/// OpenID Connect (discovery, a verified ID token) or plain OAuth 2.0 (a profile URL).
enum class provider_type { oidc, oauth };

/// One provider to sign in with (issue 14): from the environment (SESH_OIDC_*, id `oidc`) or
/// from the configuration file (--config, provider_file.cpp), presets filled in.
struct provider_config {
    /// In the routes: /api/auth/signin/<id>, /api/auth/callback/<id>. [a-z0-9_-], 1 to 64.
    std::string id = "oidc";
    /// Shown on the button ("Sign in with <name>"). SESH_OIDC_NAME; default "OpenID Connect".
    std::string name = "OpenID Connect";
    provider_type type = provider_type::oidc;
    /// oidc: SESH_OIDC_ISSUER, exactly as the provider writes `iss`. https, or http to a
    /// loopback host in development only.
    std::string issuer;
    /// oauth: the endpoints and the profile URL (GET with the access token); emails_url optional
    /// (GitHub's /user/emails).
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::string profile_url;
    std::string emails_url;
    std::string client_id;
    /// From SESH_OIDC_CLIENT_SECRET(_FILE) or the file's client_secret_env / client_secret_file.
    /// Never logged.
    std::string client_secret;
    /// Space-separated. Default: "openid email profile" for oidc, none for oauth.
    std::string scope;
    /// oidc: SESH_OIDC_USERINFO=1: also read the userinfo endpoint. Default off (the ID token's claims).
    bool userinfo = false;
    /// SESH_OIDC_AUTH_METHOD: client_secret_basic (default) or client_secret_post.
    bool secret_in_body = false;
    /// SESH_OIDC_CA_FILE: trusted CAs (PEM) instead of the system's. Default: the system's.
    std::string ca_file;
    /// SESH_OIDC_TIMEOUT_MS: each call to the provider. Default 10 s.
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
    /// SESH_OIDC_ALLOW_EMAIL_LINKING=1: next-auth's allowDangerousEmailAccountLinking; a first
    /// sign-in whose verified e-mail a user has signs in as that user. Default off
    /// (OAuthAccountNotLinked): only for a provider trusted to verify e-mail addresses.
    bool allow_email_linking = false;
    profile_mapping profile;
};

/// Everything seshd needs to start. Defaults are `make run`'s: loopback, SQLite in ./data.
struct config {
    /// SESH_LISTEN / --listen: `HOST:PORT`. Default 127.0.0.1:3000.
    std::string listen = "127.0.0.1:3000";
    /// SESH_DATA_DIR / --data-dir: created if missing (mode 0700). Default ./data.
    std::string data_dir = "./data";
    /// SESH_STORE / --store: store URL. Default `sqlite:<data_dir>/sesh.db`.
    std::string store_url;
    /// SESH_STRATEGY / --strategy: server | jwt | iron | database (next-auth's database strategy:
    /// needs a postgres:// store). Default server.
    sesh::strategy strategy = sesh::strategy::server;
    /// SESH_SECRET or SESH_SECRET_FILE / --secret-file. Signs CSRF tokens; the jwt key and the
    /// iron password (id 1). In development a missing secret is generated into
    /// <data_dir>/secret (mode 0600); in production missing or under 32 characters stops start-up.
    std::string secret;
    /// SESH_URL / --url: the public origin, e.g. https://auth.example.com. `https://` turns on
    /// Secure cookies and the __Secure-/__Host- names. Default http://<listen>.
    std::string public_url;
    /// SESH_ENV / --env: development | production. Default development.
    bool production = false;
    /// SESH_IDLE_TIMEOUT / --idle-timeout (seconds): sessions unused this long end. Default 30 days.
    std::chrono::seconds idle_timeout = std::chrono::hours(24 * 30);
    /// SESH_ABSOLUTE_TIMEOUT / --absolute-timeout (seconds). Default 90 days.
    std::chrono::seconds absolute_timeout = std::chrono::hours(24 * 90);
    /// SESH_UPDATE_AGE / --update-age (seconds): sliding renewal interval. Default 1 day.
    std::chrono::seconds update_age = std::chrono::hours(24);
    /// Anonymous sessions (no sign-in yet) cost whoever sends a cookie-less request nothing, so
    /// they are bounded until sign-in (issue 17): SESH_ANONYMOUS_MAX_DATA_BYTES, their largest
    /// data as JSON (past it 413). Default 4 KiB.
    std::size_t anonymous_max_data_bytes = 4 * 1024;
    /// SESH_ANONYMOUS_IDLE_TIMEOUT (seconds): an anonymous session unused this long ends (it is
    /// renewed at least every half of this while in use). Default 1 hour.
    std::chrono::seconds anonymous_idle_timeout = std::chrono::hours(1);
    /// SESH_NEW_SESSIONS_PER_MINUTE: anonymous sessions one client address (an IPv6 /64) may
    /// start per minute; past it 429 with Retry-After. 0 turns the limit off. Default 60.
    std::size_t new_sessions_per_minute = 60;
    /// SESH_MAX_SESSIONS: the most sessions the memory or SQLite store holds; past it a new
    /// session gets 507 (signed-in ones live on). Default 1000000.
    std::size_t max_sessions = 1'000'000;
    /// SESH_THREADS / --threads: I/O threads, 0 = one per core.
    unsigned threads = 0;
    /// SESH_LOG_LEVEL / --log-level: trace|debug|info|warn|error. Default info.
    std::string log_level = "info";
    /// argon2id cost (SESH_ARGON2_OPS / SESH_ARGON2_MEM_KIB, for tests that must be quick).
    password_params password;
    /// SESH_METRICS_ALLOW: who may read /metrics (route counts, login failures), as addresses and
    /// CIDR networks separated by commas, or `none`. Others get 403. Default loopback only. Behind
    /// a reverse proxy on the same host every client is loopback: do not forward /metrics there.
    std::string metrics_allow = "127.0.0.0/8, ::1";
    /// SESH_SIGNUP_LIMIT: sign-up attempts per client address within SESH_SIGNUP_WINDOW
    /// (seconds); past it, 429 with Retry-After. Defaults 10 per 600 s; 0 turns the limit off.
    std::size_t signup_limit = 10;
    std::chrono::seconds signup_window = std::chrono::minutes(10);
    /// SESH_HASHING_QUEUE: argon2id jobs (sign-ins, sign-ups, password changes) waiting or running
    /// at most; past it, 503 with Retry-After instead of a backlog. Sign-ups never hold more than
    /// all but one of the hashing threads, so a sign-in always finds one. Default 32.
    std::size_t hashing_queue = 32;
    /// SESH_COOKIE_DOMAIN: the Domain attribute of the session and next-auth callback-url
    /// cookies, so `auth.example.com` and `app.example.com` share the session (the host of
    /// SESH_URL must lie under it). Hosts under it, with SESH_URL's scheme, may be callbackUrls.
    /// Default empty: host-only cookies. (The CSRF cookie stays host-only: only seshd reads it,
    /// and on https its `__Host-` name forbids a Domain.)
    std::string cookie_domain;
    /// SESH_ALLOWED_REDIRECTS: further origins callbackUrls may point to, comma-separated
    /// (`https://app.example.com,http://127.0.0.1:8080`). Default none: seshd's own origin only.
    std::string allowed_redirects;
    /// SESH_TRUSTED_PROXIES: the gateways whose X-Forwarded-* and X-Original-* headers forward
    /// auth (/api/auth/verify) believes, as addresses and CIDR networks separated by commas, or
    /// `none`. From anyone else those headers are ignored. Default none.
    std::string trusted_proxies = "none";
    /// SESH_GATEWAY_RULES: who may pass the gateway to which host and path prefix; the grammar is
    /// gateway_rules's. Default empty: anyone signed in.
    std::string gateway_rules;
    /// HTTP limits and timeouts (SESH_READ_TIMEOUT_MS, SESH_IDLE_CONNECTION_TIMEOUT_MS,
    /// SESH_MAX_CONNECTIONS, SESH_MAX_CONNECTIONS_PER_ADDRESS, SESH_MAX_BODY_BYTES). make_app
    /// sets trusted_origin from public_url, and Strict-Transport-Security when it is https.
    http::server_options server;
    /// SESH_CONFIG / --config: the configuration file (TOML) naming providers. Default none.
    std::string config_file;
    /// The providers to offer beside the credentials form: SESH_OIDC_ISSUER's (id `oidc`) and
    /// the configuration file's, in that order.
    std::vector<provider_config> providers;
};

}  // namespace sesh::seshd
