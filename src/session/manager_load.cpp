// session_manager::load: the request's Cookie header to a session; the server strategy's
// store lookup lives here, the stateless codecs in manager_load_stateless.cpp.
#include <boost/json/parse.hpp>
#include <sesh/log.hpp>

#include <sesh/opaque_token.hpp>

#include "session/manager_impl.hpp"
#include "session/store_io.hpp"

namespace sesh {

namespace json = boost::json;

namespace detail {

void session_ops::reset_to_new(session& s, bool stale) noexcept {
    s.data_.clear();
    s.user_id_.clear();
    s.id_.clear();
    s.token_.clear();
    s.created_ = s.last_seen_ = s.idle_expires_ = s.absolute_expires_ = s.token_expires_ = s.expires_ = {};
    s.is_new_ = true;
    s.modified_ = false;
    s.reissue_ = false;
    s.has_metadata_ = true;
    s.stored_anonymous_ = false;
    s.stale_cookie_ = stale;
}

template <class Io>
typename Io::template task<result<void>> session_ops::load_server(const impl& m, session& s, std::string_view token) {
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

template blocking_io::task<result<void>> session_ops::load_server<blocking_io>(const impl&, session&, std::string_view);
template async_io::task<result<void>> session_ops::load_server<async_io>(const impl&, session&, std::string_view);


template <class Io>
typename Io::template task<result<session>> session_ops::load(const impl& m, const std::vector<cookie>& cookies,
                                                                client_info client) {
    session s;
    const auto fresh = [&]() -> result<session> {
        s.address_ = client.address;
        s.user_agent_ = client.user_agent;
        return std::move(s);
    };
    const std::string_view name = m.cookie.name;
    std::optional<std::string_view> plain;
    for (const cookie& c : cookies) {
        if (c.name == name) {
            s.saw_base_cookie_ = true;
            plain = c.value;
        } else if (is_chunk_of(c.name, name)) {
            s.seen_chunks_.emplace_back(c.name);
        }
    }
    if (!s.saw_base_cookie_ && s.seen_chunks_.empty()) co_return fresh();

    result<void> r;
    if (m.strategy == strategy::server) {
        // Server cookies are never chunked; stray chunks are only something to clear.
        if (plain)
            r = co_await load_server<Io>(m, s, *plain);
        else
            s.stale_cookie_ = true;
    } else if (auto joined = join_chunks(cookies, name)) {
        r = co_await load_stateless<Io>(m, s, *joined);
    } else {
        sesh::logger()->debug("sesh: {} chunks do not join (a gap or a duplicate), ignored", name);
        s.stale_cookie_ = true;
    }
    if (!r) co_return fail(r.error());
    if (s.is_new_) co_return fresh();
    co_return std::move(s);
}

template blocking_io::task<result<session>> session_ops::load<blocking_io>(const impl&, const std::vector<cookie>&,
                                                                             client_info);
template async_io::task<result<session>> session_ops::load<async_io>(const impl&, const std::vector<cookie>&, client_info);

namespace {

// A header past parse_cookie_header's bound is junk, not a server error: it loads as no cookie
// at all (nothing to clear either, since its cookies are unknown).
std::vector<cookie> cookies_of(std::string_view cookie_header) {
    auto cookies = parse_cookie_header(cookie_header);
    return cookies ? std::move(*cookies) : std::vector<cookie>{};
}

}  // namespace
}  // namespace detail

result<session> session_manager::load(std::string_view cookie_header, const client_info& client) const {
    return load(detail::cookies_of(cookie_header), client);
}

result<session> session_manager::load(const std::vector<cookie>& cookies, const client_info& client) const {
    return detail::session_ops::load<detail::blocking_io>(*impl_, cookies, client).get();
}

boost::asio::awaitable<result<session>> session_manager::async_load(std::string_view cookie_header,
                                                                    client_info client) const {
    const auto cookies = detail::cookies_of(cookie_header);
    co_return co_await async_load(cookies, client);
}

boost::asio::awaitable<result<session>> session_manager::async_load(const std::vector<cookie>& cookies,
                                                                    client_info client) const {
    return detail::session_ops::load<detail::async_io>(*impl_, cookies, client);
}

}  // namespace sesh
