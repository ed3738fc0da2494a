// offloaded_store: the asynchronous face of a blocking backend, on its database's worker threads.
#include "store/offloaded_store.hpp"

#include <utility>

namespace sesh::detail {

offloaded_store::offloaded_store(std::shared_ptr<boost::asio::thread_pool> workers) noexcept
    : calls_(std::move(workers)) {}

offloaded_store::~offloaded_store() { drain(); }

// Every posted call finishes, so each caller gets its answer.
void offloaded_store::drain() { calls_.drain(); }

template <class F>
void offloaded_store::offload(F f) {
    calls_.post(std::move(f));
}

void offloaded_store::start_get(std::string key, boost::asio::io_context*,
                                store_callback<std::optional<session_record>> done) {
    offload([this, key = std::move(key), done = std::move(done)] { done(get(key)); });
}

void offloaded_store::start_create(session_record r, boost::asio::io_context*, store_callback<void> done) {
    offload([this, r = std::move(r), done = std::move(done)] { done(create(r)); });
}

void offloaded_store::start_update(session_record r, boost::asio::io_context*, store_callback<void> done) {
    offload([this, r = std::move(r), done = std::move(done)] { done(update(r)); });
}

void offloaded_store::start_touch(std::string key, clock::time_point last_seen, clock::time_point idle_expires,
                                  boost::asio::io_context*, store_callback<bool> done) {
    offload([this, key = std::move(key), last_seen, idle_expires, done = std::move(done)] {
        done(touch(key, last_seen, idle_expires));
    });
}

void offloaded_store::start_erase(std::string key, boost::asio::io_context*, store_callback<void> done) {
    offload([this, key = std::move(key), done = std::move(done)] { done(erase(key)); });
}

void offloaded_store::start_list_user(std::string user_id, boost::asio::io_context*,
                                      store_callback<std::vector<session_record>> done) {
    offload([this, user_id = std::move(user_id), done = std::move(done)] { done(list_user(user_id)); });
}

void offloaded_store::start_erase_user(std::string user_id, std::string keep, boost::asio::io_context*,
                                       store_callback<std::size_t> done) {
    offload([this, user_id = std::move(user_id), keep = std::move(keep), done = std::move(done)] {
        done(erase_user(user_id, keep));
    });
}

void offloaded_store::start_deny(std::string jti, clock::time_point until, boost::asio::io_context*,
                                 store_callback<void> done) {
    offload([this, jti = std::move(jti), until, done = std::move(done)] { done(deny(jti, until)); });
}

void offloaded_store::start_set_not_before(std::string user_id, clock::time_point t, boost::asio::io_context*,
                                           store_callback<void> done) {
    offload([this, user_id = std::move(user_id), t, done = std::move(done)] { done(set_not_before(user_id, t)); });
}

void offloaded_store::start_revoked(std::string jti, std::string user_id, clock::time_point issued_at,
                                    boost::asio::io_context*, store_callback<bool> done) {
    offload([this, jti = std::move(jti), user_id = std::move(user_id), issued_at, done = std::move(done)] {
        done(revoked(jti, user_id, issued_at));
    });
}

}  // namespace sesh::detail
