// session_manager with the jwt and iron strategies: the same life cycle as server sessions,
// next-auth's chunking, peers' tokens, and revocation through a store (deny-list, not-before).
#include <sesh/session_manager.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <sesh/iron.hpp>
#include <sesh/nextauth_jwt.hpp>

#include "unit/session/session_fixture.hpp"

namespace {

namespace json = boost::json;
using sesh::errc;
using sesh::strategy;
using namespace std::chrono_literals;
using sesh_test::browser;
using sesh_test::loaded;
using sesh_test::saved;

const std::string secret = "a-next-auth-secret-for-the-tests";
const std::string password = "an-iron-session-password-of-32+chars";

struct stateless_base : ::testing::Test {
    sesh::manual_clock clk{sesh_test::t0};
    std::shared_ptr<sesh_test::counting_store> store = std::make_shared<sesh_test::counting_store>(clk);

    virtual strategy kind() const = 0;
    bool is_jwt() const { return kind() == strategy::jwt; }

    sesh::session_options options(bool with_store = true) {
        sesh::session_options o;
        o.strategy = kind();
        if (with_store) o.store = store;
        o.secrets = {secret};
        o.passwords = {{"1", password}};
        o.clock = &clk;
        o.idle_timeout = 2h;
        o.absolute_timeout = 24h;
        o.max_age = 12h;
        o.update_age = 10min;
        return o;
    }
    sesh::session_manager make(sesh::session_options o) { return sesh::session_manager::create(std::move(o)).value(); }
    sesh::session_manager make(bool with_store = true) { return make(options(with_store)); }

    // A browser holding a saved session of `user` with {"n":1}.
    browser signed_in(const sesh::session_manager& m, const std::string& user = "u1") {
        auto s = loaded(m, "");
        s.set("n", 1);
        if (!user.empty()) s.set_user_id(user);
        browser b;
        b.apply(saved(m, s));
        EXPECT_FALSE(b.jar.empty());
        return b;
    }

