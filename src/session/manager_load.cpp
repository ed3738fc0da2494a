// session_manager::load: the request's Cookie header to a session. Finding the cookie is the
// same for every strategy; what its value means is the strategy's (strategy.hpp).
#include "session/strategy.hpp"

namespace sesh {
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

    const result<void> r = co_await m.strategy->steps<Io>().load(Io{}, m, s, cookies, plain);
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
