// The Redis store behind a password: `redis://USER:PASSWORD@…` (an ACL user) and
// `redis://:PASSWORD@…` (the default user) against a real redis-server that requires them. AUTH
// goes out on every (re)connect of both faces; a refused password is an outage that ends by itself
// once Redis accepts it.
#include <sesh/async_store.hpp>
#include <sesh/store.hpp>

#include <chrono>
#include <optional>
#include <thread>

#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "integration/redis_server.hpp"
#include "unit/store/async_face.hpp"
#include "unit/store/conformance.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

// A password with every character a URL gives a meaning to, percent-encoded by url_as.
const redis_accounts acl_accounts{"admin pass:word", "sesh-app", "p@ss:w/rd %?#"};

redis_server& acl_server() {
    static redis_server server(acl_accounts);
    return server;
}

std::unique_ptr<store> make_acl_store(const store_options& options) {
    auto& server = acl_server();
    if (!server.running() && !server.start()) return nullptr;
    raw_redis admin(server.port(), 0, acl_accounts.default_password);
    if (admin.text({"FLUSHALL"}) != "OK") return nullptr;
    auto s = open_store(server.url_as(acl_accounts.user, acl_accounts.user_password), options);
    return s ? std::move(*s) : nullptr;
}

// The whole conformance suite as the ACL user, through both faces.
INSTANTIATE_TEST_SUITE_P(redis_acl, store_conformance, ::testing::Values(store_factory{"redis_acl", make_acl_store},
                                           async_face_of(store_factory{"redis_acl", make_acl_store})),
                         store_factory_name());

class redis_auth_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(server_.start());
        options_.timeout = 300ms;
    }

    std::unique_ptr<store> open(const std::string& url) {
        auto s = open_store(url, options_);
        EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message());
        return s ? std::move(*s) : nullptr;
    }

    // Calls `get` through both faces until neither is an outage, up to 5 s; true when that came.
    static bool recovers(store& s, const std::string& key) {
        const auto answered = [](const result<std::optional<session_record>>& r) { return r || r.error() != errc::store_unavailable; };
        const auto until = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < until) {
            if (answered(s.get(key)) && answered(async_get(s, key, boost::asio::use_future).get())) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    redis_server server_{acl_accounts};
    store_options options_;
};

TEST_F(redis_auth_test, the_default_user_password_authenticates) {
    auto s = open(server_.url_as("", acl_accounts.default_password, 2));
    ASSERT_NE(s, nullptr);
    const std::string key = key_of("a");
    ASSERT_TRUE(s->create(live_record(system_clock(), key)));
    EXPECT_TRUE(async_get(*s, key, boost::asio::use_future).get());
    // In database 2, as the URL said (the record and its user's index), none in database 0.
    EXPECT_GE(raw_redis(server_.port(), 2, acl_accounts.default_password).integer({"DBSIZE"}), 1);
    EXPECT_EQ(raw_redis(server_.port(), 0, acl_accounts.default_password).integer({"DBSIZE"}), 0);
}

TEST_F(redis_auth_test, every_reconnect_authenticates_again) {
    auto s = open(server_.url_as(acl_accounts.user, acl_accounts.user_password));
    ASSERT_NE(s, nullptr);
    const std::string key = key_of("b");
    ASSERT_TRUE(s->create(live_record(system_clock(), key)));
    ASSERT_TRUE(async_get(*s, key, boost::asio::use_future).get());
    // Every connection of the store is cut; the next calls connect, AUTH and SELECT again.
    raw_redis admin(server_.port(), 0, acl_accounts.default_password);
    ASSERT_GE(admin.integer({"CLIENT", "KILL", "USER", acl_accounts.user}), 1);
    EXPECT_TRUE(recovers(*s, key));
}

TEST_F(redis_auth_test, a_password_refused_at_open_fails_the_open) {
    // open_database goes through the same open_backend; the seshd test sees it end start-up.
    for (const std::string& url : {server_.url_as(acl_accounts.user, "not the password"), server_.url()}) {
        auto s = open_store(url, options_);
        ASSERT_FALSE(s) << url;
        EXPECT_EQ(s.error(), errc::access_denied) << url;
    }
}

TEST_F(redis_auth_test, a_password_refused_later_is_an_outage_that_ends_when_redis_accepts_it_again) {
    auto s = open(server_.url_as(acl_accounts.user, acl_accounts.user_password));
    ASSERT_NE(s, nullptr);
    const std::string key = key_of("c");
    ASSERT_TRUE(s->create(live_record(system_clock(), key)));
    ASSERT_TRUE(async_get(*s, key, boost::asio::use_future).get());
    // The operator rotates the password and cuts the connections: every reconnect is refused.
    raw_redis admin(server_.port(), 0, acl_accounts.default_password);
    ASSERT_EQ(admin.text({"ACL", "SETUSER", acl_accounts.user, "resetpass", ">rotated"}), "OK");
    ASSERT_GE(admin.integer({"CLIENT", "KILL", "USER", acl_accounts.user}), 1);
    for (int face = 0; face < 2; ++face) {
        const auto t0 = std::chrono::steady_clock::now();
        auto got = face == 0 ? s->get(key) : async_get(*s, key, boost::asio::use_future).get();
        ASSERT_FALSE(got) << "face " << face;
        EXPECT_EQ(got.error(), errc::store_unavailable);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, options_.timeout + 1s);  // no hang; margin for CI
    }
    // The old password is accepted again: the store gets in without a restart.
    ASSERT_EQ(admin.text({"ACL", "SETUSER", acl_accounts.user, ">" + acl_accounts.user_password}), "OK");
    EXPECT_TRUE(recovers(*s, key)) << "still refused after Redis accepted the password";
}

}  // namespace
}  // namespace sesh::test
