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

void user_store::start_find_by_email(std::string email, boost::asio::io_context*,
                                     store_callback<std::optional<user>> done) {
    done(find_by_email(email));
}

void user_store::start_find_account(std::string provider, std::string provider_account_id, boost::asio::io_context*,
                                    store_callback<std::optional<linked_account>> done) {
    done(find_account(provider, provider_account_id));
}

void user_store::start_link_account(linked_account a, boost::asio::io_context*, store_callback<void> done) {
    done(link_account(a));
}

void user_store::start_list_accounts(std::string user_id, boost::asio::io_context*,
                                     store_callback<std::vector<linked_account>> done) {
    done(list_accounts(user_id));
}

}  // namespace sesh
