// session_manager with the server strategy: the life cycle, lazy creation, expiry, throttled
// renewal, rotation, revocation and the logout race, over the memory store.
#include <sesh/session_manager.hpp>

#include <array>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <sesh/encoding.hpp>
#include <sesh/opaque_token.hpp>

#include "unit/session/session_fixture.hpp"

namespace {

namespace json = boost::json;
using sesh::errc;
using namespace std::chrono_literals;
using sesh_test::browser;
using sesh_test::loaded;
using sesh_test::saved;

const sesh::client_info laptop{"192.0.2.10", "Firefox/128"};
const sesh::client_info phone{"198.51.100.7", "Safari/17"};

struct session_manager_server : ::testing::Test {
    sesh::manual_clock clk{sesh_test::t0};
    std::shared_ptr<sesh_test::counting_store> store = std::make_shared<sesh_test::counting_store>(clk);

    sesh::session_options options() {
        sesh::session_options o;
        o.store = store;
        o.clock = &clk;
        o.idle_timeout = 2h;
        o.absolute_timeout = 24h;
        o.max_age = 12h;
        o.update_age = 10min;
        return o;
    }
    sesh::session_manager make(sesh::session_options o) { return sesh::session_manager::create(std::move(o)).value(); }
    sesh::session_manager make() { return make(options()); }

