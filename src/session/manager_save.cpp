// session_manager::save: what every strategy does first (nothing for a destroyed session, lazy
// creation), then the strategy's own writing (strategy.hpp); and the data size limits.
#include <boost/json/serializer.hpp>

#include "session/strategy.hpp"

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
typename Io::template task<result<std::vector<std::string>>> session_ops::save(const impl& m, session& s) {
    if (s.destroyed_) co_return std::vector<std::string>{};
    // Created lazily: a new session with nothing in it is not stored, and only a stale cookie
    // the request carried needs clearing.
    if (s.is_new_ && s.data_.empty() && s.user_id_.empty())
        co_return s.stale_cookie_ ? clear_cookies(m, s, false) : std::vector<std::string>{};
    co_return co_await m.strategy->steps<Io>().save(Io{}, m, s);
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
