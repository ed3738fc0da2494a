// protected_api: the smallest service with sign-in. POST /login signs the session in as the user
// named in the body, GET /api/secret is only for signed-in users (require_session), POST /logout
// ends the session. Sessions live in memory here; use "sqlite:./sesh.db" or "redis://…" for real.
// Usage: protected_api [PORT]   (0 or nothing: a free port, printed on stdout)
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <boost/json/object.hpp>

#include <sesh/http/middleware.hpp>
#include <sesh/http/server.hpp>

using namespace sesh::http;

int main(int argc, char** argv) {
    sesh::session_options o;
    o.store = sesh::open_store("memory:").value();
    o.secure = false;  // plain http on loopback; keep the default (true) behind https
    auto sessions = sesh::session_manager::create(o).value();

    router routes;
    routes.add(verb::post, "/login", [&sessions](context& ctx) -> awaitable<response> {
        auto s = co_await ctx.session();
        if (!s) co_return json_error(status::service_unavailable, "store unavailable");
        if (ctx.req().body().empty()) co_return json_error(status::bad_request, "name the user in the body");
        sessions.regenerate(**s);  // a new token at login: no session fixation
        (*s)->set_user_id(ctx.req().body());
        co_return json_response(status::ok, boost::json::object{{"message", "signed in"}});
    });
    routes.add(verb::get, "/api/secret", require_session([](context& ctx) -> awaitable<response> {
        // Loaded by require_session; awaited outside the braces (GCC 12 mishandles a co_await in a
        // braced initializer).
        auto s = co_await ctx.session();
        co_return json_response(status::ok, boost::json::object{{"secret", "42"}, {"user", (*s)->user_id()}});
    }));
    routes.add(verb::post, "/logout", [](context& ctx) -> awaitable<response> {
        if (!co_await ctx.destroy_session()) co_return json_error(status::service_unavailable, "store unavailable");
        co_return json_response(status::ok, boost::json::object{{"message", "signed out"}});
    });

    metrics m;
    server_options so;
    so.port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
    so.threads = 1;
    server srv(so, std::move(routes), sessions, m);
    if (!srv.listen()) return 1;
    std::printf("%u\n", srv.port());
    std::fflush(stdout);
    srv.run();  // until SIGTERM or SIGINT
}
