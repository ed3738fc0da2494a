// Ending sessions: destroy (logout), regenerate (login), and revocation by id, by user, or of
// every session but the current one; plus "my devices". The checks and the cookies are the
// same for every strategy; the store's part is the strategy's (strategy.hpp).
#include "session/strategy.hpp"

namespace sesh {
namespace detail {

template <class Io>
typename Io::template task<result<std::vector<std::string>>> session_ops::destroy(const impl& m, session& s) {
    if (auto e = co_await m.strategy->steps<Io>().end(Io{}, m, s); !e) co_return fail(e.error());
    // next-auth's signOut clears the session cookie and every chunk the request carried.
    auto cookies = clear_cookies(m, s, true);
    reset_to_new(s, false);
    s.previous_id_.clear();
    s.destroyed_ = true;
    co_return cookies;
}

template blocking_io::task<result<std::vector<std::string>>> session_ops::destroy<blocking_io>(const impl&, session&);
template async_io::task<result<std::vector<std::string>>> session_ops::destroy<async_io>(const impl&, session&);

}  // namespace detail

result<std::vector<std::string>> session_manager::destroy(session& s) const {
    return detail::session_ops::destroy<detail::blocking_io>(*impl_, s).get();
}

boost::asio::awaitable<result<std::vector<std::string>>> session_manager::async_destroy(session& s) const {
    return detail::session_ops::destroy<detail::async_io>(*impl_, s);
}

void session_manager::regenerate(session& s) const {
    // A session not stored yet gets a fresh token at its first save anyway.
    if (s.is_new_ || s.destroyed_) return;
    impl_->strategy->regenerate(*impl_, s);
}

namespace detail {

template <class Io>
typename Io::template task<result<std::vector<session_info>>> session_ops::list(const impl& m, std::string user_id) {
    if (!m.strategy->lists_sessions() || user_id.empty()) co_return fail(errc::invalid_argument);
    auto records = co_await Io::list_user(*m.store, user_id);
    if (!records) co_return fail(records.error());
    std::vector<session_info> out;
    out.reserve(records->size());
    for (auto& r : *records)
        out.push_back({std::move(r.key), r.created, r.last_seen, r.expires(), std::move(r.address),
                       std::move(r.user_agent)});
    co_return out;
}

template <class Io>
typename Io::template task<result<void>> session_ops::revoke(const impl& m, std::string session_id) {
    if (!m.store || session_id.empty()) co_return fail(errc::invalid_argument);
    co_return co_await m.strategy->steps<Io>().revoke(Io{}, m, std::move(session_id));
}

template <class Io>
typename Io::template task<result<std::size_t>> session_ops::revoke_user(const impl& m, std::string user_id) {
    if (!m.store || user_id.empty()) co_return fail(errc::invalid_argument);
    co_return co_await m.strategy->steps<Io>().revoke_user(Io{}, m, std::move(user_id));
}

template <class Io>
typename Io::template task<result<std::size_t>> session_ops::revoke_others(const impl& m, session& s) {
    if (!m.store || s.user_id_.empty()) co_return fail(errc::invalid_argument);
    co_return co_await m.strategy->steps<Io>().revoke_others(Io{}, m, s);
}

template blocking_io::task<result<std::vector<session_info>>> session_ops::list<blocking_io>(const impl&, std::string);
template blocking_io::task<result<void>> session_ops::revoke<blocking_io>(const impl&, std::string);
template blocking_io::task<result<std::size_t>> session_ops::revoke_user<blocking_io>(const impl&, std::string);
template blocking_io::task<result<std::size_t>> session_ops::revoke_others<blocking_io>(const impl&, session&);
template async_io::task<result<std::vector<session_info>>> session_ops::list<async_io>(const impl&, std::string);
template async_io::task<result<void>> session_ops::revoke<async_io>(const impl&, std::string);
template async_io::task<result<std::size_t>> session_ops::revoke_user<async_io>(const impl&, std::string);
template async_io::task<result<std::size_t>> session_ops::revoke_others<async_io>(const impl&, session&);

}  // namespace detail

result<std::vector<session_info>> session_manager::list(std::string_view user_id) const {
    return detail::session_ops::list<detail::blocking_io>(*impl_, std::string(user_id)).get();
}
boost::asio::awaitable<result<std::vector<session_info>>> session_manager::async_list(std::string_view user_id) const {
    return detail::session_ops::list<detail::async_io>(*impl_, std::string(user_id));
}
result<void> session_manager::revoke(std::string_view session_id) const {
    return detail::session_ops::revoke<detail::blocking_io>(*impl_, std::string(session_id)).get();
}
boost::asio::awaitable<result<void>> session_manager::async_revoke(std::string_view session_id) const {
    return detail::session_ops::revoke<detail::async_io>(*impl_, std::string(session_id));
}
result<std::size_t> session_manager::revoke_user(std::string_view user_id) const {
    return detail::session_ops::revoke_user<detail::blocking_io>(*impl_, std::string(user_id)).get();
}
boost::asio::awaitable<result<std::size_t>> session_manager::async_revoke_user(std::string_view user_id) const {
    return detail::session_ops::revoke_user<detail::async_io>(*impl_, std::string(user_id));
}
result<std::size_t> session_manager::revoke_others(session& s) const {
    return detail::session_ops::revoke_others<detail::blocking_io>(*impl_, s).get();
}
boost::asio::awaitable<result<std::size_t>> session_manager::async_revoke_others(session& s) const {
    return detail::session_ops::revoke_others<detail::async_io>(*impl_, s);
}
}  // namespace sesh
