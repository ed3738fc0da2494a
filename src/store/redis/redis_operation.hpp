// One call of a Redis-backed store as both faces run it: a command (or a preloaded script's keys
// and arguments) and the reading of its reply; shared by the session store and the user store.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <utility>

#include <sesh/log.hpp>

#include <sesh/error.hpp>

#include "store/redis/redis_connection.hpp"
#include "store/redis/redis_scripts.hpp"

namespace sesh::detail::redis {

/// One store call: what to send and how to read the reply; or, when the arguments settle it,
/// the answer itself with nothing sent. `read` must not refer to the store that made it: the
/// reply may arrive after that store is gone (the connections belong to the database).
template <class T>
struct operation {
    command cmd;
    std::optional<script> lua;                        ///< run cmd as this script's keys and arguments
    std::function<result<T>(const redisReply&)> read;  ///< the reply to the result
    std::optional<result<T>> answer;                  ///< set: no round trip needed
    /// A write a failover must not lose: with the URL's wait=N it is acknowledged only once N
    /// replicas hold it (WAIT after it, on the same connection).
    bool durable = false;

    /// An operation answered without a round trip.
    static operation settled(result<T> r) {
        operation op;
        op.answer = std::move(r);
        return op;
    }
};

/// Anything but the expected reply shape: an error reply (OOM, LOADING, READONLY, a script error)
/// or a server speaking something else. Logged; the call fails with store_unavailable and the
/// connection is fine.
inline tl::unexpected<std::error_code> unexpected_reply(std::string_view what, const redisReply& r) {
    sesh::logger()->warn("sesh redis: {}: unexpected reply (type {}): {}", what, r.type, reply_text(r));
    return fail(errc::store_unavailable);
}

/// The reply of a write that answers a status (OK).
inline result<void> read_ok(const redisReply& r, std::string_view what) {
    if (r.type != REDIS_REPLY_STATUS) return unexpected_reply(what, r);
    return {};
}

/// The reply of a command or script that answers an integer.
inline result<long long> read_integer(const redisReply& r, std::string_view what) {
    if (r.type != REDIS_REPLY_INTEGER) return unexpected_reply(what, r);
    return r.integer;
}

}  // namespace sesh::detail::redis