    // A browser holding a stored session of `user` (anonymous when empty) with {"n":1}.
    browser signed_in(const sesh::session_manager& m, const std::string& user = "u1",
                      const sesh::client_info& client = laptop) {
        auto s = loaded(m, "", client);
        s.set("n", 1);
        if (!user.empty()) s.set_user_id(user);
        browser b;
        b.apply(saved(m, s));
        return b;
    }
};

// --- life cycle -------------------------------------------------------------------------------

TEST_F(session_manager_server, no_cookie_gives_a_new_empty_session_and_save_writes_nothing) {
    const auto m = make();
    auto s = loaded(m, "");
    EXPECT_TRUE(s.is_new());
    EXPECT_TRUE(s.data().empty());
    EXPECT_TRUE(saved(m, s).empty());
    EXPECT_EQ(store->creates, 0);
}

TEST_F(session_manager_server, other_cookies_alone_give_a_new_session_and_no_set_cookie) {
    const auto m = make();
    auto s = loaded(m, "theme=dark; next-auth.csrf-token=abc");
    EXPECT_TRUE(s.is_new());
    EXPECT_TRUE(saved(m, s).empty());
}

TEST_F(session_manager_server, a_session_is_created_lazily_on_the_first_save_with_data) {
    const auto m = make();
    auto s = loaded(m, "", laptop);
    s.set("cart", json::array{1, 2});
    const auto cookies = saved(m, s);
    ASSERT_EQ(cookies.size(), 1u);
    EXPECT_EQ(store->creates, 1);
    EXPECT_FALSE(s.is_new());
    EXPECT_FALSE(s.modified());
    EXPECT_EQ(s.created(), clk.now());
    EXPECT_EQ(s.expires(), clk.now() + 1h);  // anonymous: anonymous_idle_timeout, not the 2 h
    // The cookie holds an opaque token; the store knows only its SHA-256, which is the id.
    const std::string token = sesh_test::value_of(cookies[0]);
    EXPECT_TRUE(sesh::is_opaque_token(token));
    EXPECT_EQ(s.id(), sesh::opaque_token_store_key(token));
    EXPECT_NE(s.id(), token);
    EXPECT_TRUE(store->get(s.id()).value().has_value());
    EXPECT_FALSE(store->get(token).value().has_value());
}

TEST_F(session_manager_server, a_valid_cookie_loads_data_user_and_metadata) {
    const auto m = make();
    auto b = signed_in(m);
    clk.advance(1min);
    auto s = loaded(m, b.header(), phone);
    EXPECT_FALSE(s.is_new());
    EXPECT_FALSE(s.modified());
    EXPECT_EQ(s.user_id(), "u1");
    EXPECT_EQ(s.get_int("n").value(), 1);
    EXPECT_EQ(s.created(), sesh_test::t0);
    EXPECT_EQ(s.id(), sesh::opaque_token_store_key(b.jar.begin()->second));
    // Nothing changed and no renewal is due: nothing to send.
    EXPECT_TRUE(saved(m, s).empty());
    EXPECT_EQ(store->updates + store->touch_calls, 0);
}

TEST_F(session_manager_server, the_cookie_is_found_in_a_real_header_among_others) {
    const auto m = make();
    auto b = signed_in(m);
    const std::string token = b.jar.at(m.cookie_name());
    const std::string header = "theme=dark;  " + m.cookie_name() + "=\"" + token + "\" ;junk; a=b";
    auto s = loaded(m, header);
    EXPECT_FALSE(s.is_new());
    EXPECT_EQ(s.user_id(), "u1");
}

TEST_F(session_manager_server, an_unknown_token_gives_a_new_session_and_save_clears_the_cookie) {
    const auto m = make();
    const std::string unknown = sesh::make_opaque_token();
    auto s = loaded(m, m.cookie_name() + "=" + unknown);
    EXPECT_TRUE(s.is_new());
    const auto cookies = saved(m, s);
    ASSERT_EQ(cookies.size(), 1u);
    EXPECT_TRUE(sesh_test::is_deletion(cookies[0])) << cookies[0];
    EXPECT_EQ(sesh_test::name_of(cookies[0]), m.cookie_name());
}

TEST_F(session_manager_server, a_malformed_token_gives_a_new_session_without_asking_the_store) {
    const auto m = make();
    for (const std::string& junk : std::vector<std::string>{"x", "not a token", std::string(43, '*'),
                                                            std::string(44, 'A'), std::string(1000, 'A')}) {
        auto s = loaded(m, m.cookie_name() + "=" + junk);
        EXPECT_TRUE(s.is_new()) << junk;
        const auto cookies = saved(m, s);
        ASSERT_EQ(cookies.size(), 1u) << junk;
        EXPECT_TRUE(sesh_test::is_deletion(cookies[0]));
    }
    EXPECT_EQ(store->gets, 0);
}

TEST_F(session_manager_server, a_stale_cookie_is_replaced_when_the_new_session_gets_data) {
    const auto m = make();
    const std::string unknown = sesh::make_opaque_token();
    auto s = loaded(m, m.cookie_name() + "=" + unknown);
    s.set("k", "v");
    const auto cookies = saved(m, s);
    ASSERT_EQ(cookies.size(), 1u);
    EXPECT_FALSE(sesh_test::is_deletion(cookies[0]));
    // Never the token the client brought: that would be session fixation.
    EXPECT_NE(sesh_test::value_of(cookies[0]), unknown);
}

TEST_F(session_manager_server, a_tampered_token_no_longer_loads) {
    const auto m = make();
    auto b = signed_in(m);
    std::string& token = b.jar.at(m.cookie_name());
    token[5] = token[5] == 'A' ? 'B' : 'A';
    auto s = loaded(m, b.header());
    EXPECT_TRUE(s.is_new());
    EXPECT_TRUE(s.user_id().empty());
}

TEST_F(session_manager_server, a_record_with_corrupt_data_reads_as_no_session) {
    const auto m = make();
    const std::string token = sesh::make_opaque_token();
    sesh::session_record r;
    r.key = sesh::opaque_token_store_key(token);
    r.data = "[1,2";
    r.created = r.last_seen = clk.now();
    r.idle_expires = r.absolute_expires = clk.now() + 1h;
    ASSERT_TRUE(store->create(r));
    auto s = loaded(m, m.cookie_name() + "=" + token);
    EXPECT_TRUE(s.is_new());
    EXPECT_EQ(saved(m, s).size(), 1u);
}

// --- cookie attributes and names --------------------------------------------------------------

TEST_F(session_manager_server, the_cookie_is_host_prefixed_secure_http_only_and_lax_with_max_age) {
    const auto m = make();
    EXPECT_EQ(m.cookie_name(), "__Host-sesh.session-token");
    auto s = loaded(m, "");
    s.set("k", 1);
    const auto c = saved(m, s).at(0);
    EXPECT_TRUE(c.starts_with("__Host-sesh.session-token=")) << c;
    EXPECT_NE(c.find("; Max-Age=43200"), std::string::npos) << c;  // max_age 12 h
    EXPECT_NE(c.find("; Path=/"), std::string::npos) << c;
    EXPECT_NE(c.find("; Secure"), std::string::npos) << c;
    EXPECT_NE(c.find("; HttpOnly"), std::string::npos) << c;
    EXPECT_NE(c.find("; SameSite=Lax"), std::string::npos) << c;
    EXPECT_EQ(c.find("Domain"), std::string::npos) << c;
}

TEST_F(session_manager_server, a_domain_makes_the_prefix_secure_and_is_written) {
    auto o = options();
    o.domain = "example.com";
    o.same_site = sesh::same_site::strict;
    const auto m = make(std::move(o));
    EXPECT_EQ(m.cookie_name(), "__Secure-sesh.session-token");
    auto s = loaded(m, "");
    s.set("k", 1);
    const auto c = saved(m, s).at(0);
    EXPECT_NE(c.find("; Domain=example.com"), std::string::npos) << c;
    EXPECT_NE(c.find("; SameSite=Strict"), std::string::npos) << c;
}

TEST_F(session_manager_server, without_secure_the_name_has_no_prefix_and_no_secure_attribute) {
    auto o = options();
    o.secure = false;
    o.cookie_name = "sid";
    const auto m = make(std::move(o));
    EXPECT_EQ(m.cookie_name(), "sid");
    auto s = loaded(m, "");
    s.set("k", 1);
    const auto c = saved(m, s).at(0);
    EXPECT_TRUE(c.starts_with("sid=")) << c;
    EXPECT_EQ(c.find("Secure"), std::string::npos) << c;
    EXPECT_NE(c.find("; HttpOnly"), std::string::npos) << c;
}

TEST_F(session_manager_server, a_custom_name_gets_the_prefix_unless_it_has_one) {
    auto o = options();
    o.cookie_name = "app.sid";
    EXPECT_EQ(make(o).cookie_name(), "__Host-app.sid");
    o.cookie_name = "__Secure-app.sid";
    EXPECT_EQ(make(o).cookie_name(), "__Secure-app.sid");
}

TEST_F(session_manager_server, create_refuses_unusable_options) {
    auto expect_refused = [&](sesh::session_options o, const char* why) {
        auto m = sesh::session_manager::create(std::move(o));
        ASSERT_FALSE(m) << why;
        EXPECT_EQ(m.error(), errc::invalid_argument) << why;
    };
    auto o = options();
    o.store.reset();
    expect_refused(o, "no store");
    o = options();
    o.idle_timeout = 0s;
    expect_refused(o, "idle 0");
    o = options();
    o.absolute_timeout = -1s;
    expect_refused(o, "absolute < 0");
    o = options();
    o.max_age = 0s;
    expect_refused(o, "max_age 0");
    o = options();
    o.update_age = -1s;
    expect_refused(o, "update_age < 0");
    o = options();
    o.max_data_bytes = 0;
    expect_refused(o, "max_data_bytes 0");
    o = options();
    o.cookie_name = "bad name";
    expect_refused(o, "cookie name with a space");
    o = options();
    o.secure = false;
    o.same_site = sesh::same_site::none;
    expect_refused(o, "SameSite=None without Secure");
    o = options();
    o.path = "/a;b";
    expect_refused(o, "path with ;");
}

TEST_F(session_manager_server, tokens_come_from_the_injected_random_source) {
    sesh_test::counter_random rnd;
    auto o = options();
    o.random = &rnd;
    const auto m = make(std::move(o));
    auto s = loaded(m, "");
    s.set("k", 1);
    const auto c = saved(m, s).at(0);
    std::array<std::uint8_t, 32> expected{};  // the first draw: counter 0, all zero bytes
    EXPECT_EQ(sesh_test::value_of(c), sesh::base64url_encode(expected));
    EXPECT_EQ(rnd.draws(), 1u);
}

// --- expiry and renewal -----------------------------------------------------------------------

TEST_F(session_manager_server, a_session_unused_for_the_idle_timeout_ends) {
    const auto m = make();
    auto b = signed_in(m);
    clk.advance(2h - 1s);
    EXPECT_FALSE(loaded(m, b.header()).is_new());
    // That load renewed nothing (it was not saved): the idle clock still runs from creation.
    clk.advance(1s);
    auto s = loaded(m, b.header());
    EXPECT_TRUE(s.is_new());
    EXPECT_TRUE(sesh_test::is_deletion(saved(m, s).at(0)));
}

TEST_F(session_manager_server, renewal_moves_the_idle_expiry) {
    const auto m = make();
    auto b = signed_in(m);
    for (int i = 0; i < 5; ++i) {
        clk.advance(90min);  // under the 2 h idle limit each time
        auto s = loaded(m, b.header());
        ASSERT_FALSE(s.is_new()) << i;
        b.apply(saved(m, s));
    }
    EXPECT_EQ(store->touch_writes, 5);
}

TEST_F(session_manager_server, the_absolute_timeout_ends_even_an_active_session) {
    const auto m = make();
    auto b = signed_in(m);
    for (int i = 0; i < 23; ++i) {
        clk.advance(1h);
        auto s = loaded(m, b.header());
        ASSERT_FALSE(s.is_new()) << i;
        b.apply(saved(m, s));
    }
    clk.advance(1h);  // 24 h after creation
    EXPECT_TRUE(loaded(m, b.header()).is_new());
}

TEST_F(session_manager_server, renewal_writes_at_most_once_per_update_age) {
    const auto m = make();
    auto b = signed_in(m);
    // Inside the first update_age window: loads and saves write nothing.
    for (int i = 0; i < 9; ++i) {
        clk.advance(1min);
        auto s = loaded(m, b.header());
        EXPECT_TRUE(saved(m, s).empty()) << i;
    }
    EXPECT_EQ(store->touch_calls, 0);
    clk.advance(1min);  // 10 min: due
    auto s = loaded(m, b.header());
    const auto cookies = saved(m, s);
    EXPECT_EQ(store->touch_writes, 1);
    ASSERT_EQ(cookies.size(), 1u);  // the cookie's Max-Age is refreshed with the record
    // The next window starts again from the renewal.
    clk.advance(9min);
    auto again = loaded(m, b.header());
    EXPECT_TRUE(saved(m, again).empty());
    EXPECT_EQ(store->touch_calls, 1);
}

TEST_F(session_manager_server, a_changed_session_due_for_renewal_is_written_once) {
    const auto m = make();
    auto b = signed_in(m);
    clk.advance(15min);
    auto s = loaded(m, b.header());
    s.set("n", 2);
    EXPECT_EQ(saved(m, s).size(), 1u);
    EXPECT_EQ(store->updates, 1);
    EXPECT_EQ(store->touch_calls, 0);
    auto back = store->get(s.id()).value().value();
    EXPECT_EQ(back.last_seen, clk.now());
    EXPECT_EQ(back.data, R"({"n":2})");
}

TEST_F(session_manager_server, a_changed_session_not_due_is_updated_without_a_cookie) {
    const auto m = make();
    auto b = signed_in(m);
    clk.advance(1min);
    auto s = loaded(m, b.header());
    s.set("n", 3);
    EXPECT_TRUE(saved(m, s).empty());
    EXPECT_EQ(store->updates, 1);
    EXPECT_EQ(store->creates, 1);  // the first save only: a loaded session is never create()d
    EXPECT_EQ(loaded(m, b.header()).get_int("n").value(), 3);
}

TEST_F(session_manager_server, the_cookie_max_age_never_outlives_the_absolute_expiry) {
    const auto m = make();
    auto b = signed_in(m);
    std::string last;
    for (int i = 0; i < 14; ++i) {  // renewed every 90 min up to 21 h of the 24 h limit
        clk.advance(90min);
        auto s = loaded(m, b.header());
        ASSERT_FALSE(s.is_new()) << i;
        const auto cookies = saved(m, s);
        ASSERT_EQ(cookies.size(), 1u) << i;
        last = cookies[0];
        b.apply(cookies);
    }
    EXPECT_NE(last.find("; Max-Age=10800;"), std::string::npos) << last;  // 3 h left, not max_age's 12 h
    auto s = loaded(m, b.header());
    EXPECT_EQ(s.expires(), sesh_test::t0 + 21h + 2h);
}

TEST_F(session_manager_server, concurrent_renewals_of_one_session_make_one_touch) {
    const auto m = make();
    auto b = signed_in(m);
    clk.advance(11min);
    const std::string header = b.header();
    std::atomic<int> cookies{0}, failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                auto s = m.load(header, laptop);
                if (!s || s->is_new()) {
                    ++failures;
                    continue;
                }
                auto r = m.save(*s);
                if (!r) ++failures;
                else cookies += static_cast<int>(r->size());
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(store->touch_writes, 1);
    EXPECT_EQ(cookies, 1);
    EXPECT_EQ(store->updates, 0);
}

// --- the logout race, destroy, regenerate -----------------------------------------------------

TEST_F(session_manager_server, save_after_destroy_does_not_resurrect) {
    const auto m = make();
    auto b = signed_in(m);
    auto slow = loaded(m, b.header());  // a long request, still holding the session
    auto logout = loaded(m, b.header());
    ASSERT_TRUE(m.destroy(logout));
    slow.set("n", 99);
    auto r = m.save(slow);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::not_found);
    EXPECT_FALSE(store->get(slow.id()).value().has_value());
    EXPECT_TRUE(loaded(m, b.header()).is_new());
}

