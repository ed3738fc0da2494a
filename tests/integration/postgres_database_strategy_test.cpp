// The database strategy's suite (database_strategy_suite.cpp) on a real PostgreSQL 15.
#include "integration/database_strategy_suite.hpp"

#include <sesh/store.hpp>

#include <cstdlib>

#include "integration/postgres_server.hpp"

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

postgres_server& strategy_server() {
    static postgres_server server;
    return server;
}

// A database of its own per test on the one server; what it holds, by PostgreSQL's SQL.
class postgres_strategy_backend final : public database_strategy_backend {
public:
    std::optional<database> open(const sesh::clock& clk) override {
        static int databases = 0;
        auto& server = strategy_server();
        if (!server.running() && !server.start()) return std::nullopt;
        name_ = "strategy_" + std::to_string(++databases);
        raw_postgres raw(server.port());
        if (!raw.exec("CREATE DATABASE " + name_)) return std::nullopt;
        store_options so;
        so.clock = &clk;
        so.timeout = 5s;
        so.purge_batch = 0;
        auto d = open_database(server.url(name_), so);
        if (!d) ADD_FAILURE() << d.error().message();
        return d ? std::optional<database>(std::move(*d)) : std::nullopt;
    }
    std::string user_of_token(const std::string& token) override {
        return sql().value("SELECT \"userId\"::text FROM sessions WHERE \"sessionToken\" = '" + token + "'");
    }
    std::int64_t expires_ms() override {
        return std::strtoll(sql().value("SELECT round(extract(epoch FROM expires) * 1000)::bigint FROM sessions").c_str(),
                            nullptr, 10);
    }
    std::int64_t count(const std::string& table) override {
        return std::strtoll(sql().value("SELECT count(*) FROM " + table).c_str(), nullptr, 10);
    }
    void delete_token(const std::string& token) override {
        EXPECT_TRUE(sql().exec("DELETE FROM sessions WHERE \"sessionToken\" = '" + token + "'"));
    }
    void insert_abandoned(const std::string& user_id) override {
        EXPECT_TRUE(sql().exec("INSERT INTO sessions (\"userId\", expires, \"sessionToken\") VALUES (" + user_id +
                               ", to_timestamp(1600000000), 'abandoned')"));
    }

private:
    raw_postgres sql() { return raw_postgres(strategy_server().port(), name_); }
    std::string name_;
};

INSTANTIATE_TEST_SUITE_P(postgres, database_strategy_test,
                         ::testing::Values(database_strategy_backend_factory(
                             [] { return std::make_unique<postgres_strategy_backend>(); })));

}  // namespace
}  // namespace sesh::test
