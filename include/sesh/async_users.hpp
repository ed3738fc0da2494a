// The asynchronous face of sesh::user_store, in the universal model of <sesh/async_store.hpp>:
// each operation takes a completion token (use_awaitable, a callback, use_future).
//
//     auto u = co_await sesh::async_find_by_name(users, name, boost::asio::use_awaitable);
//     if (!u) co_return unavailable();            // u is a result<std::optional<user>>
//
// Every completion signature is `void(result<T>)`, T being what the blocking method returns.
// user_store::list has no asynchronous face; the account calls have one each.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <sesh/async_store.hpp>
#include <sesh/users.hpp>

namespace sesh {

/// user_store::find_by_name. Signature void(result<std::optional<user>>).
template <class CompletionToken>
auto async_find_by_name(user_store& s, std::string_view name, CompletionToken&& token) {
    return detail::async_store_operation<std::optional<user>>(
        std::forward<CompletionToken>(token), [&s, name = std::string(name)](boost::asio::io_context* loop, auto done) mutable {
            s.start_find_by_name(std::move(name), loop, std::move(done));
        });
}

/// user_store::find_by_id. Signature void(result<std::optional<user>>).
template <class CompletionToken>
auto async_find_by_id(user_store& s, std::string_view id, CompletionToken&& token) {
    return detail::async_store_operation<std::optional<user>>(
        std::forward<CompletionToken>(token), [&s, id = std::string(id)](boost::asio::io_context* loop, auto done) mutable {
            s.start_find_by_id(std::move(id), loop, std::move(done));
        });
}

/// user_store::create. Signature void(result<void>).
template <class CompletionToken>
auto async_create(user_store& s, user u, CompletionToken&& token) {
    return detail::async_store_operation<void>(std::forward<CompletionToken>(token),
                                               [&s, u = std::move(u)](boost::asio::io_context* loop, auto done) mutable {
                                                   s.start_create(std::move(u), loop, std::move(done));
                                               });
}

/// user_store::set_password. Signature void(result<void>).
template <class CompletionToken>
auto async_set_password(user_store& s, std::string_view id, std::string_view hash, clock::time_point changed,
                        CompletionToken&& token) {
    return detail::async_store_operation<void>(
        std::forward<CompletionToken>(token),
        [&s, id = std::string(id), hash = std::string(hash), changed](boost::asio::io_context* loop, auto done) mutable {
            s.start_set_password(std::move(id), std::move(hash), changed, loop, std::move(done));
        });
}

/// user_store::erase. Signature void(result<void>).
template <class CompletionToken>
auto async_erase(user_store& s, std::string_view id, CompletionToken&& token) {
    return detail::async_store_operation<void>(std::forward<CompletionToken>(token),
                                               [&s, id = std::string(id)](boost::asio::io_context* loop, auto done) mutable {
                                                   s.start_erase(std::move(id), loop, std::move(done));
                                               });
}

/// user_store::find_by_email. Signature void(result<std::optional<user>>).
template <class CompletionToken>
auto async_find_by_email(user_store& s, std::string_view email, CompletionToken&& token) {
    return detail::async_store_operation<std::optional<user>>(
        std::forward<CompletionToken>(token), [&s, email = std::string(email)](boost::asio::io_context* loop, auto done) mutable {
            s.start_find_by_email(std::move(email), loop, std::move(done));
        });
}

/// user_store::find_account. Signature void(result<std::optional<linked_account>>).
template <class CompletionToken>
auto async_find_account(user_store& s, std::string_view provider, std::string_view provider_account_id,
                        CompletionToken&& token) {
    return detail::async_store_operation<std::optional<linked_account>>(
        std::forward<CompletionToken>(token),
        [&s, provider = std::string(provider), pid = std::string(provider_account_id)](boost::asio::io_context* loop,
                                                                                        auto done) mutable {
            s.start_find_account(std::move(provider), std::move(pid), loop, std::move(done));
        });
}

/// user_store::link_account. Signature void(result<void>).
template <class CompletionToken>
auto async_link_account(user_store& s, linked_account a, CompletionToken&& token) {
    return detail::async_store_operation<void>(std::forward<CompletionToken>(token),
                                               [&s, a = std::move(a)](boost::asio::io_context* loop, auto done) mutable {
                                                   s.start_link_account(std::move(a), loop, std::move(done));
                                               });
}

/// user_store::list_accounts. Signature void(result<std::vector<linked_account>>).
template <class CompletionToken>
auto async_list_accounts(user_store& s, std::string_view user_id, CompletionToken&& token) {
    return detail::async_store_operation<std::vector<linked_account>>(
        std::forward<CompletionToken>(token), [&s, id = std::string(user_id)](boost::asio::io_context* loop, auto done) mutable {
            s.start_list_accounts(std::move(id), loop, std::move(done));
        });
}

}  // namespace sesh
