// session_manager::save: lazy creation, throttled renewal and token rotation for the server
// strategy; jwt and iron are in manager_save_stateless.cpp.
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include <sesh/opaque_token.hpp>

#include "session/manager_impl.hpp"
#include "session/store_io.hpp"

namespace sesh {

namespace json = boost::json;

namespace detail {

bool session_ops::too_large(const impl& m, const session& s) {
    const std::size_t limit = s.user_id_.empty() ? m.anonymous_max_data_bytes : m.max_data_bytes;
    // Counted through a stack buffer, stopping at the limit: no copy of a big session is made
    // just to refuse it.
    json::serializer sr;
    sr.reset(&s.data_);
    char buf[2048];
    std::size_t n = 0;
    while (!sr.done() && n <= limit) n += sr.read(buf, sizeof buf).size();
    return n > limit;
}

template <class Io>
typename Io::template task<result<std::vector<std::string>>> session_ops::save_server(const impl& m, session& s) {
    const auto now = m.clock->now();
    store& st = *m.store;

    // A brand-new session, or one whose token regenerate replaced: a new record under a new key.
    if (s.is_new_ || !s.previous_id_.empty()) {
        if (s.is_new_ && s.data_.empty() && s.user_id_.empty())
            co_return s.stale_cookie_ ? clear_cookies(m, s, false) : std::vector<std::string>{};
        if (too_large(m, s)) co_return fail(errc::too_large);
        if (!s.previous_id_.empty()) {
            // Regenerated: the old record must still be live, or a logout elsewhere ended this
            // session and the new record would bring it back.
            auto old = co_await Io::get(st, s.previous_id_);
            if (!old) co_return fail(old.error());
            if (!*old) co_return fail(errc::not_found);
        }
        std::string token = s.token_.empty() ? make_opaque_token(*m.random) : s.token_;
        session_record r;
        r.key = opaque_token_store_key(token);
        r.user_id = s.user_id_;
        r.data = json::serialize(s.data_);
        r.created = now;
        r.last_seen = now;
        r.absolute_expires = now + m.absolute_timeout;
        r.idle_expires = std::min(now + idle_timeout_for(m, s.user_id_), r.absolute_expires);
        r.address = s.address_;
        r.user_agent = s.user_agent_;
        if (auto c = co_await Io::create(st, r); !c) co_return fail(c.error());
        if (!s.previous_id_.empty())
            if (auto e = co_await Io::erase(st, s.previous_id_); !e) co_return fail(e.error());
        auto cookies = write_cookie(m, s, token, cookie_age(m, now, r.absolute_expires));
        if (!cookies) co_return cookies;
        s.token_ = std::move(token);
        s.id_ = std::move(r.key);
        s.previous_id_.clear();
        s.created_ = s.last_seen_ = now;
        s.idle_expires_ = r.idle_expires;
        s.absolute_expires_ = r.absolute_expires;
        s.expires_ = r.expires();
        s.stored_anonymous_ = s.user_id_.empty();
        s.is_new_ = s.modified_ = s.stale_cookie_ = false;
        co_return cookies;
    }

    // Sliding renewal, at most once per update_age (next-auth's updateAge), never past the
    // absolute expiry. An anonymous record that now has a user renews at once: it still has the
    // short anonymous idle expiry.
    const bool signed_in = s.stored_anonymous_ && !s.user_id_.empty();
    const bool renew = signed_in || now - s.last_seen_ >= renew_after(m, s.user_id_);
    const auto last_seen = renew ? now : s.last_seen_;
    const auto idle_expires =
        renew ? std::min(now + idle_timeout_for(m, s.user_id_), s.absolute_expires_) : s.idle_expires_;
    bool wrote = false;
    if (s.modified_) {
        if (too_large(m, s)) co_return fail(errc::too_large);
        session_record r;
        r.key = s.id_;
        r.user_id = s.user_id_;
        r.data = json::serialize(s.data_);
        r.created = s.created_;
        r.last_seen = last_seen;
        r.idle_expires = idle_expires;
        r.absolute_expires = s.absolute_expires_;
        r.address = s.address_;
        r.user_agent = s.user_agent_;
        // update, never create: a record a logout erased stays erased (express-session's race).
        if (auto u = co_await Io::update(st, r); !u) co_return fail(u.error());
        s.stored_anonymous_ = s.user_id_.empty();
        wrote = renew;
    } else if (renew) {
        // Conditional: of many requests renewing one session at once, one writes.
        auto t = co_await Io::touch(st, s.id_, last_seen, idle_expires);
        if (!t) co_return fail(t.error());
        wrote = *t;
    }
    s.modified_ = false;
    if (!wrote) co_return std::vector<std::string>{};
    s.last_seen_ = last_seen;
    s.idle_expires_ = idle_expires;
    s.expires_ = std::min(idle_expires, s.absolute_expires_);
    // The record lives on, so the cookie's Max-Age is refreshed with it.
    co_return write_cookie(m, s, s.token_, cookie_age(m, now, s.absolute_expires_));
}

template <class Io>
typename Io::template task<result<std::vector<std::string>>> session_ops::save(const impl& m, session& s) {
    if (s.destroyed_) co_return std::vector<std::string>{};
    if (m.strategy == strategy::server) co_return co_await save_server<Io>(m, s);
    co_return co_await save_stateless<Io>(m, s);
}

template blocking_io::task<result<std::vector<std::string>>> session_ops::save<blocking_io>(const impl&, session&);
template async_io::task<result<std::vector<std::string>>> session_ops::save<async_io>(const impl&, session&);

}  // namespace detail

result<std::vector<std::string>> session_manager::save(session& s) const {
    return detail::session_ops::save<detail::blocking_io>(*impl_, s).get();
}

boost::asio::awaitable<result<std::vector<std::string>>> session_manager::async_save(session& s) const {
    return detail::session_ops::save<detail::async_io>(*impl_, s);
}

}  // namespace sesh
