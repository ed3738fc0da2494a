// The two ways the session manager's steps reach the store, so that each step is written once as
// a coroutine template and serves both faces: blocking_io (session_manager::load, save, destroy)
// and async_io (async_load, async_save, async_destroy, awaited on an event loop). Internal.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sesh/async_store.hpp>
#include <sesh/store.hpp>

namespace sesh::detail {

/// A coroutine that runs to its end as soon as it is called, for bodies whose every co_await is
/// ready at once (blocking_io's): get() then returns what it co_returned.
template <class T>
class sync_task {
public:
    struct promise_type {
        std::optional<T> value;
        std::exception_ptr error;
        sync_task get_return_object() { return sync_task(std::coroutine_handle<promise_type>::from_promise(*this)); }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }  // kept for get()
        template <class U>
        void return_value(U&& u) {
            value.emplace(std::forward<U>(u));
        }
        void unhandled_exception() noexcept { error = std::current_exception(); }
    };
    sync_task(sync_task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
    sync_task& operator=(sync_task&&) = delete;
    ~sync_task() {
        if (h_) h_.destroy();
    }
    /// Awaited by another sync_task body: already finished, so ready.
    bool await_ready() const noexcept { return true; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    T await_resume() { return get(); }

    /// The body's result; rethrows what it threw.
    T get() {
        auto& p = h_.promise();
        if (p.error) std::rethrow_exception(p.error);
        return std::move(*p.value);
    }

private:
    explicit sync_task(std::coroutine_handle<promise_type> h) noexcept : h_(h) {}
    std::coroutine_handle<promise_type> h_;
};

/// An awaiter that already holds its value: what a blocking call gives a coroutine body.
template <class T>
struct ready {
    T value;
    bool await_ready() const noexcept { return true; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    T await_resume() { return std::move(value); }
};

/// The store's blocking face: each call returns when the store has answered.
struct blocking_io {
    template <class T>
    using task = sync_task<T>;
    static ready<result<std::optional<session_record>>> get(store& s, std::string_view key) { return {s.get(key)}; }
    static ready<result<void>> create(store& s, const session_record& r) { return {s.create(r)}; }
    static ready<result<void>> update(store& s, const session_record& r) { return {s.update(r)}; }
    static ready<result<bool>> touch(store& s, std::string_view key, clock::time_point seen, clock::time_point idle) {
        return {s.touch(key, seen, idle)};
    }
    static ready<result<void>> erase(store& s, std::string_view key) { return {s.erase(key)}; }
    static ready<result<void>> deny(store& s, std::string_view jti, clock::time_point until) {
        return {s.deny(jti, until)};
    }
    static ready<result<bool>> revoked(store& s, std::string_view jti, std::string_view user, clock::time_point iat) {
        return {s.revoked(jti, user, iat)};
    }
    static ready<result<std::vector<session_record>>> list_user(store& s, std::string_view user) {
        return {s.list_user(user)};
    }
    static ready<result<std::size_t>> erase_user(store& s, std::string_view user, std::string_view keep) {
        return {s.erase_user(user, keep)};
    }
    static ready<result<void>> set_not_before(store& s, std::string_view user, clock::time_point t) {
        return {s.set_not_before(user, t)};
    }
};

/// The store's asynchronous face: each call suspends the coroutine until the store answers.
struct async_io {
    template <class T>
    using task = boost::asio::awaitable<T>;
    static auto get(store& s, std::string_view key) { return async_get(s, key, boost::asio::use_awaitable); }
    static auto create(store& s, const session_record& r) { return async_create(s, r, boost::asio::use_awaitable); }
    static auto update(store& s, const session_record& r) { return async_update(s, r, boost::asio::use_awaitable); }
    static auto touch(store& s, std::string_view key, clock::time_point seen, clock::time_point idle) {
        return async_touch(s, key, seen, idle, boost::asio::use_awaitable);
    }
    static auto erase(store& s, std::string_view key) { return async_erase(s, key, boost::asio::use_awaitable); }
    static auto deny(store& s, std::string_view jti, clock::time_point until) {
        return async_deny(s, jti, until, boost::asio::use_awaitable);
    }
    static auto revoked(store& s, std::string_view jti, std::string_view user, clock::time_point iat) {
        return async_revoked(s, jti, user, iat, boost::asio::use_awaitable);
    }
    static auto list_user(store& s, std::string_view user) { return async_list_user(s, user, boost::asio::use_awaitable); }
    static auto erase_user(store& s, std::string_view user, std::string_view keep) {
        return async_erase_user(s, user, keep, boost::asio::use_awaitable);
    }
    static auto set_not_before(store& s, std::string_view user, clock::time_point t) {
        return async_set_not_before(s, user, t, boost::asio::use_awaitable);
    }
};

}  // namespace sesh::detail
