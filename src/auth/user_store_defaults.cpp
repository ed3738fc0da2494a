// The default asynchronous primitives of sesh::user_store: the blocking call, on the calling
// thread. Right for a backend that never waits (memory); the SQLite and Redis backends override them.
#include <sesh/users.hpp>

namespace sesh {

void user_store::start_find_by_name(std::string name, boost::asio::io_context*,
                                    store_callback<std::optional<user>> done) {
    done(find_by_name(name));
}

void user_store::start_find_by_id(std::string id, boost::asio::io_context*, store_callback<std::optional<user>> done) {
    done(find_by_id(id));
}

void user_store::start_create(user u, boost::asio::io_context*, store_callback<void> done) { done(create(u)); }

void user_store::start_set_password(std::string id, std::string hash, clock::time_point changed,
                                    boost::asio::io_context*, store_callback<void> done) {
    done(set_password(id, hash, changed));
}

void user_store::start_erase(std::string id, boost::asio::io_context*, store_callback<void> done) { done(erase(id)); }

}  // namespace sesh
