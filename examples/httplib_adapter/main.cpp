// httplib_adapter: sessions in a cpp-httplib server through <sesh/httplib.hpp>. install() sets a
// pre-routing handler that loads each request's session and a post-routing handler that saves it;
// routes read and change it through session_of(), and require_session() guards them.
// POST /login signs in as the user named in the body; GET /me says who is signed in (401 JSON
// when nobody); GET /profile is a page (a signed-out visitor is sent to /login?callbackUrl=…);
// POST /logout ends the session.
// Usage: httplib_adapter [PORT]   (0 or nothing: a free port, printed on stdout)
#include <cstdio>
#include <cstdlib>

#include <sesh/httplib.hpp>
#include <sesh/store.hpp>

int main(int argc, char** argv) {
    sesh::session_options o;
    o.store = sesh::open_store("memory:").value();
    o.secure = false;  // plain http on loopback; keep the default (true) behind https
    const sesh::httplib_sessions sessions(sesh::session_manager::create(o).value());

    httplib::Server server;
    sessions.install(server);
    server.Post("/login", [&sessions](const httplib::Request& req, httplib::Response& res) {
        sesh::session* s = sessions.session_of(req);
        if (req.body.empty()) {
            res.status = 400;
            return res.set_content(R"({"error":"name the user in the body"})", "application/json");
        }
        sessions.manager().regenerate(*s);  // a new token at login: no session fixation
        s->set_user_id(req.body);
        res.set_content(R"({"message":"signed in"})", "application/json");
    });
    sesh::http::require_options api;
    api.api_prefix = "/";  // every guarded route here but /profile is an API: 401, no redirect
    server.Get("/me", sessions.require_session(
                          [&sessions](const httplib::Request& req, httplib::Response& res) {
                              const boost::json::object body{{"user", sessions.session_of(req)->user_id()}};
                              res.set_content(boost::json::serialize(body), "application/json");
                          },
                          api));
    server.Get("/profile", sessions.require_session([&sessions](const httplib::Request& req, httplib::Response& res) {
        res.set_content("<p>Signed in as " + sesh::http::html_escape(sessions.session_of(req)->user_id()) + "</p>",
                        "text/html; charset=utf-8");
    }));
    server.Post("/logout", [&sessions](const httplib::Request& req, httplib::Response& res) {
        if (!sessions.destroy(req)) {
            res.status = 503;
            return res.set_content(R"({"error":"Session store unavailable"})", "application/json");
        }
        res.set_content(R"({"message":"signed out"})", "application/json");
    });

    const int port = argc > 1 ? std::atoi(argv[1]) : 0;
    const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1") : (server.bind_to_port("127.0.0.1", port) ? port : -1);
    if (bound < 0) return 1;
    std::printf("%d\n", bound);
    std::fflush(stdout);
    server.listen_after_bind();
}