    // The codecs a peer (next-auth, iron-session) would hold, on the same clock.
    sesh::nextauth_jwt_codec peer_jwt() {
        sesh::nextauth_jwt_options o;
        o.secrets = {secret};
        o.clock = &clk;
        return sesh::nextauth_jwt_codec::create(std::move(o)).value();
    }
    sesh::iron_codec peer_iron() {
        sesh::iron_options o;
        o.passwords = {{"1", password}};
        o.clock = &clk;
        return sesh::iron_codec::create(std::move(o)).value();
    }
    // What a peer finds inside the token (joined from its chunks).
    json::object opened(const sesh::session_manager& m, const browser& b) {
        const std::string header = b.header();  // the parsed cookies are views into it
        auto cookies = sesh::parse_cookie_header(header, {.max_header_bytes = 1 << 20}).value();
        const auto token = sesh::join_chunks(cookies, m.cookie_name()).value();
        if (is_jwt()) return peer_jwt().decode(token).value();
        return peer_iron().unseal(token).value().as_object();
    }
};

// Behaviours both stateless strategies share run once per strategy.
struct session_manager_stateless : stateless_base, ::testing::WithParamInterface<strategy> {
    strategy kind() const override { return GetParam(); }
};
struct session_manager_jwt : stateless_base {
    strategy kind() const override { return strategy::jwt; }
};
struct session_manager_iron : stateless_base {
    strategy kind() const override { return strategy::iron; }
};

INSTANTIATE_TEST_SUITE_P(strategies, session_manager_stateless, ::testing::Values(strategy::jwt, strategy::iron),
                         [](const ::testing::TestParamInfo<strategy>& p) {
                             return p.param == strategy::jwt ? "jwt" : "iron";
                         });

// --- life cycle -------------------------------------------------------------------------------

TEST_P(session_manager_stateless, no_cookie_gives_a_new_session_and_save_writes_nothing) {
    const auto m = make();
    auto s = loaded(m, "theme=dark");
    EXPECT_TRUE(s.is_new());
    EXPECT_TRUE(saved(m, s).empty());
    EXPECT_EQ(store->revoked_calls, 0);
}

TEST_P(session_manager_stateless, a_saved_session_loads_back_with_its_data_and_user) {
    const auto m = make();
    auto b = signed_in(m);
    clk.advance(1min);
    auto s = loaded(m, b.header());
    EXPECT_FALSE(s.is_new());
    EXPECT_FALSE(s.modified());
    EXPECT_EQ(s.user_id(), "u1");
    EXPECT_EQ(json::serialize(s.data()), R"({"n":1})");  // sesh's own claims stay hidden
    EXPECT_FALSE(s.id().empty());                         // the jti
    EXPECT_EQ(s.created(), sesh_test::t0);
    EXPECT_EQ(s.expires(), sesh_test::t0 + 2h);
    EXPECT_EQ(store->revoked_calls, 1);  // one round trip per load
    EXPECT_TRUE(saved(m, s).empty());    // unchanged, renewal not due
}

TEST_P(session_manager_stateless, the_default_cookie_has_the_peers_name_and_safe_attributes) {
    const auto m = make();
    auto s = loaded(m, "");
    s.set("k", 1);
    const auto c = saved(m, s).at(0);
    if (is_jwt()) {
        EXPECT_EQ(m.cookie_name(), "__Secure-next-auth.session-token");
        EXPECT_NE(c.find("; Max-Age=43200;"), std::string::npos) << c;
    } else {
        EXPECT_EQ(m.cookie_name(), "iron-session");
        EXPECT_NE(c.find("; Max-Age=43140;"), std::string::npos) << c;  // iron-session: ttl - 60 s
    }
    EXPECT_TRUE(c.starts_with(m.cookie_name() + "=")) << c;
    EXPECT_NE(c.find("; Path=/; Secure; HttpOnly; SameSite=Lax"), std::string::npos) << c;
}

TEST_P(session_manager_stateless, without_secure_the_cookie_name_has_no_prefix) {
    auto o = options();
    o.secure = false;
    const auto m = make(std::move(o));
    EXPECT_EQ(m.cookie_name(), is_jwt() ? "next-auth.session-token" : "iron-session");
}

TEST_P(session_manager_stateless, a_tampered_cookie_gives_a_new_session_and_save_clears_it) {
    const auto m = make();
    auto b = signed_in(m);
    std::string& token = b.jar.at(m.cookie_name());
    char& c = token[token.size() / 2];
    c = c == 'A' ? 'B' : 'A';
    auto s = loaded(m, b.header());
    EXPECT_TRUE(s.is_new());
    const auto cookies = saved(m, s);
    ASSERT_EQ(cookies.size(), 1u);
    EXPECT_TRUE(sesh_test::is_deletion(cookies[0])) << cookies[0];
    b.apply(cookies);
    EXPECT_TRUE(b.jar.empty());
}

TEST_P(session_manager_stateless, a_malformed_cookie_gives_a_new_session_and_save_clears_it) {
    const auto m = make();
    for (const std::string junk : {"x", "a.b.c.d.e", "Fe26.2*1*x*y*z**a*b~2", "eyJhbGciOiJub25lIn0.e30."}) {
        auto s = loaded(m, m.cookie_name() + "=" + junk);
        EXPECT_TRUE(s.is_new()) << junk;
        const auto cookies = saved(m, s);
        ASSERT_EQ(cookies.size(), 1u) << junk;
        EXPECT_TRUE(sesh_test::is_deletion(cookies[0])) << junk;
    }
    EXPECT_EQ(store->revoked_calls, 0);
}

TEST_P(session_manager_stateless, a_stale_cookie_is_replaced_by_the_new_sessions_token) {
    const auto m = make();
    auto s = loaded(m, m.cookie_name() + "=junk");
    s.set("k", 1);
    const auto cookies = saved(m, s);
    ASSERT_EQ(cookies.size(), 1u);
    EXPECT_FALSE(sesh_test::is_deletion(cookies[0]));
}

TEST_P(session_manager_stateless, a_token_past_max_age_gives_a_new_session) {
    auto o = options();
    o.idle_timeout = 48h;
    const auto m = make(std::move(o));
    auto b = signed_in(m);
    clk.advance(11h);
    EXPECT_FALSE(loaded(m, b.header()).is_new());
    clk.advance(1h + 2min);  // past the token's own expiry and the codecs' skew
    auto s = loaded(m, b.header());
    EXPECT_TRUE(s.is_new());
    EXPECT_TRUE(sesh_test::is_deletion(saved(m, s).at(0)));
}

TEST_P(session_manager_stateless, a_token_unused_for_the_idle_timeout_ends) {
    const auto m = make();
    auto b = signed_in(m);
    clk.advance(2h - 1s);
    EXPECT_FALSE(loaded(m, b.header()).is_new());
    clk.advance(1s);
    auto s = loaded(m, b.header());
    EXPECT_TRUE(s.is_new());
    EXPECT_TRUE(sesh_test::is_deletion(saved(m, s).at(0)));
}

TEST_P(session_manager_stateless, renewal_keeps_a_session_alive_until_the_absolute_timeout) {
    const auto m = make();
    auto b = signed_in(m);
    for (int i = 0; i < 15; ++i) {  // 22.5 h of activity, every 90 min: past max_age and idle
        clk.advance(90min);
        auto s = loaded(m, b.header());
        ASSERT_FALSE(s.is_new()) << i;
        const auto cookies = saved(m, s);
        ASSERT_EQ(cookies.size(), 1u) << i;
        b.apply(cookies);
    }
    clk.advance(90min);  // 24 h after creation
    EXPECT_TRUE(loaded(m, b.header()).is_new());
}

TEST_P(session_manager_stateless, renewal_reissues_the_token_at_most_once_per_update_age) {
    const auto m = make();
    auto b = signed_in(m);
    const std::string first = b.header();
    for (int i = 0; i < 9; ++i) {
        clk.advance(1min);
        auto s = loaded(m, b.header());
        EXPECT_TRUE(saved(m, s).empty()) << i;
    }
    clk.advance(1min);
    auto s = loaded(m, b.header());
    const auto cookies = saved(m, s);
    ASSERT_EQ(cookies.size(), 1u);
    b.apply(cookies);
    EXPECT_NE(b.header(), first);
    auto again = loaded(m, b.header());
    EXPECT_EQ(again.last_seen(), clk.now());
    EXPECT_TRUE(saved(m, again).empty());
}

// --- what peers see and send ------------------------------------------------------------------

TEST_P(session_manager_stateless, the_peer_reads_the_data_and_user_from_the_token) {
    const auto m = make(false);
    auto s = loaded(m, "");
    s.set("name", "Ada");
    s.set_user_id("u1");
    browser b;
    b.apply(saved(m, s));
    const auto inside = opened(m, b);
    EXPECT_EQ(inside.at("name").as_string(), "Ada");
    if (is_jwt()) {
        EXPECT_EQ(inside.at("sub").as_string(), "u1");  // next-auth's user id claim
        EXPECT_TRUE(inside.contains("iat") && inside.contains("exp") && inside.contains("jti"));
        EXPECT_EQ(inside.at("sesh_sid").as_string(), s.id());  // the session id, in every token
    } else {
        EXPECT_EQ(inside.at("_sesh").at("uid").as_string(), "u1");
    }
}

TEST_F(session_manager_iron, an_anonymous_iron_session_without_a_store_seals_exactly_its_data) {
    const auto m = make(false);
    auto s = loaded(m, "");
    s.set("user", json::object{{"login", "ada"}});
    browser b;
    b.apply(saved(m, s));
    EXPECT_EQ(json::serialize(opened(m, b)), R"({"user":{"login":"ada"}})");
    EXPECT_TRUE(s.id().empty());
}

TEST_F(session_manager_iron, with_a_store_the_iron_seal_carries_hidden_metadata) {
    const auto m = make();
    auto b = signed_in(m, "");
    const auto inside = opened(m, b);
    ASSERT_TRUE(inside.contains("_sesh"));
    const auto& meta = inside.at("_sesh").as_object();
    EXPECT_FALSE(meta.at("sid").as_string().empty());
    EXPECT_EQ(meta.at("iat_ms").as_int64(), sesh_test::t0.time_since_epoch() / 1ms);
    auto s = loaded(m, b.header());
    EXPECT_FALSE(s.data().contains("_sesh"));
    EXPECT_EQ(s.id(), std::string_view(meta.at("sid").as_string()));
}

TEST_P(session_manager_stateless, a_token_made_by_the_peer_loads) {
    const auto m = make();
    std::string token;
    if (is_jwt())  // next-auth's default claims for a credentials user
        token = peer_jwt()
                    .encode({{"name", "Ada"}, {"email", "ada@example.com"}, {"picture", nullptr}, {"sub", "42"}})
                    .value();
    else
        token = peer_iron().seal(json::object{{"user", {{"id", 42}}}}).value();
    auto s = loaded(m, m.cookie_name() + "=" + token);
    ASSERT_FALSE(s.is_new());
    if (is_jwt()) {
        EXPECT_EQ(s.user_id(), "42");
        EXPECT_EQ(json::serialize(s.data()), R"({"name":"Ada","email":"ada@example.com","picture":null})");
        EXPECT_EQ(s.created(), sesh_test::t0);
    } else {
        EXPECT_EQ(json::serialize(s.data()), R"({"user":{"id":42}})");
        // Not revocable as iron-session made it: the next save gives it sesh's metadata.
        browser b;
        b.apply(saved(m, s));
        EXPECT_TRUE(opened(m, b).contains("_sesh"));
    }
}

TEST_P(session_manager_stateless, data_under_a_name_sesh_writes_itself_is_refused) {
    const auto m = make();
    auto s = loaded(m, "");
    s.set(is_jwt() ? "sub" : "_sesh", "mine");
    auto r = m.save(s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::invalid_argument);
}

// --- size and chunking ------------------------------------------------------------------------

TEST_P(session_manager_stateless, a_10_kb_session_chunks_into_several_cookies_and_loads_back) {
    const auto m = make();
    auto s = loaded(m, "");
    s.set_user_id("u1");  // signed in: anonymous sessions may not hold 10 KB
    s.set("blob", json::string(10 * 1024, 'z'));
    const auto cookies = saved(m, s);
    ASSERT_GE(cookies.size(), 3u);
    for (std::size_t i = 0; i < cookies.size(); ++i) {
        EXPECT_EQ(sesh_test::name_of(cookies[i]), m.cookie_name() + "." + std::to_string(i));
        EXPECT_LE(sesh_test::value_of(cookies[i]).size(), sesh::cookie_chunk_size);
        EXPECT_NE(cookies[i].find("; HttpOnly"), std::string::npos);
    }
    browser b;
    b.apply(cookies);
    auto back = loaded(m, b.header());
    ASSERT_FALSE(back.is_new());
    EXPECT_EQ(back.get_string("blob").value().size(), 10u * 1024);
}

TEST_P(session_manager_stateless, a_shrinking_session_clears_the_chunks_it_no_longer_needs) {
    const auto m = make();
    auto s = loaded(m, "");
    s.set_user_id("u1");  // signed in: anonymous sessions may not hold 10 KB
    s.set("blob", json::string(10 * 1024, 'z'));
    browser b;
    b.apply(saved(m, s));
    ASSERT_GE(b.jar.size(), 3u);
    auto small = loaded(m, b.header());
    small.erase("blob");
    small.set("k", 1);
    b.apply(saved(m, small));
    ASSERT_EQ(b.jar.size(), 1u);
    EXPECT_EQ(b.jar.begin()->first, m.cookie_name());
    EXPECT_EQ(loaded(m, b.header()).get_int("k").value(), 1);
}

TEST_P(session_manager_stateless, destroy_clears_the_cookie_and_every_chunk) {
    const auto m = make();
    auto s = loaded(m, "");
    s.set_user_id("u1");  // signed in: anonymous sessions may not hold 10 KB
    s.set("blob", json::string(10 * 1024, 'z'));
    browser b;
    b.apply(saved(m, s));
    const auto chunks = b.jar.size();
    auto d = loaded(m, b.header());
    const auto cookies = m.destroy(d).value();
    EXPECT_EQ(cookies.size(), chunks + 1);  // every chunk, and the plain name for good measure
    for (const auto& c : cookies) EXPECT_TRUE(sesh_test::is_deletion(c)) << c;
    b.apply(cookies);
    EXPECT_TRUE(b.jar.empty());
}

TEST_P(session_manager_stateless, chunks_with_a_gap_are_no_session_and_are_cleared) {
    const auto m = make();
    auto s = loaded(m, "");
    s.set_user_id("u1");  // signed in: anonymous sessions may not hold 10 KB
    s.set("blob", json::string(10 * 1024, 'z'));
    browser b;
    b.apply(saved(m, s));
    b.jar.erase(m.cookie_name() + ".1");
    auto back = loaded(m, b.header());
    EXPECT_TRUE(back.is_new());
    b.apply(saved(m, back));
    EXPECT_TRUE(b.jar.empty());
}

TEST_P(session_manager_stateless, without_chunking_a_cookie_past_4096_bytes_is_too_large) {
    auto o = options();
    o.chunking = false;
    const auto m = make(std::move(o));
    auto s = loaded(m, "");
    s.set("blob", json::string(2 * 1024, 'z'));
    EXPECT_EQ(saved(m, s).size(), 1u);
    auto big = loaded(m, "");
    big.set_user_id("u1");  // over the anonymous data limit otherwise, which would refuse it first
    big.set("blob", json::string(4 * 1024, 'z'));
    auto r = m.save(big);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::too_large);
}

