// get_server_session: next-auth's {user: {name, email, image}, expires} for a signed-in request,
// nothing for anyone else, and the typed session behind it.
#include <sesh/server_session.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "unit/session/session_fixture.hpp"

namespace {

using namespace sesh_test;

struct server_session_test : ::testing::Test {
    sesh::manual_clock clk{t0};
    counter_random rnd;
    std::shared_ptr<counting_store> store = std::make_shared<counting_store>(clk);
    browser b;

    sesh::session_manager manager(sesh::strategy st) {
        sesh::session_options o;
        o.strategy = st;
        o.store = store;
        o.secrets = {"server session test secret of 32 characters"};
        o.passwords = {{"1", "server session test password, 32+ characters"}};
        o.secure = false;
        o.clock = &clk;
        o.random = &rnd;
        return sesh::session_manager::create(o).value();
    }

    // Signs in a user with next-auth's credentials claims and keeps the cookie.
    void sign_in(const sesh::session_manager& m, bool with_picture = true) {
        auto s = loaded(m, "");
        s.set_user_id("u1");
        s.set("name", boost::json::string("Ada Lovelace"));
        s.set("email", boost::json::string("ada@example.com"));
        if (with_picture) s.set("picture", boost::json::string("https://example.com/a.png"));
        b.apply(saved(m, s));
    }
};

TEST_F(server_session_test, a_signed_in_request_gives_next_auths_user_and_expiry_for_every_strategy) {
    for (auto st : {sesh::strategy::server, sesh::strategy::jwt, sesh::strategy::iron}) {
        b = {};
        const auto m = manager(st);
        sign_in(m);
        auto r = sesh::get_server_session(m, b.header());
        ASSERT_TRUE(r);
        ASSERT_TRUE(r->has_value());
        const auto& s = **r;
        EXPECT_EQ(s.user.name, "Ada Lovelace");
        EXPECT_EQ(s.user.email, "ada@example.com");
        EXPECT_EQ(s.user.image, "https://example.com/a.png");
        EXPECT_EQ(s.expires, s.session.expires());
        EXPECT_EQ(s.session.user_id(), "u1");
        EXPECT_GT(s.expires, t0);
    }
}

TEST_F(server_session_test, to_json_is_the_shape_next_auth_answers) {
    const auto m = manager(sesh::strategy::jwt);
    sign_in(m, false);
    auto r = sesh::get_server_session(m, b.header());
    ASSERT_TRUE(r && r->has_value());
    // t0 + 30 days (the default max_age), as Date.toISOString writes it; an absent picture is null.
    const boost::json::object expected{
        {"user", {{"name", "Ada Lovelace"}, {"email", "ada@example.com"}, {"image", nullptr}}},
        {"expires", "2023-12-14T22:13:20.000Z"}};
    EXPECT_EQ(sesh::to_json(**r), expected);
    EXPECT_EQ(sesh::nextauth_session_json((*r)->session), expected);
}

TEST_F(server_session_test, nobody_signed_in_gives_nothing) {
    const auto m = manager(sesh::strategy::server);
    for (const char* header : {"", "sesh.session-token=junk", "unrelated=1"}) {
        auto r = sesh::get_server_session(m, header);
        ASSERT_TRUE(r) << header;
        EXPECT_FALSE(r->has_value()) << header;
    }
    // An anonymous session with data is still nobody.
    auto s = loaded(m, "");
    s.set("cart", boost::json::array{1, 2});
    b.apply(saved(m, s));
    auto r = sesh::get_server_session(m, b.header());
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->has_value());
    EXPECT_EQ(sesh::nextauth_session_json(loaded(m, b.header())), boost::json::object{});
}

TEST_F(server_session_test, an_expired_session_gives_nothing) {
    const auto m = manager(sesh::strategy::jwt);
    sign_in(m);
    clk.advance(std::chrono::hours(24 * 31));
    auto r = sesh::get_server_session(m, b.header());
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->has_value());
}

TEST_F(server_session_test, user_fields_that_are_not_strings_are_absent) {
    const auto m = manager(sesh::strategy::server);
    auto s = loaded(m, "");
    s.set_user_id("u2");
    s.set("name", 42);
    s.set("email", nullptr);
    b.apply(saved(m, s));
    auto r = sesh::get_server_session(m, b.header());
    ASSERT_TRUE(r && r->has_value());
    EXPECT_EQ((*r)->user.name, std::nullopt);
    EXPECT_EQ((*r)->user.email, std::nullopt);
    EXPECT_EQ((*r)->user.image, std::nullopt);
}

TEST_F(server_session_test, the_typed_session_can_be_changed_and_saved) {
    const auto m = manager(sesh::strategy::server);
    sign_in(m);
    const std::string header = b.header();  // the parsed cookies view into it
    auto cookies = sesh::parse_cookie_header(header);
    ASSERT_TRUE(cookies);
    auto r = sesh::get_server_session(m, *cookies);
    ASSERT_TRUE(r && r->has_value());
    (*r)->session.set("theme", boost::json::string("dark"));
    b.apply(saved(m, (*r)->session));
    EXPECT_EQ(loaded(m, b.header()).get_string("theme").value(), "dark");
}

TEST_F(server_session_test, a_store_outage_is_the_one_error) {
    const auto m = manager(sesh::strategy::server);
    sign_in(m);
    store->down = true;
    auto r = sesh::get_server_session(m, b.header());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sesh::errc::store_unavailable);
}

TEST_F(server_session_test, the_awaited_face_gives_what_the_blocking_one_gives) {
    for (auto st : {sesh::strategy::server, sesh::strategy::jwt, sesh::strategy::iron}) {
        b = {};
        const auto m = manager(st);
        const auto await_session = [&](const std::string& header) {
            boost::asio::io_context io;
            auto f = boost::asio::co_spawn(io, sesh::async_get_server_session(m, header), boost::asio::use_future);
            io.run();
            return f.get();
        };
        auto nobody = await_session(b.header());
        ASSERT_TRUE(nobody);
        EXPECT_FALSE(nobody->has_value());
        sign_in(m);
        auto r = await_session(b.header());
        ASSERT_TRUE(r);
        ASSERT_TRUE(r->has_value());
        EXPECT_EQ((*r)->user.name, "Ada Lovelace");
        EXPECT_EQ((*r)->session.user_id(), "u1");
        EXPECT_EQ((*r)->expires, (*sesh::get_server_session(m, b.header()))->expires);
    }
}

}  // namespace
