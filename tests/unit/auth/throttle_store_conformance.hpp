// The login throttle's policy over every place its counts can live: memory here, SQLite and
// Redis in the integration tests, each through the blocking and the asynchronous face; and the
// cluster property, two nodes over one database counting as one.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <sesh/async_throttle.hpp>
#include <sesh/login_throttle.hpp>

namespace sesh::test {

/// A backend under test: `open_database` gives a fresh database and returns a function that opens
/// one more node's counts over it (as another process on the same URL would).
struct throttle_backend {
    std::string name;
    std::function<std::function<std::shared_ptr<throttle_store>()>()> open_database;
    bool async = false;  ///< go through <sesh/async_throttle.hpp> rather than the blocking face
};

inline std::ostream& operator<<(std::ostream& os, const throttle_backend& b) { return os << b.name; }

/// `b` through its asynchronous face; named `<name>_async` in test ids.
inline throttle_backend async_face_of(throttle_backend b) {
    b.name += "_async";
    b.async = true;
    return b;
}

class throttle_conformance : public ::testing::TestWithParam<throttle_backend> {
protected:
    void SetUp() override {
        node_ = GetParam().open_database();
        if (!node_) GTEST_SKIP() << "backend unavailable";
    }

    /// A throttle (one node) over the test's database, on the test's clock.
    std::unique_ptr<login_throttle> node(throttle_options o = {}) {
        o.clock = &clock_;
        return std::make_unique<login_throttle>(node_(), o);
    }

    std::chrono::milliseconds wait(const login_throttle& t, std::string_view account, std::string_view address) {
        auto r = GetParam().async ? async_check(t, account, address, boost::asio::use_future).get() : t.check(account, address);
        EXPECT_TRUE(r) << r.error().message();
        return r.value_or(std::chrono::milliseconds(-1));
    }
    void fail(login_throttle& t, std::string_view account, std::string_view address) {
        if (GetParam().async)
            EXPECT_TRUE(async_record_failure(t, account, address, boost::asio::use_future).get());
        else
            t.record_failure(account, address);
    }
    void succeed(login_throttle& t, std::string_view account, std::string_view address) {
        if (GetParam().async)
            EXPECT_TRUE(async_record_success(t, account, address, boost::asio::use_future).get());
        else
            t.record_success(account, address);
    }

    // Whole milliseconds: SQLite and Redis keep failures to the millisecond.
    manual_clock clock_{std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now())};
    std::function<std::shared_ptr<throttle_store>()> node_;
};

}  // namespace sesh::test
