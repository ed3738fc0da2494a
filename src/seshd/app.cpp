// Building seshd's services from its configuration, and its routing table.
#include "seshd/app.hpp"

#include <ctime>

#include <sesh/error.hpp>

namespace sesh::seshd {

tl::expected<std::unique_ptr<app>, std::string> make_app(config c) {
    store_options so;
    auto st = open_store(c.store_url, so);
    if (!st) return tl::unexpected("cannot open the session store " + c.store_url + ": " + st.error().message());
    auto users = open_user_store(c.store_url, so);
    if (!users) return tl::unexpected("cannot open the user store " + c.store_url + ": " + users.error().message());
    std::shared_ptr<sesh::store> shared_store = std::move(*st);

    const bool secure = c.public_url.starts_with("https://");
    session_options o;
    o.strategy = c.strategy;
    // A store with every strategy: jwt and iron sessions become revocable (logout everywhere,
    // password change) at one store round trip per request.
    o.store = shared_store;
    o.secrets = {c.secret};
    o.passwords = password_map{{"1", c.secret}};
    o.idle_timeout = c.idle_timeout;
    o.absolute_timeout = c.absolute_timeout;
    o.update_age = c.update_age;
    // The cookie lives as long as an idle session may; iron needs a ttl over its 60 s of skew.
    o.max_age = c.strategy == strategy::iron ? std::max(c.idle_timeout, std::chrono::seconds(120)) : c.idle_timeout;
    o.secure = secure;
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
    return std::unique_ptr<app>(new app{std::move(c), std::move(shared_store), std::move(*users), std::move(*mgr),
                                        login_throttle{}, {}, secure, std::move(csrf), std::move(callback),
                                        rate_limiter{signups}, hashing_gate{hashing_queue, hashing_threads - 1}});
}

std::string iso8601_ms(clock::time_point t) {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
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
