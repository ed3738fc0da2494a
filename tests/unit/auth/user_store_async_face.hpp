// The user store conformance suite over a backend's asynchronous face: a user store whose
// blocking methods each start the matching async_* operation of <sesh/async_users.hpp> and wait
// for its future, so every conformance test also runs through start_* of the backend under test.
#pragma once

#include <sesh/async_users.hpp>

#include <boost/asio/use_future.hpp>

#include "unit/auth/user_store_conformance.hpp"

namespace sesh::test {

/// `inner` seen only through async_*; list (which has no async face) is passed through.
class async_user_face final : public user_store {
public:
    explicit async_user_face(std::unique_ptr<user_store> inner) : inner_(std::move(inner)) {}

    result<std::optional<user>> find_by_name(std::string_view name) override {
        return async_find_by_name(*inner_, name, use_future).get();
    }
    result<std::optional<user>> find_by_id(std::string_view id) override {
        return async_find_by_id(*inner_, id, use_future).get();
    }
    result<void> create(const user& u) override { return async_create(*inner_, u, use_future).get(); }
    result<void> set_password(std::string_view id, std::string_view hash, clock::time_point changed) override {
        return async_set_password(*inner_, id, hash, changed, use_future).get();
    }
    result<void> erase(std::string_view id) override { return async_erase(*inner_, id, use_future).get(); }
    result<std::vector<user>> list() override { return inner_->list(); }
    result<std::optional<user>> find_by_email(std::string_view email) override {
        return async_find_by_email(*inner_, email, use_future).get();
    }
    result<std::optional<linked_account>> find_account(std::string_view provider, std::string_view pid) override {
        return async_find_account(*inner_, provider, pid, use_future).get();
    }
    result<void> link_account(const linked_account& a) override { return async_link_account(*inner_, a, use_future).get(); }
    result<std::vector<linked_account>> list_accounts(std::string_view user_id) override {
        return async_list_accounts(*inner_, user_id, use_future).get();
    }

private:
    static constexpr auto& use_future = boost::asio::use_future;
    std::unique_ptr<user_store> inner_;
};

/// The same backend as `f`, through its asynchronous face; named `<name>_async` in test ids.
inline user_store_factory async_face_of(user_store_factory f) {
    auto make = f.make;
    return user_store_factory{f.name + "_async", [make]() -> std::unique_ptr<user_store> {
                                  auto inner = make();
                                  return inner ? std::make_unique<async_user_face>(std::move(inner)) : nullptr;
                              },
                              f.assigns_ids};
}

}  // namespace sesh::test