TEST_F(session_manager_server, a_renewal_racing_a_destroy_does_not_resurrect) {
    const auto m = make();
    auto b = signed_in(m);
    clk.advance(11min);
    auto slow = loaded(m, b.header());
    auto logout = loaded(m, b.header());
    ASSERT_TRUE(m.destroy(logout));
    auto r = m.save(slow);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::not_found);
    EXPECT_TRUE(loaded(m, b.header()).is_new());
}

TEST_F(session_manager_server, destroy_erases_the_record_and_clears_the_cookie) {
    const auto m = make();
    auto b = signed_in(m);
    auto s = loaded(m, b.header());
    const std::string id = s.id();
    const auto cookies = m.destroy(s).value();
    ASSERT_EQ(cookies.size(), 1u);
    EXPECT_TRUE(sesh_test::is_deletion(cookies[0])) << cookies[0];
    EXPECT_NE(cookies[0].find("; Expires=Thu, 01 Jan 1970 00:00:00 GMT"), std::string::npos) << cookies[0];
    EXPECT_NE(cookies[0].find("; Secure"), std::string::npos);
    EXPECT_FALSE(store->get(id).value().has_value());
    EXPECT_TRUE(s.destroyed());
    EXPECT_TRUE(s.data().empty());
    b.apply(cookies);
    EXPECT_TRUE(b.jar.empty());
    // The handler's framework may still call save: it writes nothing and brings nothing back.
    EXPECT_TRUE(saved(m, s).empty());
    EXPECT_FALSE(store->get(id).value().has_value());
}

