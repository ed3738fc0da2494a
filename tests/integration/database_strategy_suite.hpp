// The database strategy's tests, written once and run on every store that keeps Auth.js's
// `sessions` (PostgreSQL, SQLite): each backend gives a fresh database and a raw look at its
// tables; database_strategy_suite.cpp holds the tests.
#pragma once

#include <sesh/clock.hpp>
#include <sesh/database.hpp>
#include <sesh/session_manager.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace sesh::test {

/// One database of one backend, and SQL of its own dialect run on it from outside the store.
class database_strategy_backend {
public:
    virtual ~database_strategy_backend() = default;
    /// A fresh, empty database on `clk` (purge off); nothing when its server is unavailable.
    virtual std::optional<database> open(const sesh::clock& clk) = 0;
    /// The "userId" of the row holding `token`, as text ("" for none).
    virtual std::string user_of_token(const std::string& token) = 0;
    /// The `expires` of the only `sessions` row, in Unix milliseconds.
    virtual std::int64_t expires_ms() = 0;
    /// How many rows `table` holds.
    virtual std::int64_t count(const std::string& table) = 0;
    /// A next-auth app's deleteSession of the row holding `token` (sesh's extras stay).
    virtual void delete_token(const std::string& token) = 0;
    /// A row for `user_id` that expired in 2020, token `abandoned`, with no extras.
    virtual void insert_abandoned(const std::string& user_id) = 0;
};

/// Makes the backend a test runs on; named by the instantiation.
using database_strategy_backend_factory = std::function<std::unique_ptr<database_strategy_backend>()>;

class database_strategy_test : public ::testing::TestWithParam<database_strategy_backend_factory> {
protected:
    void SetUp() override;

    [[nodiscard]] session_options options();
    [[nodiscard]] session_manager make();

    manual_clock clk_{std::chrono::system_clock::time_point{std::chrono::seconds(1'700'000'000)}};
    std::unique_ptr<database_strategy_backend> backend_;
    std::optional<database> db_;
    std::string user_id_;
};

}  // namespace sesh::test
