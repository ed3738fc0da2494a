// The default asynchronous primitives of sesh::throttle_store: the blocking call, on the calling
// thread. Right for a backend that never waits (memory); the SQLite and Redis backends override them.
#include <sesh/throttle_store.hpp>

namespace sesh {

void throttle_store::start_load(std::string account, std::string address, clock::time_point now,
                                boost::asio::io_context*, store_callback<throttle_failures> done) {
    done(load(account, address, now));
}

void throttle_store::start_add_failure(std::string account, std::string address, clock::time_point now,
                                       throttle_keep keep, boost::asio::io_context*, store_callback<void> done) {
    done(add_failure(account, address, now, keep));
}

void throttle_store::start_clear_pair(std::string account, std::string address, boost::asio::io_context*,
                                      store_callback<void> done) {
    done(clear_pair(account, address));
}

}  // namespace sesh
