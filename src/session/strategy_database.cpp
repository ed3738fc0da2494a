// The database strategy: next-auth 4.24's own (core/routes/session.js, core/lib/callback-handler.js)
// over a store that keeps Auth.js's `sessions` table. The cookie `next-auth.session-token` holds a
// random UUID, the row holds it with the user's id and `expires`; sesh's extras (data, times,
// device) live beside the row in the store's own table.
#include <array>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <sesh/log.hpp>

#include "codec/jwe.hpp"
#include "session/strategy.hpp"
#include "store/authjs_sessions.hpp"

namespace sesh {
namespace detail {

namespace json = boost::json;

namespace {

// next-auth's generateSessionToken: crypto.randomUUID().
std::string make_database_session_token(random_source& random) {
    std::array<std::uint8_t, 16> bytes{};
    random.fill(bytes);
    const auto text = uuid_v4(bytes);
    return std::string(text.data(), text.size());
}

// What a cookie may hold that a `sessions` row may have as its token: "sessionToken" is
// VARCHAR(255); an app's token need not be a UUID, so any visible ASCII is looked up.
bool is_database_session_token(std::string_view t) noexcept {
    if (t.empty() || t.size() > 255) return false;
    for (const char c : t)
        if (c <= 0x20 || c >= 0x7f) return false;
    return true;
}

}  // namespace

class session_ops::database_strategy final : public record_strategy<database_strategy> {
public:
    explicit database_strategy(std::chrono::seconds max_age) noexcept : max_age_(max_age) {}

    std::string_view default_cookie_name() const noexcept override { return "next-auth.session-token"; }
    // next-auth's session cookie takes `__Secure-` on https (core/lib/cookie.ts), never `__Host-`.
    cookie_prefix prefix() const noexcept override { return cookie_prefix::secure; }
    std::chrono::seconds cookie_max_age() const noexcept override { return max_age_; }
    bool lists_sessions() const noexcept override { return true; }

    void regenerate(const impl& m, session& s) const override {
        if (s.previous_id_.empty()) s.previous_id_ = std::move(s.id_);
        s.id_.clear();  // the new row's id is known once it is stored
        s.token_ = make_database_session_token(*m.random);
    }

    template <class Io>
    task<Io, result<void>> load_with(const impl& m, session& s, const std::vector<cookie>&,
                                     std::optional<std::string_view> plain) const;
    template <class Io>
    task<Io, result<std::vector<std::string>>> save_with(const impl& m, session& s) const;

private:
    // Fills `s` from the record the store answered for its token.
    static bool adopt(session& s, session_record& r, std::string_view token) {
        json::parse_options po;
        po.max_depth = 1000;  // what save accepted, it must read back
        std::error_code ec;
        json::value v = json::parse(r.data, ec, {}, po);
        if (ec || !v.is_object()) return false;
        s.data_ = std::move(v.get_object());
        s.user_id_ = std::move(r.user_id);
        s.stored_anonymous_ = false;
        s.id_ = std::move(r.key);
        s.token_ = token;
        s.created_ = r.created;
        s.last_seen_ = r.last_seen;
        s.idle_expires_ = r.idle_expires;
        s.absolute_expires_ = r.absolute_expires;
        s.expires_ = r.expires();
        s.address_ = std::move(r.address);
        s.user_agent_ = std::move(r.user_agent);
        s.is_new_ = false;
        return true;
    }

