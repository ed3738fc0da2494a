// The store conformance suite's fixture: every backend instantiates `store_conformance` with a
// factory, and the tests in conformance_test.cpp run against each.
#pragma once

#include <sesh/opaque_token.hpp>
#include <sesh/store.hpp>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

namespace sesh::test {

/// Builds a fresh, empty store of one backend with the given options.
struct store_factory {
    std::string name;  ///< the backend, for test names: memory, sqlite, redis
    std::function<std::unique_ptr<store>(const store_options&)> make;
};

/// Prints a factory as its name in gtest messages (instead of its bytes).
inline void PrintTo(const store_factory& f, std::ostream* os) { *os << f.name; }

/// Prints a factory's name as the parameter name in test ids.
struct store_factory_name {
    std::string operator()(const ::testing::TestParamInfo<store_factory>& info) const { return info.param.name; }
};

/// A live record: user `user`, data `data`, idle 30 min, absolute 1 day, from `c.now()`.
inline session_record live_record(const clock& c, std::string key, std::string user = "u1",
                                  std::string data = R"({"n":1})") {
    session_record r;
    r.key = std::move(key);
    r.user_id = std::move(user);
    r.data = std::move(data);
    r.created = r.last_seen = c.now();
    r.idle_expires = r.created + std::chrono::minutes(30);
    r.absolute_expires = r.created + std::chrono::hours(24);
    r.address = "127.0.0.1";
    r.user_agent = "conformance/1.0";
    return r;
}

/// A store from GetParam() over a manual clock that starts at the real time (so backends with
/// real TTLs, like Redis, agree with it until a test moves it).
class store_conformance : public ::testing::TestWithParam<store_factory> {
protected:
    void SetUp() override {
        options_.clock = &clock_;
        store_ = GetParam().make(options_);
        ASSERT_NE(store_, nullptr);
    }

    /// live_record(clock_, …).
    session_record record(std::string key, std::string user = "u1", std::string data = R"({"n":1})") const {
        return live_record(clock_, std::move(key), std::move(user), std::move(data));
    }

    manual_clock clock_;
    store_options options_;
    std::unique_ptr<store> store_;
};

/// A store key shaped like the real ones (64 hex characters), distinct per name.
inline std::string key_of(std::string_view name) { return opaque_token_store_key(name); }

}  // namespace sesh::test
