// session_manager::create: checks the options and derives, once, the strategy and the cookie
// every later load and save reuses.
#include "session/strategy.hpp"

namespace sesh {

using namespace std::chrono_literals;

namespace {

// The one place the strategy is chosen: every later step dispatches through the object.
result<std::unique_ptr<const detail::session_strategy>> make_strategy(const session_options& o,
                                                                     const session_manager::impl& m) {
    switch (o.strategy) {
        case strategy::server: return detail::make_server_strategy(o, m);
        case strategy::jwt: return detail::make_jwt_strategy(o, m);
        case strategy::iron: return detail::make_iron_strategy(o, m);
        case strategy::database: return detail::make_database_strategy(o, m);
    }
    return fail(errc::invalid_argument);
}

// RFC 6265bis §4.1.3: `__Host-` binds the cookie to one host (Secure, Path=/, no Domain), the
// strongest a cookie can be; `__Secure-` is what is left when a Domain or Path is set.
std::string cookie_name_for(const session_options& o, const detail::session_strategy& st) {
    std::string base = o.cookie_name.empty() ? std::string(st.default_cookie_name()) : o.cookie_name;
    if (!o.secure || st.prefix() == detail::cookie_prefix::none || base.starts_with("__")) return base;
    const bool host = st.prefix() == detail::cookie_prefix::host && o.domain.empty() && o.path == "/";
    return (host ? "__Host-" : "__Secure-") + base;
}

}  // namespace

result<session_manager> session_manager::create(session_options o) {
    if (o.idle_timeout <= 0s || o.absolute_timeout <= 0s || o.max_age <= 0s || o.update_age < 0s ||
        o.max_data_bytes == 0 || o.anonymous_max_data_bytes == 0 || o.anonymous_idle_timeout <= 0s)
        return fail(errc::invalid_argument);
    auto p = std::make_shared<impl>();
    p->store = o.store;
    p->clock = o.clock ? o.clock : &system_clock();
    p->random = o.random ? o.random : &system_random();
    p->idle_timeout = o.idle_timeout;
    p->absolute_timeout = o.absolute_timeout;
    p->max_age = o.max_age;
    p->update_age = o.update_age;
    p->max_data_bytes = o.max_data_bytes;
    p->anonymous_max_data_bytes = std::min(o.anonymous_max_data_bytes, o.max_data_bytes);
    p->anonymous_idle_timeout = std::min(o.anonymous_idle_timeout, o.idle_timeout);
    p->chunking = o.chunking;
    auto st = make_strategy(o, *p);
    if (!st) return fail(st.error());
    p->strategy = std::move(*st);
    p->cookie_max_age = p->strategy->cookie_max_age();

    set_cookie& c = p->cookie;
    c.name = cookie_name_for(o, *p->strategy);
    c.path = o.path;
    c.domain = o.domain;
    c.secure = o.secure;
    c.http_only = true;
    c.same_site = o.same_site;
    // Refuse at start-up what serialize would refuse on every request: a bad name, a prefix
    // rule broken by the attributes, SameSite=None without Secure, a Path with ';'.
    set_cookie probe = c;
    probe.value.assign(1, 'x');  // not `= "x"`: GCC 12 raises a false -Wrestrict on it
    probe.max_age = p->cookie_max_age;
    if (!serialize(probe)) return fail(errc::invalid_argument);
    return session_manager(std::move(p));
}

const std::string& session_manager::cookie_name() const noexcept { return impl_->cookie.name; }

bool session_manager::lists_sessions() const noexcept { return impl_->strategy->lists_sessions(); }

}  // namespace sesh