TEST_P(session_manager_stateless, data_over_max_data_bytes_is_too_large) {
    auto o = options();
    o.max_data_bytes = 1000;
    const auto m = make(std::move(o));
    auto s = loaded(m, "");
    s.set("blob", json::string(1000, 'z'));
    auto r = m.save(s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::too_large);
}

// --- rotation and revocation ------------------------------------------------------------------

TEST_P(session_manager_stateless, regenerate_issues_a_new_token_and_denies_the_old_one) {
    const auto m = make();
    auto b = signed_in(m, "");
    const browser before = b;
    auto s = loaded(m, b.header());
    const std::string old_id = s.id();
    s.set_user_id("u1");
    m.regenerate(s);
    b.apply(saved(m, s));
    EXPECT_NE(s.id(), old_id);
    EXPECT_NE(b.header(), before.header());
    auto now = loaded(m, b.header());
    EXPECT_FALSE(now.is_new());
    EXPECT_EQ(now.user_id(), "u1");
    EXPECT_EQ(now.get_int("n").value(), 1);
    EXPECT_TRUE(loaded(m, before.header()).is_new());
}

TEST_P(session_manager_stateless, destroy_with_a_store_denies_the_token) {
    const auto m = make();
    auto b = signed_in(m);
    const browser kept = b;  // a copy of the cookie, as an attacker might hold
    auto s = loaded(m, b.header());
    const auto cookies = m.destroy(s).value();
    EXPECT_EQ(store->denies, 1);
    b.apply(cookies);
    EXPECT_TRUE(b.jar.empty());
    EXPECT_TRUE(loaded(m, kept.header()).is_new());
}