    std::chrono::seconds max_age_;
};

template <class Io>
session_ops::task<Io, result<void>> session_ops::database_strategy::load_with(const impl& m, session& s,
                                                                              const std::vector<cookie>&,
                                                                              std::optional<std::string_view> plain) const {
    // next-auth never chunks a database session cookie; chunks are only something to clear.
    if (!plain || !is_database_session_token(*plain)) {
        s.stale_cookie_ = true;
        co_return result<void>{};
    }
    const std::string token(*plain);
    // The store deletes an expired row as it reads it (next-auth's session route does).
    auto rec = co_await Io::get(*m.store, std::string(authjs_token_prefix) + token);
    if (!rec) co_return fail(rec.error());
    // Unknown or expired: next-auth clears the cookie (sessionStore.clean()).
    if (!*rec || !adopt(s, **rec, token)) s.stale_cookie_ = true;
    co_return result<void>{};
}

template <class Io>
session_ops::task<Io, result<std::vector<std::string>>> session_ops::database_strategy::save_with(const impl& m,
                                                                                                session& s) const {
    const auto now = m.clock->now();
    store& st = *m.store;
    const auto new_expires = now + max_age_;  // next-auth's fromDate(maxAge)

    if (s.is_new_ || !s.previous_id_.empty()) {
        // A `sessions` row needs a user ("userId" NOT NULL): an anonymous session is not stored.
        if (s.user_id_.empty()) {
            sesh::logger()->debug("sesh: database strategy keeps no anonymous session; data not stored");
            co_return std::vector<std::string>{};
        }
        if (too_large(m, s)) co_return fail(errc::too_large);
        // Sign-in: the old row goes (no fixation), a new row with a new token comes.
        if (!s.previous_id_.empty())
            if (auto e = co_await Io::erase(st, s.previous_id_); !e) co_return fail(e.error());
        std::string token = s.token_.empty() ? make_database_session_token(*m.random) : s.token_;
        const std::string token_key = std::string(authjs_token_prefix) + token;
        session_record r;
        r.key = token_key;
        r.user_id = s.user_id_;
        r.data = json::serialize(s.data_);
        r.created = now;
        r.last_seen = now;
        r.idle_expires = new_expires;
        r.absolute_expires = new_expires;  // next-auth's rows have only `expires`
        r.address = s.address_;
        r.user_agent = s.user_agent_;
        if (auto c = co_await Io::create(st, r); !c) co_return fail(c.error());
        // The row's id (what /sessions lists and revoke takes) is the table's: read it back.
        auto stored = co_await Io::get(st, token_key);
        if (!stored) co_return fail(stored.error());
        if (!*stored) co_return fail(errc::not_found);  // ended already (a sign-out elsewhere)
        auto cookies = write_cookie(m, s, token, max_age_);
        if (!cookies) co_return cookies;
        s.previous_id_.clear();
        (void)adopt(s, **stored, token);
        s.modified_ = s.stale_cookie_ = false;
        co_return cookies;
    }

    // next-auth's session route: the row's expires moves to now + maxAge once updateAge has
    // passed since it was last set (expires - maxAge + updateAge <= now)...
    const bool due = s.idle_expires_ - max_age_ + m.update_age <= now;
    if (s.modified_) {
        if (too_large(m, s)) co_return fail(errc::too_large);
        session_record r;
        r.key = s.id_;
        r.user_id = s.user_id_;
        r.data = json::serialize(s.data_);
        r.created = s.created_;
        r.last_seen = due ? now : s.last_seen_;
        r.idle_expires = due ? new_expires : s.idle_expires_;
        r.absolute_expires = r.idle_expires;
        r.address = s.address_;
        r.user_agent = s.user_agent_;
        // update, never create: a row a sign-out deleted stays deleted.
        if (auto u = co_await Io::update(st, r); !u) co_return fail(u.error());
    } else if (due) {
        // Of many requests renewing one session at once, one writes.
        if (auto t = co_await Io::touch(st, s.id_, now, new_expires); !t) co_return fail(t.error());
    }
    s.modified_ = false;
    if (due) {
        s.last_seen_ = now;
        s.idle_expires_ = s.absolute_expires_ = new_expires;
    }
    // ...and the cookie is sent again with expires = now + maxAge on every call, renewed or not.
    co_return write_cookie(m, s, s.token_, max_age_);
}

result<std::unique_ptr<const session_strategy>> make_database_strategy(const session_options& o,
                                                                      const session_manager::impl&) {
    if (!o.store || !o.store->keeps_authjs_sessions()) return fail(errc::invalid_argument);
    return std::make_unique<const session_ops::database_strategy>(o.max_age);
}

}  // namespace detail
}  // namespace sesh
