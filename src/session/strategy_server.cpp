// The server strategy: an opaque token in the cookie, the session's record in the store under
// the token's SHA-256 — lazy creation, throttled renewal, rotation and revocation by record.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <sesh/log.hpp>

#include <sesh/opaque_token.hpp>

#include "session/strategy.hpp"

namespace sesh {
namespace detail {

namespace json = boost::json;

class session_ops::server_strategy final : public record_strategy<server_strategy> {
public:
    explicit server_strategy(std::chrono::seconds cookie_max_age) noexcept : cookie_max_age_(cookie_max_age) {}

    std::string_view default_cookie_name() const noexcept override { return "sesh.session-token"; }
    // A server cookie needs no Domain or Path beyond "/": `__Host-` when the options allow it.
    cookie_prefix prefix() const noexcept override { return cookie_prefix::host; }
    std::chrono::seconds cookie_max_age() const noexcept override { return cookie_max_age_; }
    bool lists_sessions() const noexcept override { return true; }

    void regenerate(const impl& m, session& s) const override {
        if (s.previous_id_.empty()) s.previous_id_ = std::move(s.id_);
        s.token_ = make_opaque_token(*m.random);
        s.id_ = opaque_token_store_key(s.token_);
    }

    template <class Io>
    task<Io, result<void>> load_with(const impl& m, session& s, const std::vector<cookie>&,
                                     std::optional<std::string_view> plain) const;
    template <class Io>
    task<Io, result<std::vector<std::string>>> save_with(const impl& m, session& s) const;

private:
    std::chrono::seconds cookie_max_age_;
};

template <class Io>
session_ops::task<Io, result<void>> session_ops::server_strategy::load_with(const impl& m, session& s,
                                                                            const std::vector<cookie>&,
                                                                            std::optional<std::string_view> plain) const {
    // Server cookies are never chunked; stray chunks are only something to clear.
    if (!plain) {
        s.stale_cookie_ = true;
        co_return result<void>{};
    }
    const std::string_view token = *plain;
    // The shape check spares the store a lookup for junk (and the log a line per bot).
    if (!is_opaque_token(token)) {
        sesh::logger()->debug("sesh: malformed {} cookie ignored", m.cookie.name);
        s.stale_cookie_ = true;
        co_return result<void>{};
    }
    std::string key = opaque_token_store_key(token);
    auto rec = co_await Io::get(*m.store, key);
    if (!rec) co_return fail(rec.error());
    // Unknown, expired or destroyed: an ordinary outcome (an old browser tab), not worth a log.
    const auto now = m.clock->now();
    if (!*rec || now >= (*rec)->expires()) {
        s.stale_cookie_ = true;
        co_return result<void>{};
    }
    session_record& r = **rec;
    json::parse_options po;
    po.max_depth = 1000;  // what save accepted, it must read back (Boost.JSON's default is 32)
    std::error_code ec;
    json::value v = json::parse(r.data, ec, {}, po);
    if (ec || !v.is_object()) {
        sesh::logger()->debug("sesh: session {} has corrupt data, treated as absent", key);
        s.stale_cookie_ = true;
        co_return result<void>{};
    }
    s.data_ = std::move(v.get_object());
    s.user_id_ = std::move(r.user_id);
    s.stored_anonymous_ = s.user_id_.empty();
    s.id_ = std::move(key);
    s.token_ = token;
    s.created_ = r.created;
    s.last_seen_ = r.last_seen;
    s.idle_expires_ = r.idle_expires;
    s.absolute_expires_ = r.absolute_expires;
    s.expires_ = r.expires();
    s.address_ = std::move(r.address);
    s.user_agent_ = std::move(r.user_agent);
    s.is_new_ = false;
    co_return result<void>{};
}

template <class Io>
session_ops::task<Io, result<std::vector<std::string>>> session_ops::server_strategy::save_with(const impl& m,
                                                                                              session& s) const {
    const auto now = m.clock->now();
    store& st = *m.store;

    // A brand-new session, or one whose token regenerate replaced: a new record under a new key.
    if (s.is_new_ || !s.previous_id_.empty()) {
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

result<std::unique_ptr<const session_strategy>> make_server_strategy(const session_options& o,
                                                                    const session_manager::impl&) {
    if (!o.store) return fail(errc::invalid_argument);
    return std::make_unique<const session_ops::server_strategy>(o.max_age);
}

}  // namespace detail
}  // namespace sesh