// Every write and every renewal issues a new token; a copy of any of them (taken at login,
// after a write, after a renewal) must die with the session (issue 17, finding 1; ASVS 3.3.1).
struct three_tokens {
    browser at_login, after_write, after_renewal;
};

TEST_P(session_manager_stateless, every_token_of_a_session_carries_one_session_id) {
    const auto m = make();
    three_tokens t;
    t.at_login = signed_in(m);
    browser b = t.at_login;
    clk.advance(1min);
    auto s = loaded(m, b.header());
    s.set("n", 2);
    b.apply(saved(m, s));
    t.after_write = b;
    clk.advance(11min);  // past update_age: sliding renewal re-issues the token
    auto r = loaded(m, b.header());
    b.apply(saved(m, r));
    t.after_renewal = b;
    ASSERT_NE(t.after_write.header(), t.at_login.header());
    ASSERT_NE(t.after_renewal.header(), t.after_write.header());
    const std::string id = loaded(m, t.at_login.header()).id();
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(loaded(m, t.after_write.header()).id(), id);
    EXPECT_EQ(loaded(m, t.after_renewal.header()).id(), id);
}

TEST_P(session_manager_stateless, destroy_ends_the_tokens_issued_at_login_after_a_write_and_after_renewal) {
    const auto m = make();
    browser b = signed_in(m);
    const browser at_login = b;
    clk.advance(1min);
    auto s = loaded(m, b.header());
    s.set("n", 2);
    b.apply(saved(m, s));
    const browser after_write = b;
    clk.advance(11min);
    auto r = loaded(m, b.header());
    b.apply(saved(m, r));
    const browser after_renewal = b;
    auto last = loaded(m, b.header());
    ASSERT_FALSE(last.is_new());
    const std::string id = last.id();
    b.apply(m.destroy(last).value());
    EXPECT_TRUE(b.jar.empty());
    EXPECT_TRUE(loaded(m, at_login.header()).is_new());
    EXPECT_TRUE(loaded(m, after_write.header()).is_new());
    EXPECT_TRUE(loaded(m, after_renewal.header()).is_new());
    // Still denied just before the session's absolute expiry (24 h from login), not only until
    // the current token's own expiry.
    clk.advance(23h);
    EXPECT_TRUE(store->revoked(id, "", sesh_test::t0).value());
}

