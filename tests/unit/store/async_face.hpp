// The store conformance suite over a backend's asynchronous face: a store whose blocking methods
// each start the matching async_* operation of <sesh/async_store.hpp> and wait for its future,
// so every conformance test also runs through start_* of the backend under test.
#pragma once

#include <sesh/async_store.hpp>

#include <boost/asio/use_future.hpp>

#include "unit/store/conformance.hpp"

namespace sesh::test {

/// `inner` seen only through async_*; purge_expired (which has no async face) is passed through.
class async_face final : public store {
public:
    explicit async_face(std::unique_ptr<store> inner) : inner_(std::move(inner)) {}

    result<std::optional<session_record>> get(std::string_view key) override {
        return async_get(*inner_, key, use_future).get();
    }
    result<void> create(const session_record& r) override { return async_create(*inner_, r, use_future).get(); }
    result<void> update(const session_record& r) override { return async_update(*inner_, r, use_future).get(); }
    result<bool> touch(std::string_view key, clock::time_point last_seen, clock::time_point idle_expires) override {
        return async_touch(*inner_, key, last_seen, idle_expires, use_future).get();
    }
    result<void> erase(std::string_view key) override { return async_erase(*inner_, key, use_future).get(); }
    result<std::vector<session_record>> list_user(std::string_view user_id) override {
        return async_list_user(*inner_, user_id, use_future).get();
    }
    result<std::size_t> erase_user(std::string_view user_id, std::string_view keep) override {
        return async_erase_user(*inner_, user_id, keep, use_future).get();
    }
    result<void> deny(std::string_view jti, clock::time_point until) override {
        return async_deny(*inner_, jti, until, use_future).get();
    }
    result<void> set_not_before(std::string_view user_id, clock::time_point t) override {
        return async_set_not_before(*inner_, user_id, t, use_future).get();
    }
    result<bool> revoked(std::string_view jti, std::string_view user_id, clock::time_point issued_at) override {
        return async_revoked(*inner_, jti, user_id, issued_at, use_future).get();
    }
    result<std::size_t> purge_expired(std::size_t max) override { return inner_->purge_expired(max); }

private:
    static constexpr auto& use_future = boost::asio::use_future;
    std::unique_ptr<store> inner_;
};

/// The same backend as `f`, through its asynchronous face; named `<name>_async` in test ids.
inline store_factory async_face_of(store_factory f) {
    auto make = f.make;
    return store_factory{f.name + "_async", [make](const store_options& o) -> std::unique_ptr<store> {
                             return std::make_unique<async_face>(make(o));
                         }};
}

}  // namespace sesh::test
