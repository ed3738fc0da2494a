// redis_database: the pool, the per-loop connections and the fallback loop of one Redis URL.
#include "store/redis/redis_database.hpp"

namespace sesh::detail {

using redis::command;
using redis::reply_ptr;
using redis::reply_text;

redis_database::redis_database(redis::connection_config cfg, std::size_t pool_size)
    : cfg_(cfg), pool_(std::move(cfg), pool_size) {}

result<std::shared_ptr<redis_database>> redis_database::open(const redis_address& a, const store_options& options) {
    if (options.timeout <= std::chrono::milliseconds::zero()) return fail(errc::invalid_argument);
    redis::connection_config cfg{a.host, a.port, a.db, options.timeout, redis::script_texts(), a.user, a.password, nullptr};
    if (!a.sentinels.empty()) {
        std::vector<redis::endpoint> sentinels;
        for (const auto& [host, port] : a.sentinels) sentinels.push_back({host, port});
        cfg.locator = std::make_shared<redis::master_locator>(std::move(sentinels), a.master_name, a.user, a.password,
                                                              options.timeout);
    }
    std::shared_ptr<redis_database> out(new redis_database(std::move(cfg), options.pool_size));
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

result<reply_ptr> redis_database::run(const command& cmd) {
    const auto until = deadline();
    auto conn = pool_.acquire(until);
    if (!conn) return fail(conn.error());
    return (*conn)->run(cmd, until);
}

// EVALSHA of a script loaded when the connection was opened; after a SCRIPT FLUSH, EVAL sends the
// text once and Redis caches it again.
result<reply_ptr> redis_database::eval(redis::script s, const command& keys_and_args) {
    const auto until = deadline();
    auto conn = pool_.acquire(until);
    if (!conn) return fail(conn.error());
    const auto i = static_cast<std::size_t>(s);
    command cmd{"EVALSHA", (*conn)->script_sha(i)};
    auto reply = (*conn)->run(cmd.append(keys_and_args), until);
    if (reply && (*reply)->type == REDIS_REPLY_ERROR && reply_text(**reply).starts_with("NOSCRIPT")) {
        command full{"EVAL", redis::script_texts()[i]};
        reply = (*conn)->run(full.append(keys_and_args), until);
    }
    return reply;
}

}  // namespace sesh::detail