TEST_F(session_manager_server, destroy_also_clears_stray_chunks_of_the_cookie) {
    const auto m = make();
    auto b = signed_in(m);
    b.jar[m.cookie_name() + ".0"] = "x";
    b.jar[m.cookie_name() + ".1"] = "y";
    auto s = loaded(m, b.header());
    EXPECT_FALSE(s.is_new());
    const auto cookies = m.destroy(s).value();
    EXPECT_EQ(cookies.size(), 3u);
    for (const auto& c : cookies) EXPECT_TRUE(sesh_test::is_deletion(c)) << c;
    b.apply(cookies);
    EXPECT_TRUE(b.jar.empty());
}

TEST_F(session_manager_server, regenerate_changes_the_token_and_the_old_one_no_longer_loads) {
    const auto m = make();
    auto b = signed_in(m, "");
    const browser before = b;
    auto s = loaded(m, b.header());
    const std::string old_id = s.id();
    s.set_user_id("u1");  // login
    m.regenerate(s);
    EXPECT_NE(s.id(), old_id);
    const auto cookies = saved(m, s);
    ASSERT_EQ(cookies.size(), 1u);
    b.apply(cookies);
    EXPECT_NE(b.header(), before.header());
    auto fresh = loaded(m, b.header());
    EXPECT_FALSE(fresh.is_new());
    EXPECT_EQ(fresh.user_id(), "u1");
    EXPECT_EQ(fresh.get_int("n").value(), 1);  // same data
    EXPECT_EQ(fresh.id(), s.id());
    EXPECT_TRUE(loaded(m, before.header()).is_new());
    EXPECT_FALSE(store->get(old_id).value().has_value());
}

