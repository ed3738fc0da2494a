// Building seshd's services from its configuration, and its routing table.
#include "seshd/app.hpp"

#include <cctype>
#include <optional>

#include <boost/url/parse.hpp>

#include <sesh/database.hpp>
#include <sesh/error.hpp>


namespace sesh::seshd {
namespace {

// The origin browsers send in `Origin` for pages under `url` (RFC 6454 §6.2): scheme://host[:port]
// in lower case, without the scheme's default port, without path.
std::optional<std::string> origin_of(std::string_view url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u || !u->has_authority() || u->encoded_host().empty()) return std::nullopt;
    const auto scheme = u->scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return std::nullopt;
    std::string out = std::string(u->scheme()) + "://" + std::string(u->encoded_host());
    const bool default_port = (scheme == boost::urls::scheme::http && u->port_number() == 80) ||
                              (scheme == boost::urls::scheme::https && u->port_number() == 443);
    if (u->has_port() && !u->port().empty() && !default_port) out += ":" + std::string(u->port());
    for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
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
    if (c.strategy == strategy::database && !db->sessions->keeps_authjs_sessions())
        return tl::unexpected(std::string("SESH_STRATEGY=database keeps sessions in Auth.js's `sessions` table: it needs a "
                                          "postgres:// store (SESH_STORE)"));
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
    return std::unique_ptr<app>(new app{std::move(c), std::move(db->sessions), std::move(db->users), std::move(*mgr),
                                        login_throttle{std::move(db->throttle)}, {}, secure, std::move(csrf), std::move(callback),
                                        std::move(*metrics_allow), rate_limiter{new_sessions}, rate_limiter{signups},
                                        hashing_gate{hashing_queue, hashing_threads - 1}});
}

http::router make_router(app& a) {
    http::router r;
    add_nextauth_routes(r, a);
    add_guide_routes(r, a);
    add_account_routes(r, a);
    add_page_routes(r, a);
    add_asset_routes(r, a);
    return r;
}

}  // namespace sesh::seshd
