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
#include "store/redis/redis_revocations.hpp"

namespace sesh::detail {

namespace redis {
/// True when `wait_reply` (WAIT's) counts at least `n` replicas. `short_run` remembers a shortfall,
/// so one warning (and one notice of recovery) is logged per run of them, not one per write.
[[nodiscard]] bool replicated(const result<const redisReply*>& wait_reply, int n, std::atomic<bool>& short_run);
}  // namespace redis

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
        auto reply = run(op.cmd, op.lua, confirms(op));
        if (!reply) return fail(reply.error());
        return op.read(**reply);
    }

    /// Starts `op` on the non-blocking connection of `loop` (the caller's io_context; null: the
    /// database's own fallback loop) and calls `done` with its result on that loop's strand, or
    /// at once when op needs no round trip (the asynchronous face).
    template <class T>
    void run_async(redis::operation<T> op, boost::asio::io_context* loop, store_callback<T> done) {
        if (op.answer) return done(std::move(*op.answer));
        auto conn = connection_for(loop);
        const auto until = deadline();
        if (!confirms(op)) {
            return send_async(*conn, std::move(op.cmd), op.lua, until,
                              [read = std::move(op.read), done = std::move(done)](result<const redisReply*> r) {
                                  if (!r) return done(fail(r.error()));
                                  done(read(**r));
                              });
        }
        // WAIT pipelined behind the write on the same connection: replies come in order, so the
        // write's result is held until WAIT says how many replicas have it.
        auto written = std::make_shared<std::optional<result<T>>>();
        send_async(*conn, std::move(op.cmd), op.lua, until,
                   [written, read = std::move(op.read)](result<const redisReply*> r) {
                       *written = r ? read(**r) : result<T>(fail(r.error()));
                   });
        conn->run(wait_command(until), until,
                  [n = wait_replicas_, short_run = replicas_short_, written, done = std::move(done)](
                      result<const redisReply*> r) mutable {
                      // No write reply: the connection went down in between. A failed write
                      // answers as it is; a done one once enough replicas have it.
                      if (!written->has_value()) return done(fail(errc::store_unavailable));
                      if (!**written || redis::replicated(r, n, *short_run)) return done(std::move(**written));
                      done(fail(errc::store_unavailable));
                  });
    }

    /// This database's revocation mirror, started on the first call (only jwt and iron sessions
    /// check revocations, so a server-strategy deployment never runs one).
    [[nodiscard]] redis::revocation_mirror& revocations();
    /// A revocation this process is about to write (see redis::deny_message): applied to the
    /// mirror at once when one runs.
    void note_revocation(std::string_view message);
    /// The channel this database's revocations are announced on.
    [[nodiscard]] const std::string& revocation_channel() const noexcept { return channel_; }

private:
    redis_database(redis::connection_config cfg, std::size_t pool_size, int wait_replicas);

    [[nodiscard]] redis::steady::time_point deadline() const { return redis::steady::now() + cfg_.timeout; }
    template <class T>
    [[nodiscard]] bool confirms(const redis::operation<T>& op) const noexcept {
        return op.durable && wait_replicas_ > 0;
    }
    /// cmd (as script `lua`'s keys and arguments when set) on a pooled connection; when `confirm`,
    /// followed there by WAIT, and store_unavailable when fewer than wait_replicas_ replicas have it.
    result<redis::reply_ptr> run(const redis::command& cmd, std::optional<redis::script> lua, bool confirm);
    static void send_async(redis::async_connection& conn, redis::command cmd, std::optional<redis::script> lua,
                           redis::steady::time_point until, redis::reply_callback done);
    /// `WAIT wait_replicas_ MS`, MS half the time left before `until` so that the reply comes
    /// before the command's own deadline (which would drop the connection).
    [[nodiscard]] redis::command wait_command(redis::steady::time_point until) const;

    std::shared_ptr<redis::async_connection> connection_for(boost::asio::io_context* loop);
    boost::asio::io_context& fallback_loop();

    static inline std::atomic<std::uint64_t> next_id_{1};

    const redis::connection_config cfg_;
    const int wait_replicas_;  ///< the URL's wait=N; 0: writes are not confirmed
    /// The last WAIT counted too few replicas (a shortfall is logged once per run of them).
    const std::shared_ptr<std::atomic<bool>> replicas_short_ = std::make_shared<std::atomic<bool>>(false);
    const std::uint64_t id_ = next_id_.fetch_add(1);  ///< this database's key in every loop's loop_connections
    redis::pool pool_;
    std::mutex loops_mutex_;
    std::vector<std::pair<std::weak_ptr<redis::async_connection>, redis::loop_connections*>> loops_;
    // The loop of callers that have none (futures, thread pools); started on first such call.
    boost::asio::io_context fallback_{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> fallback_work_;
    std::once_flag fallback_started_;
    const std::string channel_;
    std::once_flag mirror_started_;
    std::unique_ptr<redis::revocation_mirror> mirror_;
    std::atomic<redis::revocation_mirror*> running_mirror_{nullptr};
    std::thread fallback_thread_;
};

}  // namespace sesh::detail