TEST_F(session_manager_server, regenerate_after_logout_elsewhere_does_not_resurrect) {
    const auto m = make();
    auto b = signed_in(m);
    auto s = loaded(m, b.header());
    auto other = loaded(m, b.header());
    ASSERT_TRUE(m.destroy(other));
    m.regenerate(s);
    auto r = m.save(s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::not_found);
    EXPECT_TRUE(store->list_user("u1").value().empty());
}

TEST_F(session_manager_server, regenerate_on_a_new_session_does_nothing_until_save) {
    const auto m = make();
    auto s = loaded(m, "");
    m.regenerate(s);
    EXPECT_TRUE(s.id().empty());
    EXPECT_TRUE(saved(m, s).empty());
}

// --- revocation and listing -------------------------------------------------------------------

TEST_F(session_manager_server, list_shows_a_users_sessions_with_created_last_seen_address_and_agent) {
    const auto m = make();
    auto b1 = signed_in(m, "u1", laptop);
    clk.advance(1min);
    auto b2 = signed_in(m, "u1", phone);
    (void)signed_in(m, "u2", phone);
    (void)signed_in(m, "", phone);
    const auto list = m.list("u1").value();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].address, "192.0.2.10");
    EXPECT_EQ(list[0].user_agent, "Firefox/128");
    EXPECT_EQ(list[0].created, sesh_test::t0);
    EXPECT_EQ(list[0].last_seen, sesh_test::t0);
    EXPECT_EQ(list[0].expires, sesh_test::t0 + 2h);
    EXPECT_EQ(list[1].address, "198.51.100.7");
    EXPECT_EQ(list[1].user_agent, "Safari/17");
    EXPECT_EQ(list[1].created, sesh_test::t0 + 1min);
    EXPECT_EQ(list[0].id, loaded(m, b1.header()).id());
    EXPECT_EQ(list[1].id, loaded(m, b2.header()).id());
    EXPECT_EQ(m.list("").error(), errc::invalid_argument);
}

