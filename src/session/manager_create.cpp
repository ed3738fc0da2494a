// session_manager::create: checks the options and derives, once, the codecs and the cookie
// every later load and save reuses.
#include "session/manager_impl.hpp"

namespace sesh {

using namespace std::chrono_literals;

namespace {

std::string_view default_name(strategy s) noexcept {
    switch (s) {
        case strategy::jwt: return "next-auth.session-token";  // next-auth's, so a Next.js app shares it
        case strategy::iron: return "iron-session";
        case strategy::server: break;
    }
    return "sesh.session-token";
}

// RFC 6265bis §4.1.3: `__Host-` binds the cookie to one host (Secure, Path=/, no Domain), the
// strongest a server cookie can be; `__Secure-` is what is left when a Domain or Path is set.
// next-auth uses `__Secure-` for its session token on https (core/lib/cookie.ts defaultCookies).
// iron-session writes its cookieName as given.
std::string cookie_name_for(const session_options& o) {
    std::string base = o.cookie_name.empty() ? std::string(default_name(o.strategy)) : o.cookie_name;
    if (!o.secure || o.strategy == strategy::iron || base.starts_with("__")) return base;
    const bool host = o.strategy == strategy::server && o.domain.empty() && o.path == "/";
    return (host ? "__Host-" : "__Secure-") + base;
}

result<void> make_codec(const session_options& o, session_manager::impl& m) {
    switch (o.strategy) {
        case strategy::server:
            if (!o.store) return fail(errc::invalid_argument);
            m.cookie_max_age = o.max_age;
            return {};
        case strategy::jwt: {
            nextauth_jwt_options jo;
            jo.secrets = o.secrets;
            jo.max_age = o.max_age;
            jo.clock = m.clock;
            jo.random = m.random;
            auto codec = nextauth_jwt_codec::create(std::move(jo));
            if (!codec) return fail(errc::invalid_argument);
            m.jwt.emplace(std::move(*codec));
            m.cookie_max_age = o.max_age;
            return {};
        }
        case strategy::iron: {
            // iron-session's cookie lives ttl - 60 s; at 60 s or less it would be deleted at once.
            if (o.max_age <= 60s) return fail(errc::invalid_argument);
            iron_options io;
            io.passwords = o.passwords;
            io.ttl = o.max_age;
            io.clock = m.clock;
            io.random = m.random;
            auto codec = iron_codec::create(std::move(io));
            if (!codec) return fail(errc::invalid_argument);
            m.cookie_max_age = codec->cookie_max_age();
            m.iron.emplace(std::move(*codec));
            return {};
        }
    }
    return fail(errc::invalid_argument);
}

}  // namespace

result<session_manager> session_manager::create(session_options o) {
    if (o.idle_timeout <= 0s || o.absolute_timeout <= 0s || o.max_age <= 0s || o.update_age < 0s ||
        o.max_data_bytes == 0 || o.anonymous_max_data_bytes == 0 || o.anonymous_idle_timeout <= 0s)
        return fail(errc::invalid_argument);
    auto p = std::make_shared<impl>();
    p->strategy = o.strategy;
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
    if (auto r = make_codec(o, *p); !r) return fail(r.error());

    set_cookie& c = p->cookie;
    c.name = cookie_name_for(o);
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

bool session_manager::lists_sessions() const noexcept { return impl_->strategy == strategy::server; }

}  // namespace sesh
