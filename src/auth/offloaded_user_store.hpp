// A user store whose calls wait on a database connection (SQLite, PostgreSQL): its asynchronous
// face runs the blocking calls on the database's worker threads, as offloaded_store does for
// sessions, so an event loop that awaits them never waits itself.
#pragma once

#include <memory>

#include <boost/asio/thread_pool.hpp>

#include <sesh/users.hpp>

#include "store/offloaded_calls.hpp"

namespace sesh::detail {

/// Base of a user store with blocking calls and no event loop of its own. Every start_* posts
/// its blocking namesake to `workers`, shared with the session store over the same database.
class offloaded_user_store : public user_store {
public:
    /// Calls run on `workers` (not null).
    explicit offloaded_user_store(std::shared_ptr<boost::asio::thread_pool> workers) noexcept
        : calls_(std::move(workers)) {}
    /// The derived destructor must call drain() first: the workers use the derived object.
    ~offloaded_user_store() override { drain(); }

    void start_find_by_name(std::string name, boost::asio::io_context* loop,
                            store_callback<std::optional<user>> done) override;
    void start_find_by_id(std::string id, boost::asio::io_context* loop, store_callback<std::optional<user>> done) override;
    void start_create(user u, boost::asio::io_context* loop, store_callback<void> done) override;
    void start_set_password(std::string id, std::string hash, clock::time_point changed, boost::asio::io_context* loop,
                            store_callback<void> done) override;
    void start_erase(std::string id, boost::asio::io_context* loop, store_callback<void> done) override;
    void start_find_by_email(std::string email, boost::asio::io_context* loop,
                             store_callback<std::optional<user>> done) override;
    void start_find_account(std::string provider, std::string provider_account_id, boost::asio::io_context* loop,
                            store_callback<std::optional<linked_account>> done) override;
    void start_link_account(linked_account a, boost::asio::io_context* loop, store_callback<void> done) override;
    void start_list_accounts(std::string user_id, boost::asio::io_context* loop,
                             store_callback<std::vector<linked_account>> done) override;

protected:
    /// Waits for every call started; every caller gets its answer.
    void drain() { calls_.drain(); }

private:
    offloaded_calls calls_;
};

}  // namespace sesh::detail
