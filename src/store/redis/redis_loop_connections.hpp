// Where a Redis store keeps its non-blocking connection for each I/O loop: in the loop itself, as
// an Asio service, so the connections close and go with their io_context, never after it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/io_context.hpp>

#include "store/redis/redis_async.hpp"

namespace sesh::detail::redis {

/// The async connections of every Redis store that has served a caller on one io_context: one per
/// store, shared by every coroutine on that loop (their commands pipelined on it). Thread-safe.
class loop_connections final : public boost::asio::execution_context::service {
public:
    using key_type = loop_connections;
    static inline boost::asio::execution_context::id id;

    explicit loop_connections(boost::asio::execution_context& ctx) : service(ctx) {}

    /// The connection of store `owner` (store ids are never reused) on `loop`, made for `cfg` on
    /// first use; `created` tells whether this call made it.
    [[nodiscard]] std::shared_ptr<async_connection> get(std::uint64_t owner, const connection_config& cfg,
                                                        boost::asio::io_context& loop, bool& created);

    /// Closes and forgets the connection of `owner` (its store is going away).
    void forget(std::uint64_t owner);

private:
    // The io_context is shutting down: every command in flight fails now, while it can be answered.
    void shutdown() override;

    std::mutex mutex_;
    std::unordered_map<std::uint64_t, std::shared_ptr<async_connection>> connections_;
};

}  // namespace sesh::detail::redis