TEST_P(session_manager_stateless, revoke_by_id_ends_every_token_of_the_session) {
    const auto m = make();
    browser b = signed_in(m);
    const browser at_login = b;
    clk.advance(11min);
    auto s = loaded(m, b.header());
    b.apply(saved(m, s));  // renewed
    ASSERT_NE(b.header(), at_login.header());
    auto other = signed_in(m);
    ASSERT_TRUE(m.revoke(s.id()));
    EXPECT_TRUE(loaded(m, at_login.header()).is_new());
    EXPECT_TRUE(loaded(m, b.header()).is_new());
    EXPECT_FALSE(loaded(m, other.header()).is_new());
}

TEST_P(session_manager_stateless, regenerate_gives_a_new_session_id_and_ends_the_old_ones_tokens) {
    const auto m = make();
    browser b = signed_in(m, "");
    const browser anonymous = b;
    clk.advance(1min);
    auto s = loaded(m, b.header());
    s.set("n", 3);
    b.apply(saved(m, s));
    const browser written = b;
    const std::string old_id = s.id();
    auto l = loaded(m, b.header());
    l.set_user_id("u1");
    m.regenerate(l);
    b.apply(saved(m, l));
    EXPECT_NE(l.id(), old_id);
    EXPECT_FALSE(l.id().empty());
    EXPECT_TRUE(loaded(m, anonymous.header()).is_new());
    EXPECT_TRUE(loaded(m, written.header()).is_new());
    EXPECT_FALSE(loaded(m, b.header()).is_new());
}

