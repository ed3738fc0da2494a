// The iron strategy: the session as the data of an iron-session 8 seal, byte-compatible with
// iron-session's own when sesh has nothing of its own to add.
#include <algorithm>
#include <charconv>

#include <sesh/iron.hpp>

#include "session/strategy_stateless.hpp"

namespace sesh::detail {

namespace json = boost::json;

using namespace std::chrono_literals;

namespace {

// iron-session has no claims: sesh keeps its own in one `_sesh` member of the sealed object.
bool read_iron_metadata(json::object& data, token_facts& f) {
    json::value* v = data.if_contains("_sesh");
    if (!v) {
        f.has_metadata = false;
        return true;
    }
    json::object* meta = v->if_object();
    if (!meta) return false;
    json::object m = std::move(*meta);
    data.stable_erase("_sesh");
    // `jti`: the id of seals sesh made before session ids (one per seal); read as the sid.
    if (!take_string(m, "sid", f.sid) || !take_string(m, "jti", f.jti) || !take_string(m, "uid", f.user_id) ||
        !take_number(m, "iat_ms", max_unix_ms, f.issued_ms) ||
        !take_number(m, "created_ms", max_unix_ms, f.created_ms) || f.issued_ms < 0)
        return false;
    if (f.created_ms < 0) f.created_ms = f.issued_ms;
    return true;
}

// The expiry field of an authentic seal (`Fe26.2*id*salt*iv*cipher*EXP*salt*mac`): unseal
// checked it but does not return it, and deny() needs it. Empty (ttl 0) reads as never.
std::int64_t seal_expiry_ms(std::string_view seal) noexcept {
    for (int i = 0; i < 5; ++i) {
        const auto star = seal.find('*');
        if (star == std::string_view::npos) return max_unix_ms;
        seal.remove_prefix(star + 1);
    }
    std::int64_t ms = 0;
    const auto [p, ec] = std::from_chars(seal.data(), seal.data() + seal.size(), ms);
    if (ec != std::errc() || p == seal.data() || ms < 0) return max_unix_ms;
    return std::min(ms, max_unix_ms);
}

class iron_strategy final : public session_ops::stateless_strategy {
public:
    explicit iron_strategy(iron_codec codec) noexcept : codec_(std::move(codec)) {}

    std::string_view default_cookie_name() const noexcept override { return "iron-session"; }
    // iron-session writes its cookieName as given.
    cookie_prefix prefix() const noexcept override { return cookie_prefix::none; }
    std::chrono::seconds cookie_max_age() const noexcept override { return codec_.cookie_max_age(); }

private:
    result<json::object> open(std::string_view token, token_facts& f) const override {
        auto v = codec_.unseal(token);
        if (!v) return fail(v.error());
        json::object* o = v->if_object();
        if (!o || !read_iron_metadata(*o, f)) return fail(errc::malformed);
        f.expires_ms = seal_expiry_ms(token);
        return std::move(*o);
    }

    // iron-session seals the data alone; sesh adds `_sesh` only when it has something to keep
    // there (a session id to deny, a user id), so an anonymous session without a store stays
    // byte-compatible with what iron-session itself would seal.
    result<issued_token> issue(const impl& m, const json::object& data, const std::string& user_id,
                               const std::string& sid, clock::time_point now, clock::time_point created) const override {
        issued_token out;
        out.has_metadata = m.store || !user_id.empty();
        const json::object* sealed = &data;
        json::object with_meta;
        if (out.has_metadata) {
            json::object meta;
            if (!sid.empty()) meta["sid"] = sid;
            meta["iat_ms"] = to_unix_ms(now);
            meta["created_ms"] = to_unix_ms(created);
            if (!user_id.empty()) meta["uid"] = user_id;
            with_meta = data;
            with_meta["_sesh"] = std::move(meta);
            sealed = &with_meta;
        }
        auto token = codec_.seal(*sealed);
        if (!token) return fail(token.error());
        out.token = std::move(*token);
        out.expires = std::chrono::floor<std::chrono::milliseconds>(now) + m.max_age;
        return out;
    }

    bool holds_reserved(const json::object& data) const noexcept override { return data.contains("_sesh"); }

    // A session id only serves a store's deny-list: without one the seal stays as iron-session's.
    bool ids_without_store() const noexcept override { return false; }

    iron_codec codec_;
};

}  // namespace

result<std::unique_ptr<const session_strategy>> make_iron_strategy(const session_options& o,
                                                                  const session_manager::impl& m) {
    // iron-session's cookie lives ttl - 60 s; at 60 s or less it would be deleted at once.
    if (o.max_age <= 60s) return fail(errc::invalid_argument);
    iron_options io;
    io.passwords = o.passwords;
    io.ttl = o.max_age;
    io.clock = m.clock;
    io.random = m.random;
    auto codec = iron_codec::create(std::move(io));
    if (!codec) return fail(errc::invalid_argument);
    return std::make_unique<const iron_strategy>(std::move(*codec));
}

}  // namespace sesh::detail