TEST_F(session_manager_server, lists_sessions_so_handlers_offer_my_devices) {
    EXPECT_TRUE(make().lists_sessions());
}

TEST_F(session_manager_server, revoke_ends_one_session_by_its_id) {
    const auto m = make();
    auto b1 = signed_in(m);
    clk.advance(1s);  // list is oldest first
    auto b2 = signed_in(m);
    ASSERT_TRUE(m.revoke(m.list("u1").value().at(0).id));
    EXPECT_TRUE(loaded(m, b1.header()).is_new());
    EXPECT_FALSE(loaded(m, b2.header()).is_new());
}

TEST_F(session_manager_server, revoke_user_ends_every_session_of_the_user) {
    const auto m = make();
    auto b1 = signed_in(m);
    auto b2 = signed_in(m, "u1", phone);
    auto other = signed_in(m, "u2");
    EXPECT_EQ(m.revoke_user("u1").value(), 2u);
    EXPECT_TRUE(loaded(m, b1.header()).is_new());
    EXPECT_TRUE(loaded(m, b2.header()).is_new());
    EXPECT_FALSE(loaded(m, other.header()).is_new());
    EXPECT_EQ(m.revoke_user("").error(), errc::invalid_argument);
}

TEST_F(session_manager_server, revoke_others_keeps_the_current_session) {
    const auto m = make();
    auto b1 = signed_in(m);
    auto b2 = signed_in(m, "u1", phone);
    auto b3 = signed_in(m, "u1", phone);
    auto s = loaded(m, b2.header());
    EXPECT_EQ(m.revoke_others(s).value(), 2u);
    EXPECT_TRUE(loaded(m, b1.header()).is_new());
    EXPECT_FALSE(loaded(m, b2.header()).is_new());
    EXPECT_TRUE(loaded(m, b3.header()).is_new());
    auto anonymous = loaded(m, "");
    EXPECT_EQ(m.revoke_others(anonymous).error(), errc::invalid_argument);
}

// --- limits and failures ----------------------------------------------------------------------

TEST_F(session_manager_server, data_over_max_data_bytes_is_refused_at_save) {
    auto o = options();
    o.max_data_bytes = 100;
    const auto m = make(std::move(o));
    auto s = loaded(m, "");
    s.set("k", json::string(90, 'x'));  // {"k":"xxx…"} is 98 bytes
    EXPECT_TRUE(m.save(s));
    auto b = loaded(m, "");
    b.set("k", json::string(93, 'x'));  // 101 bytes
    auto r = m.save(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::too_large);
    EXPECT_EQ(store->creates, 1);
}