TEST_F(session_manager_jwt, a_next_auth_token_keeps_its_jti_as_the_session_id_across_reissues) {
    const auto m = make();
    const auto peer = peer_jwt().encode({{"sub", "u1"}, {"name", "Ada"}}).value();
    browser original;
    original.jar[m.cookie_name()] = peer;
    auto s = loaded(m, original.header());
    ASSERT_FALSE(s.is_new());
    const std::string jti(peer_jwt().decode(peer).value().at("jti").as_string());
    EXPECT_EQ(s.id(), jti);
    s.set("n", 1);
    browser b = original;
    b.apply(saved(m, s));
    ASSERT_NE(b.header(), original.header());
    EXPECT_EQ(loaded(m, b.header()).id(), jti);
    auto last = loaded(m, b.header());
    b.apply(m.destroy(last).value());
    EXPECT_TRUE(loaded(m, original.header()).is_new());
}

TEST_P(session_manager_stateless, destroy_without_a_store_only_clears_the_cookie) {
    const auto m = make(false);
    auto b = signed_in(m);
    auto s = loaded(m, b.header());
    b.apply(m.destroy(s).value());
    EXPECT_TRUE(b.jar.empty());
    EXPECT_TRUE(saved(m, s).empty());
}

TEST_P(session_manager_stateless, revoke_user_refuses_tokens_issued_before_it) {
    const auto m = make();
    auto b1 = signed_in(m);
    auto other = signed_in(m, "u2");
    clk.advance(1ms);
    EXPECT_EQ(m.revoke_user("u1").value(), 0u);
    EXPECT_TRUE(loaded(m, b1.header()).is_new());
    EXPECT_FALSE(loaded(m, other.header()).is_new());
    // A login after the revocation works.
    auto b2 = signed_in(m);
    EXPECT_FALSE(loaded(m, b2.header()).is_new());
}

