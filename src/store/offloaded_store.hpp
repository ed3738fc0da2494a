// A store whose calls wait on a disk: its asynchronous face runs the blocking calls on the
// store's own few threads, so an event loop that awaits them never waits itself.
#pragma once

#include <cstddef>

#include <boost/asio/thread_pool.hpp>

#include <sesh/store.hpp>

namespace sesh::detail {

/// Base of a backend with blocking calls and no event loop of its own (SQLite). Every start_*
/// posts its blocking namesake to `threads` workers; callers awaiting at once share them, so
/// concurrent reads run in parallel on the backend's readers and concurrent writes meet in its
/// group commit. Thread-safe.
class offloaded_store : public store {
public:
    /// `threads` workers (0 is taken as 1).
    explicit offloaded_store(std::size_t threads);
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
    /// Runs every call already started to its end and stops the workers. Idempotent.
    void drain();

private:
    template <class F>
    void offload(F f);
    boost::asio::thread_pool workers_;
};

}  // namespace sesh::detail
