// The default asynchronous primitives of sesh::store: the blocking call, on the calling thread.
// Right for a backend that never waits (memory); the SQLite and Redis backends override them.
#include <sesh/store.hpp>

namespace sesh {

void store::start_get(std::string key, boost::asio::io_context*, store_callback<std::optional<session_record>> done) {
    done(get(key));
}

void store::start_create(session_record r, boost::asio::io_context*, store_callback<void> done) {
    done(create(r));
}

void store::start_update(session_record r, boost::asio::io_context*, store_callback<void> done) {
    done(update(r));
}

void store::start_touch(std::string key, clock::time_point last_seen, clock::time_point idle_expires,
                        boost::asio::io_context*, store_callback<bool> done) {
    done(touch(key, last_seen, idle_expires));
}

void store::start_erase(std::string key, boost::asio::io_context*, store_callback<void> done) {
    done(erase(key));
}

void store::start_list_user(std::string user_id, boost::asio::io_context*,
                            store_callback<std::vector<session_record>> done) {
    done(list_user(user_id));
}

void store::start_erase_user(std::string user_id, std::string keep, boost::asio::io_context*,
                             store_callback<std::size_t> done) {
    done(erase_user(user_id, keep));
}

void store::start_deny(std::string jti, clock::time_point until, boost::asio::io_context*, store_callback<void> done) {
    done(deny(jti, until));
}

void store::start_set_not_before(std::string user_id, clock::time_point t, boost::asio::io_context*,
                                 store_callback<void> done) {
    done(set_not_before(user_id, t));
}

void store::start_revoked(std::string jti, std::string user_id, clock::time_point issued_at,
                          boost::asio::io_context*, store_callback<bool> done) {
    done(revoked(jti, user_id, issued_at));
}

}  // namespace sesh
