// The asynchronous face of sesh::login_throttle, in the universal model of <sesh/async_store.hpp>:
// each operation takes a completion token (use_awaitable, a callback, use_future). The throttle
// must outlive every operation started on it.
//
//     auto wait = co_await sesh::async_check(throttle, name, address, boost::asio::use_awaitable);
//     if (!wait) co_return unavailable();        // the counts could not be read: refuse, 503
//     if (wait->count() > 0) co_return throttled(*wait);
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include <sesh/async_store.hpp>
#include <sesh/login_throttle.hpp>

namespace sesh {

/// login_throttle::check. Signature void(result<std::chrono::milliseconds>).
template <class CompletionToken>
auto async_check(const login_throttle& t, std::string_view account, std::string_view address, CompletionToken&& token) {
    return detail::async_store_operation<std::chrono::milliseconds>(
        std::forward<CompletionToken>(token),
        [&t, account = std::string(account), address = std::string(address)](boost::asio::io_context* loop, auto done) mutable {
            t.start_check(std::move(account), std::move(address), loop, std::move(done));
        });
}

/// login_throttle::record_failure, with the store's failure as a value. Signature void(result<void>).
template <class CompletionToken>
auto async_record_failure(login_throttle& t, std::string_view account, std::string_view address, CompletionToken&& token) {
    return detail::async_store_operation<void>(
        std::forward<CompletionToken>(token),
        [&t, account = std::string(account), address = std::string(address)](boost::asio::io_context* loop, auto done) mutable {
            t.start_record_failure(std::move(account), std::move(address), loop, std::move(done));
        });
}

/// login_throttle::record_success, with the store's failure as a value. Signature void(result<void>).
template <class CompletionToken>
auto async_record_success(login_throttle& t, std::string_view account, std::string_view address, CompletionToken&& token) {
    return detail::async_store_operation<void>(
        std::forward<CompletionToken>(token),
        [&t, account = std::string(account), address = std::string(address)](boost::asio::io_context* loop, auto done) mutable {
            t.start_record_success(std::move(account), std::move(address), loop, std::move(done));
        });
}

}  // namespace sesh
