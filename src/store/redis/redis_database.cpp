// redis_database: the pool, the per-loop connections and the fallback loop of one Redis URL.
#include "store/redis/redis_database.hpp"

namespace sesh::detail {

using redis::command;
using redis::reply_ptr;
using redis::reply_text;

redis_database::redis_database(redis::connection_config cfg, std::size_t pool_size, int wait_replicas)
    : cfg_(cfg), wait_replicas_(wait_replicas), pool_(std::move(cfg), pool_size), channel_(redis::revocation_channel(cfg_.db)) {}

redis::revocation_mirror& redis_database::revocations() {
    std::call_once(mirror_started_, [this] {
        mirror_ = std::make_unique<redis::revocation_mirror>(cfg_);
        running_mirror_.store(mirror_.get(), std::memory_order_release);
    });
    return *mirror_;
}

void redis_database::note_revocation(std::string_view message) {
    if (auto* m = running_mirror_.load(std::memory_order_acquire)) m->apply(message);
}

bool redis::replicated(const result<const redisReply*>& wait_reply, int n, std::atomic<bool>& short_run) {
    if (!wait_reply) return false;  // the connection's own failure, logged there
    const redisReply& r = **wait_reply;
    const bool enough = r.type == REDIS_REPLY_INTEGER && r.integer >= n;
    if (enough) {
        if (short_run.exchange(false)) sesh::logger()->info("sesh redis: writes reach {} replica(s) again", n);
    } else if (!short_run.exchange(true)) {
        if (r.type == REDIS_REPLY_INTEGER)
            sesh::logger()->warn("sesh redis: a write reached {} of the {} replica(s) wait= asks for in time: "
                                 "writes fail until enough replicas follow", r.integer, n);
        else
            sesh::logger()->warn("sesh redis: WAIT: unexpected reply (type {}): {}", r.type, reply_text(r));
    }
    return enough;
}

result<std::shared_ptr<redis_database>> redis_database::open(const redis_address& a, const store_options& options) {
    if (options.timeout <= std::chrono::milliseconds::zero()) return fail(errc::invalid_argument);
    redis::connection_config cfg{a.host, a.port, a.db, options.timeout, redis::script_texts(), a.user, a.password, nullptr};
    if (!a.sentinels.empty()) {
        std::vector<redis::endpoint> sentinels;
        for (const auto& [host, port] : a.sentinels) sentinels.push_back({host, port});
        cfg.locator = std::make_shared<redis::master_locator>(std::move(sentinels), a.master_name, a.user, a.password,
                                                              options.timeout);
    }
    std::shared_ptr<redis_database> out(new redis_database(std::move(cfg), options.pool_size, a.wait_replicas));
    // One connection now, so a misconfiguration shows at start-up: a password Redis refuses fails
    // the open; a server that is down does not (calls fail until it is up). Not pooled: the pool
    // connects on first use.
    if (auto first = redis::connection::open(out->cfg_, out->deadline()); !first && first.error() == errc::access_denied)
        return fail(errc::access_denied);
    return out;
}

redis_database::~redis_database() {
    // Each loop's connection of this database is closed (its commands in flight fail) while the
    // loop is alive; a connection already gone went with its loop.
    {
        std::lock_guard lock(loops_mutex_);
        for (auto& [conn, service] : loops_)
            if (conn.lock()) service->forget(id_);
    }
    if (fallback_thread_.joinable()) {
        fallback_work_.reset();
        fallback_thread_.join();
    }
}

// The caller's loop's connection when the caller runs on an io_context (seshd's I/O threads, a
// library user's server); otherwise (a future, a thread pool) the database's own loop's.
std::shared_ptr<redis::async_connection> redis_database::connection_for(boost::asio::io_context* loop) {
    boost::asio::io_context* io = loop != nullptr ? loop : &fallback_loop();
    auto& service = boost::asio::use_service<redis::loop_connections>(*io);
    bool created = false;
    auto conn = service.get(id_, cfg_, *io, created);
    if (created) {
        std::lock_guard lock(loops_mutex_);
        loops_.emplace_back(conn, &service);
    }
    return conn;
}

boost::asio::io_context& redis_database::fallback_loop() {
    std::call_once(fallback_started_, [this] {
        fallback_work_.emplace(fallback_.get_executor());
        fallback_thread_ = std::thread([this] { fallback_.run(); });
    });
    return fallback_;
}

// EVALSHA of a script loaded when the connection was opened; after a SCRIPT FLUSH, EVAL sends the
// text once and Redis caches it again. WAIT, when asked, on the same connection: it counts the
// replicas that have this connection's writes so far.
result<reply_ptr> redis_database::run(const command& cmd, std::optional<redis::script> lua, bool confirm) {
    const auto until = deadline();
    auto conn = pool_.acquire(until);
    if (!conn) return fail(conn.error());
    result<reply_ptr> reply;
    if (!lua) {
        reply = (*conn)->run(cmd, until);
    } else {
        const auto i = static_cast<std::size_t>(*lua);
        command sha{"EVALSHA", (*conn)->script_sha(i)};
        reply = (*conn)->run(sha.append(cmd), until);
        if (reply && (*reply)->type == REDIS_REPLY_ERROR && reply_text(**reply).starts_with("NOSCRIPT")) {
            command full{"EVAL", redis::script_texts()[i]};
            reply = (*conn)->run(full.append(cmd), until);
        }
    }
    if (!confirm || !reply || (*reply)->type == REDIS_REPLY_ERROR) return reply;
    auto waited = (*conn)->run(wait_command(until), until);
    const result<const redisReply*> counted = waited ? result<const redisReply*>(waited->get()) : fail(waited.error());
    if (!redis::replicated(counted, wait_replicas_, *replicas_short_)) return fail(errc::store_unavailable);
    return reply;
}

void redis_database::send_async(redis::async_connection& conn, command cmd, std::optional<redis::script> lua,
                                redis::steady::time_point until, redis::reply_callback done) {
    if (lua)
        conn.run_script(static_cast<std::size_t>(*lua), std::move(cmd), until, std::move(done));
    else
        conn.run(std::move(cmd), until, std::move(done));
}

// Half the time left, at least 1 ms (WAIT 0 would block for ever): the reply must come before the
// command's deadline, which would drop the connection with everything in flight, and Redis may
// answer a WAIT up to its cron period (100 ms at the default hz 10) after its timeout.
command redis_database::wait_command(redis::steady::time_point until) const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - redis::steady::now());
    const auto ms = std::max<std::int64_t>(1, left.count() / 2);
    return command{"WAIT", std::to_string(wait_replicas_), std::to_string(ms)};
}

}  // namespace sesh::detail
