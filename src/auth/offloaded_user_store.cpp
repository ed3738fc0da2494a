// offloaded_user_store: the asynchronous face of a blocking user store, on its database's workers.
#include "auth/offloaded_user_store.hpp"

#include <utility>

namespace sesh::detail {

void offloaded_user_store::start_find_by_name(std::string name, boost::asio::io_context*,
                                              store_callback<std::optional<user>> done) {
    calls_.post([this, name = std::move(name), done = std::move(done)] { done(find_by_name(name)); });
}

void offloaded_user_store::start_find_by_id(std::string id, boost::asio::io_context*,
                                            store_callback<std::optional<user>> done) {
    calls_.post([this, id = std::move(id), done = std::move(done)] { done(find_by_id(id)); });
}

void offloaded_user_store::start_create(user u, boost::asio::io_context*, store_callback<void> done) {
    calls_.post([this, u = std::move(u), done = std::move(done)] { done(create(u)); });
}

void offloaded_user_store::start_set_password(std::string id, std::string hash, clock::time_point changed,
                                              boost::asio::io_context*, store_callback<void> done) {
    calls_.post([this, id = std::move(id), hash = std::move(hash), changed, done = std::move(done)] {
        done(set_password(id, hash, changed));
    });
}

void offloaded_user_store::start_erase(std::string id, boost::asio::io_context*, store_callback<void> done) {
    calls_.post([this, id = std::move(id), done = std::move(done)] { done(erase(id)); });
}

void offloaded_user_store::start_find_by_email(std::string email, boost::asio::io_context*,
                                               store_callback<std::optional<user>> done) {
    calls_.post([this, email = std::move(email), done = std::move(done)] { done(find_by_email(email)); });
}

void offloaded_user_store::start_find_account(std::string provider, std::string provider_account_id,
                                              boost::asio::io_context*,
                                              store_callback<std::optional<linked_account>> done) {
    calls_.post([this, provider = std::move(provider), pid = std::move(provider_account_id), done = std::move(done)] {
        done(find_account(provider, pid));
    });
}

void offloaded_user_store::start_link_account(linked_account a, boost::asio::io_context*, store_callback<void> done) {
    calls_.post([this, a = std::move(a), done = std::move(done)] { done(link_account(a)); });
}

void offloaded_user_store::start_list_accounts(std::string user_id, boost::asio::io_context*,
                                               store_callback<std::vector<linked_account>> done) {
    calls_.post([this, id = std::move(user_id), done = std::move(done)] { done(list_accounts(id)); });
}

}  // namespace sesh::detail
