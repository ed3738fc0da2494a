// Routing, 404/405, HEAD, require_session and metrics, driven through a real context and session
// manager (memory store) on an io_context.
#include <sesh/http/metrics.hpp>
#include <sesh/http/middleware.hpp>
#include <sesh/http/router.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

namespace {

using namespace sesh::http;

struct router_test : ::testing::Test {
    boost::asio::io_context ioc;
    metrics m;
    sesh::session_manager sessions = [] {
        sesh::session_options o;
        o.store = std::shared_ptr<sesh::store>(sesh::open_store("memory:").value());
        return sesh::session_manager::create(o).value();
    }();

    response run(const router& r, verb method, std::string target, std::string cookie = {}) {
        request req{method, target, 11};
        if (!cookie.empty()) req.set(field::cookie, cookie);
        context ctx(req, sessions, m, "127.0.0.1", ioc.get_executor());
        auto fut = boost::asio::co_spawn(ioc, r.dispatch(ctx), boost::asio::use_future);
        ioc.restart();
        ioc.run();
        return fut.get();
    }

    static handler text(std::string body) {
        return [body](context&) -> awaitable<response> {
            response res{status::ok, 11};
            res.body() = body;
            co_return res;
        };
    }
};

TEST_F(router_test, routes_by_exact_path_and_method) {
    router r;
    r.add(verb::get, "/a", text("get a"));
    r.add(verb::post, "/a", text("post a"));
    EXPECT_EQ(run(r, verb::get, "/a").body(), "get a");
    EXPECT_EQ(run(r, verb::post, "/a?x=1").body(), "post a");
}

TEST_F(router_test, answers_404_json_under_api_and_html_elsewhere) {
    router r;
    auto api = run(r, verb::get, "/api/nope");
    EXPECT_EQ(api.result(), status::not_found);
    EXPECT_EQ(api.body(), R"({"error":"Not found"})");
    auto page = run(r, verb::get, "/nope");
    EXPECT_EQ(page.result(), status::not_found);
    EXPECT_NE(page.body().find("<h1>Not found</h1>"), std::string::npos);
}

TEST_F(router_test, answers_405_with_allow_for_other_methods) {
    router r;
    r.add(verb::get, "/api/user", text("x"));
    r.add(verb::post, "/api/user", text("y"));
    auto res = run(r, verb::put, "/api/user");
    EXPECT_EQ(res.result(), status::method_not_allowed);
    EXPECT_EQ(res[field::allow], "GET, HEAD, POST");
}

TEST_F(router_test, get_routes_answer_head) {
    router r;
    r.add(verb::get, "/a", text("body"));
    EXPECT_EQ(run(r, verb::head, "/a").result(), status::ok);
}

TEST_F(router_test, the_longest_prefix_wins_and_exact_routes_beat_prefixes) {
    router r;
    r.add_prefix(verb::get, "/static/", text("static"));
    r.add_prefix(verb::get, "/static/img/", text("img"));
    r.add(verb::get, "/static/special", text("exact"));
    EXPECT_EQ(run(r, verb::get, "/static/a.css").body(), "static");
    EXPECT_EQ(run(r, verb::get, "/static/img/a.png").body(), "img");
    EXPECT_EQ(run(r, verb::get, "/static/special").body(), "exact");
}

TEST_F(router_test, require_session_answers_401_json_for_apis_and_redirects_pages) {
    router r;
    r.add(verb::get, "/api/secret", require_session(text("secret")));
    r.add(verb::get, "/profile", require_session(text("profile")));
    auto api = run(r, verb::get, "/api/secret");
    EXPECT_EQ(api.result(), status::unauthorized);
    EXPECT_EQ(api.body(), R"({"message":"Not authenticated"})");
    auto page = run(r, verb::get, "/profile?tab=2");
    EXPECT_EQ(page.result(), status::found);
    EXPECT_EQ(page[field::location], "/login?callbackUrl=%2Fprofile%3Ftab%3D2");
}

TEST_F(router_test, require_session_lets_a_signed_in_session_through) {
    // Sign a session in through the manager, then present its cookie.
    auto s = sessions.load("", {"127.0.0.1", ""});
    ASSERT_TRUE(s);
    s->set_user_id("u1");
    auto cookies = sessions.save(*s).value();
    ASSERT_EQ(cookies.size(), 1u);
    const std::string pair = cookies[0].substr(0, cookies[0].find(';'));

    router r;
    r.add(verb::get, "/api/secret", require_session(text("secret")));
    EXPECT_EQ(run(r, verb::get, "/api/secret", pair).body(), "secret");
}

// HTTP/2 gateways may split cookies over several Cookie headers, other headers between them.
TEST_F(router_test, cookies_split_over_several_headers_are_all_read) {
    auto s = sessions.load("", {"127.0.0.1", ""});
    ASSERT_TRUE(s);
    s->set_user_id("u1");
    const auto set = sessions.save(*s).value();
    const std::string pair = set[0].substr(0, set[0].find(';'));

    router r;
    r.add(verb::get, "/api/cookies", [](context& ctx) -> awaitable<response> {
        std::string names;
        for (const auto& c : ctx.cookies()) names.append(c.name).append(",");
        auto signed_in = co_await ctx.session();
        response res{status::ok, 11};
        res.body() = names + (signed_in && (*signed_in)->user_id() == "u1" ? "u1" : "nobody");
        co_return res;
    });
    request req{verb::get, "/api/cookies", 11};
    req.insert(field::cookie, "a=1; b=2");
    req.insert(field::host, "x");
    req.insert(field::cookie, pair);
    req.insert(field::user_agent, "t");
    req.insert(field::cookie, "c=3");
    context ctx(req, sessions, m, "127.0.0.1", ioc.get_executor());
    auto fut = boost::asio::co_spawn(ioc, r.dispatch(ctx), boost::asio::use_future);
    ioc.run();
    EXPECT_EQ(fut.get().body(), "a,b," + sessions.cookie_name() + ",c,u1");
}

TEST_F(router_test, metrics_count_requests_by_route_and_status_in_prometheus_format) {
    router r;
    r.add(verb::get, "/a", text("x"));
    (void)run(r, verb::get, "/a");
    m.observe_request("/a", 200, std::chrono::microseconds(300));
    m.observe_request("/a", 404, std::chrono::milliseconds(3));
    m.session_created();
    m.login_failure();
    const std::string text_out = m.render();
    EXPECT_NE(text_out.find("# TYPE sesh_http_requests_total counter"), std::string::npos);
    EXPECT_NE(text_out.find("sesh_http_requests_total{route=\"/a\",status=\"200\"} 1"), std::string::npos);
    EXPECT_NE(text_out.find("sesh_http_requests_total{route=\"/a\",status=\"404\"} 1"), std::string::npos);
    EXPECT_NE(text_out.find("sesh_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.0005\"} 1"), std::string::npos);
    EXPECT_NE(text_out.find("sesh_http_request_duration_seconds_bucket{route=\"/a\",le=\"+Inf\"} 2"), std::string::npos);
    EXPECT_NE(text_out.find("sesh_sessions_created_total 1"), std::string::npos);
    EXPECT_NE(text_out.find("sesh_login_failures_total 1"), std::string::npos);
}

}  // namespace
