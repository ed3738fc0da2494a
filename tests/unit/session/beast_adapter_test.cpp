// sesh::beast: a request's session loaded before the handler and saved after it into Set-Cookie
// headers that are added, never replaced.
#include <sesh/beast.hpp>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <sesh/store.hpp>

namespace {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

sesh::session_manager memory_sessions() {
    sesh::session_options o;
    o.store = sesh::open_store("memory:").value();
    o.secure = false;
    return sesh::session_manager::create(o).value();
}

std::vector<std::string> set_cookies(const response& res) {
    std::vector<std::string> out;
    const auto [first, last] = res.equal_range(http::field::set_cookie);
    for (auto it = first; it != last; ++it) out.emplace_back(it->value());
    return out;
}

request get(const std::string& cookie = {}) {
    request req{http::verb::get, "/", 11};
    if (!cookie.empty()) req.set(http::field::cookie, cookie);
    return req;
}

TEST(beast_adapter, with_session_saves_what_the_handler_set_and_keeps_its_own_cookies) {
    const auto sessions = memory_sessions();
    auto res = sesh::beast::with_session(sessions, get(), "127.0.0.1", [](const request& r, sesh::session& s) {
        s.set_user_id("ada");
        response out{http::status::ok, r.version()};
        out.insert(http::field::set_cookie, "theme=dark; Path=/");
        return out;
    });
    EXPECT_EQ(res.result(), http::status::ok);
    const auto cookies = set_cookies(res);
    ASSERT_EQ(cookies.size(), 2u);
    EXPECT_EQ(cookies[0], "theme=dark; Path=/");
    const std::string session_cookie = cookies[1].substr(0, cookies[1].find(';'));
    auto again = sesh::beast::load(sessions, get(session_cookie));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->user_id(), "ada");
}

TEST(beast_adapter, a_new_session_left_empty_sets_no_cookie) {
    const auto sessions = memory_sessions();
    auto res = sesh::beast::with_session(sessions, get(), "", [](const request& r, sesh::session&) {
        return response{http::status::no_content, r.version()};
    });
    EXPECT_EQ(res.result(), http::status::no_content);
    EXPECT_TRUE(set_cookies(res).empty());
}

TEST(beast_adapter, destroy_clears_the_cookie_and_the_session_stops_loading) {
    const auto sessions = memory_sessions();
    auto s = sesh::beast::load(sessions, get()).value();
    s.set_user_id("ada");
    response signed_in{http::status::ok, 11};
    ASSERT_TRUE(sesh::beast::save(sessions, s, signed_in));
    const auto cookie = set_cookies(signed_in).at(0);
    const std::string pair = cookie.substr(0, cookie.find(';'));

    auto res = sesh::beast::with_session(sessions, get(pair), "", [&sessions](const request& r, sesh::session& mine) {
        response out{http::status::ok, r.version()};
        EXPECT_TRUE(sesh::beast::destroy(sessions, mine, out));
        return out;
    });
    const auto cleared = set_cookies(res);
    ASSERT_EQ(cleared.size(), 1u);
    EXPECT_NE(cleared[0].find("Max-Age=0"), std::string::npos) << cleared[0];
    EXPECT_TRUE(sesh::beast::load(sessions, get(pair)).value().user_id().empty());
}

}  // namespace
