// A store whose calls wait on a disk: its asynchronous face runs the blocking calls on its
// database's few worker threads, so an event loop that awaits them never waits itself.
#pragma once

#include <memory>

#include <boost/asio/thread_pool.hpp>

#include <sesh/store.hpp>

#include "store/offloaded_calls.hpp"

namespace sesh::detail {

/// Base of a backend with blocking calls and no event loop of its own (SQLite). Every start_*
/// posts its blocking namesake to the database's workers; callers awaiting at once share them
/// (with the user store over the same database), so concurrent reads run in parallel on the
/// backend's readers and concurrent writes meet in its group commit. Thread-safe.
class offloaded_store : public store {
public:
    /// Calls run on `workers` (not null).
    explicit offloaded_store(std::shared_ptr<boost::asio::thread_pool> workers) noexcept;
    /// The derived destructor must call drain() first: the workers use the derived object.
    ~offloaded_store() override;

    void start_get(std::string key, boost::asio::io_context* loop,
                   store_callback<std::optional<session_record>> done) override;
    void start_create(session_record r, boost::asio::io_context* loop, store_callback<void> done) override;
    void start_update(session_record r, boost::asio::io_context* loop, store_callback<void> done) override;
    void start_touch(std::string key, clock::time_point last_seen, clock::time_point idle_expires,
                     boost::asio::io_context* loop, store_callback<bool> done) override;
    void start_erase(std::string key, boost::asio::io_context* loop, store_callback<void> done) override;
    void start_list_user(std::string user_id, boost::asio::io_context* loop,
                         store_callback<std::vector<session_record>> done) override;
    void start_erase_user(std::string user_id, std::string keep, boost::asio::io_context* loop,
                          store_callback<std::size_t> done) override;
    void start_deny(std::string jti, clock::time_point until, boost::asio::io_context* loop,
                    store_callback<void> done) override;
    void start_set_not_before(std::string user_id, clock::time_point t, boost::asio::io_context* loop,
                              store_callback<void> done) override;
    void start_revoked(std::string jti, std::string user_id, clock::time_point issued_at,
                       boost::asio::io_context* loop, store_callback<bool> done) override;

protected:
    /// Waits for every call this store started to end. Idempotent.
    void drain();

private:
    template <class F>
    void offload(F f);
    offloaded_calls calls_;
};

}  // namespace sesh::detail
