// The asynchronous face of sesh::store, in Asio's universal model: each operation takes a
// completion token, so a caller awaits it in a coroutine (`use_awaitable`), passes a callback,
// or gets a std::future (`use_future`), as with Beast's and Boost.Redis's async_* functions.
//
//     auto rec = co_await sesh::async_get(store, key, boost::asio::use_awaitable);
//     if (!rec) co_return unavailable();          // rec is a result<std::optional<session_record>>
//
// Every completion signature is `void(result<T>)`, T being what the blocking method returns:
// a failure is a value to look at, never an exception thrown into the coroutine.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/strand.hpp>

#include <sesh/store.hpp>

namespace sesh {
namespace detail {

/// The io_context an executor runs on (itself, a strand of it, or either inside an
/// any_io_executor), or null for any other executor.
template <class Executor>
boost::asio::io_context* io_context_of(const Executor& ex) noexcept {
    using io_executor = boost::asio::io_context::executor_type;
    using io_strand = boost::asio::strand<io_executor>;
    if constexpr (std::is_same_v<Executor, io_executor>) {
        return &ex.context();
    } else if constexpr (std::is_same_v<Executor, io_strand>) {
        return &ex.get_inner_executor().context();
    } else if constexpr (std::is_same_v<Executor, boost::asio::any_io_executor>) {
        if (const auto* e = ex.template target<io_executor>()) return &e->context();
        if (const auto* s = ex.template target<io_strand>()) return &s->get_inner_executor().context();
        return nullptr;
    } else {
        return nullptr;
    }
}

/// Starts one store operation for `token`: `start(loop, callback)` calls a start_* primitive of
/// store or user_store (<sesh/async_users.hpp>). The handler runs on its associated executor (the coroutine's, for use_awaitable;
/// the system executor's threads when it has none), always after the initiating call has
/// returned, and that executor is kept busy (outstanding work) until then, so an io_context's
/// run() does not return while a store call is in flight.
template <class T, class CompletionToken, class Start>
auto async_store_operation(CompletionToken&& token, Start start) {
    return boost::asio::async_initiate<CompletionToken, void(result<T>)>(
        [](auto handler, Start begin) {
            using handler_type = decltype(handler);
            const auto executor = boost::asio::get_associated_executor(handler);
            boost::asio::io_context* loop = io_context_of(executor);
            auto work = boost::asio::prefer(executor, boost::asio::execution::outstanding_work.tracked);
            // store_callback is copyable (std::function) and a handler need not be: share it.
            struct pending {
                handler_type handler;
                decltype(work) executor;
            };
            auto p = std::make_shared<pending>(pending{std::move(handler), std::move(work)});
            begin(loop, store_callback<T>([p](result<T> r) {
                      auto ex = p->executor;
                      boost::asio::post(ex, [p = std::move(p), r = std::move(r)]() mutable {
                          std::move(p->handler)(std::move(r));
                      });
                  }));
        },
        token, std::move(start));
}

}  // namespace detail

/// store::get: the record under `key`, or nothing. Signature void(result<std::optional<session_record>>).
template <class CompletionToken>
auto async_get(store& s, std::string_view key, CompletionToken&& token) {
    return detail::async_store_operation<std::optional<session_record>>(
        std::forward<CompletionToken>(token), [&s, key = std::string(key)](boost::asio::io_context* loop, auto done) mutable {
            s.start_get(std::move(key), loop, std::move(done));
        });
}

/// store::create. Signature void(result<void>).
template <class CompletionToken>
auto async_create(store& s, session_record r, CompletionToken&& token) {
    return detail::async_store_operation<void>(std::forward<CompletionToken>(token),
                                               [&s, r = std::move(r)](boost::asio::io_context* loop, auto done) mutable {
                                                   s.start_create(std::move(r), loop, std::move(done));
                                               });
}

/// store::update. Signature void(result<void>).
template <class CompletionToken>
auto async_update(store& s, session_record r, CompletionToken&& token) {
    return detail::async_store_operation<void>(std::forward<CompletionToken>(token),
                                               [&s, r = std::move(r)](boost::asio::io_context* loop, auto done) mutable {
                                                   s.start_update(std::move(r), loop, std::move(done));
                                               });
}

/// store::touch. Signature void(result<bool>).
template <class CompletionToken>
auto async_touch(store& s, std::string_view key, clock::time_point last_seen, clock::time_point idle_expires,
                 CompletionToken&& token) {
    return detail::async_store_operation<bool>(
        std::forward<CompletionToken>(token),
        [&s, key = std::string(key), last_seen, idle_expires](boost::asio::io_context* loop, auto done) mutable {
            s.start_touch(std::move(key), last_seen, idle_expires, loop, std::move(done));
        });
}

/// store::erase. Signature void(result<void>).
template <class CompletionToken>
auto async_erase(store& s, std::string_view key, CompletionToken&& token) {
    return detail::async_store_operation<void>(std::forward<CompletionToken>(token),
                                               [&s, key = std::string(key)](boost::asio::io_context* loop, auto done) mutable {
                                                   s.start_erase(std::move(key), loop, std::move(done));
                                               });
}

/// store::list_user. Signature void(result<std::vector<session_record>>).
template <class CompletionToken>
auto async_list_user(store& s, std::string_view user_id, CompletionToken&& token) {
    return detail::async_store_operation<std::vector<session_record>>(
        std::forward<CompletionToken>(token), [&s, user = std::string(user_id)](boost::asio::io_context* loop, auto done) mutable {
            s.start_list_user(std::move(user), loop, std::move(done));
        });
}

/// store::erase_user. Signature void(result<std::size_t>).
template <class CompletionToken>
auto async_erase_user(store& s, std::string_view user_id, std::string_view keep, CompletionToken&& token) {
    return detail::async_store_operation<std::size_t>(
        std::forward<CompletionToken>(token),
        [&s, user = std::string(user_id), keep = std::string(keep)](boost::asio::io_context* loop, auto done) mutable {
            s.start_erase_user(std::move(user), std::move(keep), loop, std::move(done));
        });
}

/// store::deny. Signature void(result<void>).
template <class CompletionToken>
auto async_deny(store& s, std::string_view jti, clock::time_point until, CompletionToken&& token) {
    return detail::async_store_operation<void>(std::forward<CompletionToken>(token),
                                               [&s, jti = std::string(jti), until](boost::asio::io_context* loop, auto done) mutable {
                                                   s.start_deny(std::move(jti), until, loop, std::move(done));
                                               });
}

/// store::set_not_before. Signature void(result<void>).
template <class CompletionToken>
auto async_set_not_before(store& s, std::string_view user_id, clock::time_point t, CompletionToken&& token) {
    return detail::async_store_operation<void>(
        std::forward<CompletionToken>(token), [&s, user = std::string(user_id), t](boost::asio::io_context* loop, auto done) mutable {
            s.start_set_not_before(std::move(user), t, loop, std::move(done));
        });
}

/// store::revoked. Signature void(result<bool>).
template <class CompletionToken>
auto async_revoked(store& s, std::string_view jti, std::string_view user_id, clock::time_point issued_at,
                   CompletionToken&& token) {
    return detail::async_store_operation<bool>(
        std::forward<CompletionToken>(token),
        [&s, jti = std::string(jti), user = std::string(user_id), issued_at](boost::asio::io_context* loop, auto done) mutable {
            s.start_revoked(std::move(jti), std::move(user), issued_at, loop, std::move(done));
        });
}

}  // namespace sesh
