// One Redis server and database as every store over it shares it: the session store and the user
// store borrow from one pool of blocking connections and pipeline on one non-blocking connection
// per I/O loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <sesh/store.hpp>

#include "store/backends.hpp"
#include "store/redis/redis_async.hpp"
#include "store/redis/redis_loop_connections.hpp"
#include "store/redis/redis_operation.hpp"
#include "store/redis/redis_pool.hpp"

namespace sesh::detail {

/// The connections of one `redis://` URL. Every call is bounded by store_options::timeout. The
/// blocking face borrows a connection from a pool that reconnects by itself (redis_pool.cpp); the
/// asynchronous face pipelines on the caller's loop's connection (redis_loop_connections.cpp).
/// Every connection loads the session store's scripts (redis_scripts.cpp). Thread-safe.
class redis_database {
public:
    /// The database `a` names (AUTHing and SELECTing on every connect), with up to
    /// store_options::pool_size pooled connections. Connects once now: errc::access_denied when
    /// Redis refuses the credentials; a server that is down is not an error (calls fail until it
    /// is up). errc::invalid_argument for a timeout that is not positive.
    [[nodiscard]] static result<std::shared_ptr<redis_database>> open(const redis_address& a,
                                                                      const store_options& options);

    /// Closes this database's connection on every loop still alive (its commands in flight fail)
    /// and stops the fallback loop.
    ~redis_database();
    redis_database(const redis_database&) = delete;
    redis_database& operator=(const redis_database&) = delete;

    /// Runs `op` on a pooled connection and waits for its result (the blocking face).
    template <class T>
    [[nodiscard]] result<T> run_blocking(const redis::operation<T>& op) {
        if (op.answer) return *op.answer;
        auto reply = op.lua ? eval(*op.lua, op.cmd) : run(op.cmd);
        if (!reply) return fail(reply.error());
        return op.read(**reply);
    }

    /// Starts `op` on the non-blocking connection of `loop` (the caller's io_context; null: the
    /// database's own fallback loop) and calls `done` with its result on that loop's strand, or
    /// at once when op needs no round trip (the asynchronous face).
    template <class T>
    void run_async(redis::operation<T> op, boost::asio::io_context* loop, store_callback<T> done) {
        if (op.answer) return done(std::move(*op.answer));
        auto on_reply = [read = std::move(op.read), done = std::move(done)](result<const redisReply*> r) {
            if (!r) return done(fail(r.error()));
            done(read(**r));
        };
        auto conn = connection_for(loop);
        if (op.lua)
            conn->run_script(static_cast<std::size_t>(*op.lua), std::move(op.cmd), deadline(), std::move(on_reply));
        else
            conn->run(std::move(op.cmd), deadline(), std::move(on_reply));
    }

private:
    redis_database(redis::connection_config cfg, std::size_t pool_size);

    [[nodiscard]] redis::steady::time_point deadline() const { return redis::steady::now() + cfg_.timeout; }
    result<redis::reply_ptr> run(const redis::command& cmd);
    result<redis::reply_ptr> eval(redis::script s, const redis::command& keys_and_args);
    std::shared_ptr<redis::async_connection> connection_for(boost::asio::io_context* loop);
    boost::asio::io_context& fallback_loop();

    static inline std::atomic<std::uint64_t> next_id_{1};

    const redis::connection_config cfg_;
    const std::uint64_t id_ = next_id_.fetch_add(1);  ///< this database's key in every loop's loop_connections
    redis::pool pool_;
    std::mutex loops_mutex_;
    std::vector<std::pair<std::weak_ptr<redis::async_connection>, redis::loop_connections*>> loops_;
    // The loop of callers that have none (futures, thread pools); started on first such call.
    boost::asio::io_context fallback_{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> fallback_work_;
    std::once_flag fallback_started_;
    std::thread fallback_thread_;
};

}  // namespace sesh::detail