TEST_F(session_manager_jwt, not_before_compares_milliseconds_not_jwt_seconds) {
    const auto m = make();
    clk.advance(100ms);
    // next-auth's own token has only `iat` in seconds: it counts from the start of its second.
    const auto peer = peer_jwt().encode({{"sub", "u1"}}).value();
    clk.advance(100ms);
    ASSERT_TRUE(m.revoke_user("u1"));
    clk.advance(100ms);
    auto b = signed_in(m);  // same second as the revocation, 100 ms after it
    EXPECT_FALSE(loaded(m, b.header()).is_new());
    EXPECT_TRUE(loaded(m, m.cookie_name() + "=" + peer).is_new());
}

TEST_P(session_manager_stateless, revoke_others_keeps_the_current_session_once_saved) {
    const auto m = make();
    auto b1 = signed_in(m);
    auto b2 = signed_in(m);
    clk.advance(1ms);  // not-before has millisecond precision: b2 was issued before it
    auto s = loaded(m, b1.header());
    EXPECT_EQ(m.revoke_others(s).value(), 0u);
    b1.apply(saved(m, s));  // re-issued: the current token is from after the not-before time
    EXPECT_FALSE(loaded(m, b1.header()).is_new());
    EXPECT_TRUE(loaded(m, b2.header()).is_new());
}

TEST_P(session_manager_stateless, revoke_denies_one_token_by_its_id) {
    const auto m = make();
    auto b1 = signed_in(m);
    auto b2 = signed_in(m);
    ASSERT_TRUE(m.revoke(loaded(m, b1.header()).id()));
    EXPECT_TRUE(loaded(m, b1.header()).is_new());
    EXPECT_FALSE(loaded(m, b2.header()).is_new());
}

TEST_P(session_manager_stateless, revocation_needs_a_store) {
    const auto m = make(false);
    auto b = signed_in(m);
    auto s = loaded(m, b.header());
    EXPECT_EQ(m.revoke_user("u1").error(), errc::invalid_argument);
    EXPECT_EQ(m.revoke_others(s).error(), errc::invalid_argument);
    EXPECT_EQ(m.revoke("x").error(), errc::invalid_argument);
    EXPECT_EQ(m.list("u1").error(), errc::invalid_argument);
}

TEST_P(session_manager_stateless, lists_no_sessions_with_or_without_a_store) {
    EXPECT_FALSE(make(true).lists_sessions());
    EXPECT_FALSE(make(false).lists_sessions());
    EXPECT_EQ(make(true).list("u1").error(), errc::invalid_argument);
}

TEST_P(session_manager_stateless, a_store_outage_fails_the_load_of_a_token) {
    const auto m = make();
    auto b = signed_in(m);
    store->down = true;
    auto r = m.load(b.header(), {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::store_unavailable);
    EXPECT_TRUE(m.load("", {}));
}

TEST_P(session_manager_stateless, create_refuses_a_missing_or_weak_key) {
    auto o = options();
    o.secrets.clear();
    o.passwords.clear();
    EXPECT_EQ(sesh::session_manager::create(o).error(), errc::invalid_argument);
    o = options();
    o.secrets = {""};
    o.passwords = {{"1", "short"}};
    EXPECT_EQ(sesh::session_manager::create(o).error(), errc::invalid_argument);
}

TEST_F(session_manager_iron, create_refuses_an_iron_max_age_of_a_minute_or_less) {
    auto o = options();
    o.max_age = 60s;
    EXPECT_EQ(sesh::session_manager::create(o).error(), errc::invalid_argument);
}

}  // namespace
