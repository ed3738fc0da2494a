// The user store contract, run against every backend: memory here, SQLite and Redis in the
// integration tests.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <sesh/error.hpp>
#include <sesh/users.hpp>

namespace sesh::test {

struct user_store_factory {
    std::string name;
    std::function<std::unique_ptr<user_store>()> make;
    /// The store gives each account an id of its own (PostgreSQL: the `users` row's) instead of
    /// keeping user::id: the tests read it back by name.
    bool assigns_ids = false;
};

inline std::ostream& operator<<(std::ostream& os, const user_store_factory& f) { return os << f.name; }

class user_store_conformance : public ::testing::TestWithParam<user_store_factory> {
protected:
    void SetUp() override {
        store_ = GetParam().make();
        if (!store_) GTEST_SKIP() << "backend unavailable";
    }
    static user make_user(std::string name) {
        const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
        return user{make_user_id(), std::move(name), "", "$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA", now, now};
    }
    /// Creates `u` and sets its id to the one the store keeps (read back by name).
    void create_stored(user& u) {
        ASSERT_TRUE(store_->create(u));
        auto got = store_->find_by_name(u.name);
        ASSERT_TRUE(got && *got);
        if (!GetParam().assigns_ids) {
            ASSERT_EQ((*got)->id, u.id);
        }
        u.id = (*got)->id;
    }
    std::unique_ptr<user_store> store_;
};

}  // namespace sesh::test
