// seshd's one place that applies the per-address limit on starting anonymous sessions, so that
// one client cannot fill the session store with cookie-less requests (issue 17, finding 5).
#include "seshd/app.hpp"
#include "seshd/client_key.hpp"

namespace sesh::seshd {

http::awaitable<std::optional<http::response>> refuse_new_anonymous_session(http::context& ctx, app& a) {
    auto s = co_await ctx.session();
    // A store outage is the handler's to answer; a session that exists or is signed in is not new.
    if (!s || !(*s)->is_new() || !(*s)->user_id().empty()) co_return std::nullopt;
    const auto wait = a.new_sessions.try_acquire(client_key(ctx.client_address()));
    if (wait.count() == 0) co_return std::nullopt;
    auto res = http::json_error(http::status::too_many_requests, "Too many new sessions from this address, try again later");
    res.set(http::field::retry_after, std::to_string((wait.count() + 999) / 1000));
    co_return res;
}

}  // namespace sesh::seshd
