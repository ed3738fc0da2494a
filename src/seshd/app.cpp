// Building seshd's services from its configuration, and its routing table.
#include "seshd/app.hpp"

#include <sesh/database.hpp>
#include <sesh/error.hpp>


namespace sesh::seshd {
namespace {

// https, or in development http to a loopback host (fetch refuses any other host itself).
bool provider_url_allowed(const app& a, std::string_view url) {
    return url.starts_with("https://") || (!a.config.production && url.starts_with("http://"));
}

tl::expected<void, std::string> add_provider(app& a, const provider_config& pc) {
    const std::string what = "provider " + pc.id + ": ";
    for (const auto& p : a.providers)
        if (p.id == pc.id) return tl::unexpected(what + "configured twice");
    fetch_options fetch;
    fetch.timeout = pc.timeout;
    fetch.allow_loopback_http = !a.config.production;
    fetch.ca_file = pc.ca_file;
    provider_signin entry{pc.id, pc.name, nullptr, nullptr, pc.profile, "", pc.allow_email_linking};
    std::string redirect_origin_of;  // where the sign-in button's redirect goes
    if (pc.type == provider_type::oidc) {
        if (!provider_url_allowed(a, pc.issuer))
            return tl::unexpected(what + "the issuer must be https (http only to a loopback issuer in development)");
        oidc_client_options o;
        o.issuer = pc.issuer;
        o.client_id = pc.client_id;
        o.client_secret = pc.client_secret;
        o.secret_in_body = pc.secret_in_body;
        o.use_userinfo = pc.userinfo;
        if (!pc.scope.empty()) o.scope = pc.scope;
        o.fetch = fetch;
        auto client = oidc_client::create(std::move(o));
        if (!client) return tl::unexpected(what + "invalid OpenID Connect settings: " + client.error().message());
        entry.client = std::move(*client);
        entry.name_key = pc.issuer;
        redirect_origin_of = pc.issuer;
    } else {
        for (const auto* url : {&pc.authorization_endpoint, &pc.token_endpoint, &pc.profile_url})
            if (!provider_url_allowed(a, *url))
                return tl::unexpected(what + *url + " must be https (http only to loopback in development)");
        oauth2_client_options o;
        o.authorization_endpoint = pc.authorization_endpoint;
        o.token_endpoint = pc.token_endpoint;
        o.profile_url = pc.profile_url;
        o.emails_url = pc.emails_url;
        o.client_id = pc.client_id;
        o.client_secret = pc.client_secret;
        o.secret_in_body = pc.secret_in_body;
        o.scope = pc.scope;
        o.fetch = fetch;
        auto client = oauth2_client::create(std::move(o));
        if (!client) return tl::unexpected(what + "invalid OAuth 2.0 settings: " + client.error().message());
        entry.oauth = std::move(*client);
        // Not the issuer-like URL of a configuration that may change: the provider's stable id.
        entry.name_key = "oauth:" + pc.id;
        redirect_origin_of = pc.authorization_endpoint;
    }
    a.providers.push_back(std::move(entry));
    // The login page's provider button posts to seshd, which redirects to the provider: browsers
    // hold that redirect to the page's form-action too (CSP 3), so the provider's origin joins it.
    if (auto origin = origin_of(redirect_origin_of)) {
        auto& csp = a.config.server.content_security_policy;
        if (const auto at = csp.find("form-action 'self'"); at != std::string::npos)
            csp.insert(at + std::string_view("form-action 'self'").size(), " " + *origin);
    }
    return {};
}

tl::expected<void, std::string> add_providers(app& a) {
    if (a.config.providers.empty()) return {};
    for (const auto& pc : a.config.providers)
        if (auto ok = add_provider(a, pc); !ok) return ok;

    // next-auth core/lib/cookie.js: __Secure- on https; oauth/checks.js: salt = the cookie name,
    // 15 minutes.
    const std::string prefix = a.secure_cookies ? "__Secure-" : "";
    auto make_check = [&](std::string name) -> tl::expected<check_cookie, std::string> {
        nextauth_jwt_options jo;
        jo.secrets = {a.config.secret};
        jo.salt = name;
        jo.max_age = std::chrono::minutes(15);
        auto codec = nextauth_jwt_codec::create(std::move(jo));
        if (!codec) return tl::unexpected(std::string("cannot key the OAuth check cookies: ") + codec.error().message());
        return check_cookie{std::move(name), std::move(*codec)};
    };
    auto state = make_check(prefix + "next-auth.state");
    auto pkce = make_check(prefix + "next-auth.pkce.code_verifier");
    auto nonce = make_check(prefix + "next-auth.nonce");
    if (!state) return tl::unexpected(state.error());
    if (!pkce) return tl::unexpected(pkce.error());
    if (!nonce) return tl::unexpected(nonce.error());
    a.checks = std::make_shared<const oidc_check_cookies>(oidc_check_cookies{std::move(*state), std::move(*pkce), std::move(*nonce)});
    return {};
}

}  // namespace

tl::expected<std::unique_ptr<app>, std::string> make_app(config c) {
    store_options so;
    so.max_sessions = c.max_sessions;
    // Sessions and accounts over one set of connections (one SQLite pool and writer, one Redis
    // pool and one connection per I/O thread).
    auto db = open_database(c.store_url, so);
    if (!db) return tl::unexpected("cannot open the store " + redact_store_url(c.store_url) + ": " + db.error().message());

    const bool secure = c.public_url.starts_with("https://");
    auto origin = origin_of(c.public_url);
    if (!origin) return tl::unexpected("SESH_URL must be an absolute http or https URL, got " + c.public_url);
    auto metrics_allow = address_list::parse(c.metrics_allow);
    if (!metrics_allow) return tl::unexpected("SESH_METRICS_ALLOW: " + metrics_allow.error());
    auto trusted_proxies = address_list::parse(c.trusted_proxies);
    if (!trusted_proxies) return tl::unexpected("SESH_TRUSTED_PROXIES: " + trusted_proxies.error());
    auto rules = gateway_rules::parse(c.gateway_rules);
    if (!rules) return tl::unexpected(rules.error());
    // RFC 6265 §5.2.3 ignores a leading '.': one spelling for every cookie seshd writes.
    if (c.cookie_domain.starts_with('.')) c.cookie_domain.erase(0, 1);
    auto redirects = redirect_policy::make(c.public_url, c.cookie_domain, c.allowed_redirects);
    if (!redirects) return tl::unexpected("SESH_ALLOWED_REDIRECTS: " + redirects.error());
    if (!c.cookie_domain.empty() && !redirects->allows_other_origin(*origin))
        return tl::unexpected("SESH_COOKIE_DOMAIN " + c.cookie_domain + " must be the host of SESH_URL or a parent of it");
    // The sign-in form's redirect to an app on another allowed origin must pass the CSP too.
    if (const auto at = c.server.content_security_policy.find("form-action 'self'"); at != std::string::npos)
        c.server.content_security_policy.replace(at, std::string_view("form-action 'self'").size(),
                                                 "form-action " + redirects->form_action_sources());
    // Behind them, the client's address (throttle, per-address limits, devices, logs) is the one
    // their X-Forwarded-For names, not theirs.
    if (!trusted_proxies->empty())
        c.server.trusted_proxy = [list = *trusted_proxies](std::string_view address) { return list.contains(address); };
    // Browsers' POSTs from any other origin are refused before routing (issue 17, finding 6).
    c.server.trusted_origin = *origin;
    // RFC 6797: two years, subdomains included, only when browsers reach seshd over https (it may
    // itself sit behind a TLS proxy and see plain HTTP).
    if (secure) c.server.strict_transport_security = "max-age=63072000; includeSubDomains";
    session_options o;
    o.strategy = c.strategy;
    // A store with every strategy: jwt and iron sessions become revocable (logout everywhere,
    // password change) at one store round trip per request.
    o.store = db->sessions;
    o.secrets = {c.secret};
    o.passwords = password_map{{"1", c.secret}};
    o.idle_timeout = c.idle_timeout;
    o.absolute_timeout = c.absolute_timeout;
    o.update_age = c.update_age;
    o.anonymous_max_data_bytes = c.anonymous_max_data_bytes;
    o.anonymous_idle_timeout = c.anonymous_idle_timeout;
    // The cookie lives as long as an idle session may; iron needs a ttl over its 60 s of skew.
    o.max_age = c.strategy == strategy::iron ? std::max(c.idle_timeout, std::chrono::seconds(120)) : c.idle_timeout;
    o.secure = secure;
    o.domain = c.cookie_domain;
    if (c.strategy == strategy::database && !db->sessions->keeps_authjs_sessions())
        return tl::unexpected(std::string("SESH_STRATEGY=database keeps sessions in Auth.js's `sessions` table: it needs a "
                                          "postgres:// or sqlite: store (SESH_STORE)"));
    auto mgr = session_manager::create(std::move(o));
    if (!mgr) return tl::unexpected("invalid session settings: " + mgr.error().message());

    // next-auth's cookie names: __Host- for the CSRF cookie and __Secure- for the callback URL on
    // https (next-auth core/lib/cookie.ts defaultCookies).
    std::string csrf = secure ? "__Host-next-auth.csrf-token" : "next-auth.csrf-token";
    std::string callback = secure ? "__Secure-next-auth.callback-url" : "next-auth.callback-url";
    rate_limit_options signups;
    signups.limit = c.signup_limit;
    signups.window = c.signup_window;
    // Sign-ups get all hashing threads but one, so a sign-in never waits behind them.
    const std::size_t hashing_threads = c.server.blocking_threads == 0 ? 1 : c.server.blocking_threads;
    const std::size_t hashing_queue = c.hashing_queue;
    rate_limit_options new_sessions;
    new_sessions.limit = c.new_sessions_per_minute;
    new_sessions.window = std::chrono::minutes(1);
    auto made = std::unique_ptr<app>(new app{std::move(c), std::move(db->sessions), std::move(db->users), std::move(*mgr),
                                        login_throttle{std::move(db->throttle)}, {}, secure, std::move(csrf), std::move(callback),
                                        std::move(*metrics_allow), rate_limiter{new_sessions}, rate_limiter{signups},
                                        hashing_gate{hashing_queue, hashing_threads - 1},
                                        std::move(*redirects), std::move(*trusted_proxies), std::move(*rules), {}, {}});
    if (auto ok = add_providers(*made); !ok) return tl::unexpected(ok.error());
    return made;
}

http::router make_router(app& a) {
    http::router r;
    add_nextauth_routes(r, a);
    add_guide_routes(r, a);
    add_account_routes(r, a);
    add_page_routes(r, a);
    add_asset_routes(r, a);
    add_forward_auth_routes(r, a);
    add_oidc_routes(r, a);
    return r;
}

}  // namespace sesh::seshd