TEST_F(session_manager_server, a_store_outage_is_the_only_load_error) {
    const auto m = make();
    auto b = signed_in(m);
    store->down = true;
    auto r = m.load(b.header(), laptop);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::store_unavailable);
    // No cookie, or junk, needs no store: still a session.
    EXPECT_TRUE(m.load("", laptop));
    EXPECT_TRUE(m.load(m.cookie_name() + "=junk", laptop));
    store->down = false;
    auto s = loaded(m, b.header());
    store->down = true;
    s.set("n", 5);
    EXPECT_EQ(m.save(s).error(), errc::store_unavailable);
    EXPECT_TRUE(s.modified());  // unchanged: the handler may retry
    EXPECT_EQ(m.destroy(s).error(), errc::store_unavailable);
    EXPECT_FALSE(s.destroyed());
}

TEST_F(session_manager_server, an_oversized_cookie_header_is_no_session) {
    const auto m = make();
    auto s = loaded(m, "a=" + std::string(20000, 'x'));
    EXPECT_TRUE(s.is_new());
    EXPECT_TRUE(saved(m, s).empty());
}

// --- anonymous sessions (issue 17, finding 5: cookie-less requests must not fill the store) ------

TEST_F(session_manager_server, an_anonymous_session_is_held_to_the_smaller_data_limit) {
    auto o = options();
    o.anonymous_max_data_bytes = 100;
    const auto m = make(std::move(o));
    auto a = loaded(m, "");
    a.set("k", json::string(93, 'x'));  // 101 bytes
    auto r = m.save(a);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::too_large);
    EXPECT_EQ(store->creates, 0);
    // The same data is fine once the session has a user.
    a.set_user_id("u1");
    EXPECT_TRUE(m.save(a));
    EXPECT_EQ(store->creates, 1);
}

TEST_F(session_manager_server, the_default_anonymous_data_limit_is_4_kib) {
    const auto m = make();
    auto a = loaded(m, "");
    a.set("k", json::string(5000, 'x'));
    ASSERT_FALSE(m.save(a));
    auto u = loaded(m, "");
    u.set("k", json::string(5000, 'x'));
    u.set_user_id("u1");
    EXPECT_TRUE(m.save(u));
}

TEST_F(session_manager_server, an_unused_anonymous_session_ends_after_the_anonymous_idle_timeout) {
    auto o = options();
    o.anonymous_idle_timeout = 30min;
    const auto m = make(std::move(o));
    auto anonymous = signed_in(m, "");
    auto user = signed_in(m, "u1");
    clk.advance(30min - 1s);
    EXPECT_FALSE(loaded(m, anonymous.header()).is_new());
    clk.advance(1s);
    EXPECT_TRUE(loaded(m, anonymous.header()).is_new());
    EXPECT_FALSE(loaded(m, user.header()).is_new());  // a signed-in session keeps the 2 h limit
}

TEST_F(session_manager_server, an_active_anonymous_session_is_renewed_before_its_short_idle_timeout) {
    auto o = options();
    o.anonymous_idle_timeout = 10min;  // update_age is 10 min too: renewal must come sooner
    const auto m = make(std::move(o));
    auto b = signed_in(m, "");
    for (int i = 0; i < 12; ++i) {  // an hour of a request every 5 min
        clk.advance(5min);
        auto s = loaded(m, b.header());
        ASSERT_FALSE(s.is_new()) << i;
        b.apply(saved(m, s));
    }
}

TEST_F(session_manager_server, signing_in_an_anonymous_session_gives_it_the_normal_idle_timeout) {
    auto o = options();
    o.anonymous_idle_timeout = 30min;
    const auto m = make(std::move(o));
    auto b = signed_in(m, "");
    auto s = loaded(m, b.header());
    s.set_user_id("u1");  // without regenerate: the record keeps its key
    b.apply(saved(m, s));
    clk.advance(90min);
    EXPECT_FALSE(loaded(m, b.header()).is_new());
}

TEST_F(session_manager_server, create_refuses_zero_anonymous_limits) {
    auto o = options();
    o.anonymous_max_data_bytes = 0;
    EXPECT_EQ(sesh::session_manager::create(o).error(), errc::invalid_argument);
    o = options();
    o.anonymous_idle_timeout = 0s;
    EXPECT_EQ(sesh::session_manager::create(o).error(), errc::invalid_argument);
}

}  // namespace
