// require_session: the route guard for signed-in users.
#include <sesh/http/middleware.hpp>

#include <boost/json/object.hpp>

#include <sesh/error.hpp>

namespace sesh::http {

handler require_session(handler inner, require_options options) {
    return [inner = std::move(inner), options = std::move(options)](context& ctx) -> awaitable<response> {
        auto s = co_await ctx.session();
        if (!s) co_return json_error(status::service_unavailable, "Session store unavailable");
        if (!(*s)->user_id().empty()) co_return co_await inner(ctx);
        if (ctx.path().starts_with(options.api_prefix))
            co_return json_response(status::unauthorized, boost::json::object{{"message", options.api_message}});
        std::string back(ctx.path());
        if (!ctx.query().empty()) back.append("?").append(ctx.query());
        co_return redirect(options.login_path + "?callbackUrl=" + url_encode(back));
    };
}

}  // namespace sesh::http
