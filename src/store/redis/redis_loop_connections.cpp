// loop_connections: one Redis connection per store and io_context, owned by the io_context.
#include "store/redis/redis_loop_connections.hpp"

namespace sesh::detail::redis {

std::shared_ptr<async_connection> loop_connections::get(std::uint64_t owner, const connection_config& cfg,
                                                        boost::asio::io_context& loop, bool& created) {
    std::lock_guard lock(mutex_);
    auto& conn = connections_[owner];
    created = conn == nullptr;
    if (created) conn = async_connection::create(loop.get_executor(), cfg);
    return conn;
}

void loop_connections::forget(std::uint64_t owner) {
    std::shared_ptr<async_connection> conn;
    {
        std::lock_guard lock(mutex_);
        auto it = connections_.find(owner);
        if (it == connections_.end()) return;
        conn = std::move(it->second);
        connections_.erase(it);
    }
    conn->close();
}

void loop_connections::shutdown() {
    std::lock_guard lock(mutex_);
    for (auto& [owner, conn] : connections_) conn->close();
    connections_.clear();
}

}  // namespace sesh::detail::redis
