// The `redis://HOST:PORT/DB` store backend.
// Records are hashes with Redis TTLs, plus per-user index sets, the deny list and not-before
// times (layout in redis_record.hpp); conditional writes run as Lua scripts (redis_scripts.cpp);
// every call is bounded by options.timeout. The blocking face borrows a connection from a pool
// that reconnects by itself (redis_pool.cpp); the asynchronous face pipelines on one non-blocking
// connection per I/O loop (redis_async.cpp, redis_loop_connections.cpp). Each operation is one
// command and one reading of its reply, shared by both faces.
#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <spdlog/spdlog.h>

#include "store/backends.hpp"
#include "store/redis/redis_loop_connections.hpp"
#include "store/redis/redis_pool.hpp"
#include "store/redis/redis_record.hpp"
#include "store/redis/redis_scripts.hpp"

namespace sesh::detail {
namespace {

using redis::command;
using redis::reply_ptr;
using redis::reply_text;
using redis::script;

// A not-before time must outlive every token issued before it. Browsers keep no cookie longer
// than 400 days (RFC 6265bis, section 5.6.1, and Chrome), so no such token arrives later.
constexpr auto not_before_retention = std::chrono::days(400);

// Anything but the expected reply shape: an error reply (OOM, LOADING, READONLY, a script error)
// or a server speaking something else. The call fails; the connection is fine.
tl::unexpected<std::error_code> unexpected_reply(std::string_view what, const redisReply& r) {
    spdlog::warn("sesh redis: {}: unexpected reply (type {}): {}", what, r.type, reply_text(r));
    return fail(errc::store_unavailable);
}

// One store operation as both faces run it: a command (or a script's keys and arguments) and the
// reading of its reply; or, when the arguments settle it, the answer itself with nothing sent.
template <class T>
struct operation {
    command cmd;
    std::optional<script> lua;                        ///< run cmd as this script's keys and arguments
    std::function<result<T>(const redisReply&)> read;  ///< the reply to the result
    std::optional<result<T>> answer;                  ///< set: no round trip needed

    static operation settled(result<T> r) {
        operation op;
        op.answer = std::move(r);
        return op;
    }
};

// The reply of a write that answers a status (OK).
result<void> read_ok(const redisReply& r, std::string_view what) {
    if (r.type != REDIS_REPLY_STATUS) return unexpected_reply(what, r);
    return {};
}

// The reply of a script that answers an integer.
result<long long> read_integer(const redisReply& r, std::string_view what) {
    if (r.type != REDIS_REPLY_INTEGER) return unexpected_reply(what, r);
    return r.integer;
}

class redis_store final : public store {
public:
    redis_store(redis::connection_config cfg, const store_options& options)
        : clock_(options.clock != nullptr ? *options.clock : system_clock()),
          max_data_bytes_(options.max_data_bytes),
          timeout_(options.timeout),
          cfg_(cfg),
          pool_(std::move(cfg), options.pool_size) {}

    ~redis_store() override {
        // Each loop's connection of this store is closed (its commands in flight fail) while the
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

    // Opens the first connection now, so a misconfiguration shows in the log at start-up; a
    // server that is down is not an error (the pool retries on later calls).
    void warm_up() { (void)pool_.acquire(deadline()); }

    // ---- the blocking face -------------------------------------------------------------------

    result<std::optional<session_record>> get(std::string_view key) override { return run_blocking(get_op(key)); }
    result<void> create(const session_record& r) override { return run_blocking(put_op(r, true)); }
    result<void> update(const session_record& r) override { return run_blocking(put_op(r, false)); }
    result<bool> touch(std::string_view key, clock::time_point last_seen, clock::time_point idle_expires) override {
        return run_blocking(touch_op(key, last_seen, idle_expires));
    }
    result<void> erase(std::string_view key) override { return run_blocking(erase_op(key)); }
    result<std::vector<session_record>> list_user(std::string_view user_id) override {
        return run_blocking(list_user_op(user_id));
    }
    result<std::size_t> erase_user(std::string_view user_id, std::string_view keep) override {
        return run_blocking(erase_user_op(user_id, keep));
    }
    result<void> deny(std::string_view jti, clock::time_point until) override { return run_blocking(deny_op(jti, until)); }
    result<void> set_not_before(std::string_view user_id, clock::time_point t) override {
        return run_blocking(not_before_op(user_id, t));
    }
    result<bool> revoked(std::string_view jti, std::string_view user_id, clock::time_point issued_at) override {
        return run_blocking(revoked_op(jti, user_id, issued_at));
    }

    // Redis drops expired keys by itself.
    result<std::size_t> purge_expired(std::size_t /*max*/) override { return std::size_t{0}; }

    // ---- the asynchronous face -----------------------------------------------------------------

    void start_get(std::string key, boost::asio::io_context* loop,
                   store_callback<std::optional<session_record>> done) override {
        run_async(get_op(key), loop, std::move(done));
    }
    void start_create(session_record r, boost::asio::io_context* loop, store_callback<void> done) override {
        run_async(put_op(r, true), loop, std::move(done));
    }
    void start_update(session_record r, boost::asio::io_context* loop, store_callback<void> done) override {
        run_async(put_op(r, false), loop, std::move(done));
    }
    void start_touch(std::string key, clock::time_point last_seen, clock::time_point idle_expires,
                     boost::asio::io_context* loop, store_callback<bool> done) override {
        run_async(touch_op(key, last_seen, idle_expires), loop, std::move(done));
    }
    void start_erase(std::string key, boost::asio::io_context* loop, store_callback<void> done) override {
        run_async(erase_op(key), loop, std::move(done));
    }
    void start_list_user(std::string user_id, boost::asio::io_context* loop,
                         store_callback<std::vector<session_record>> done) override {
        run_async(list_user_op(user_id), loop, std::move(done));
    }
    void start_erase_user(std::string user_id, std::string keep, boost::asio::io_context* loop,
                          store_callback<std::size_t> done) override {
        run_async(erase_user_op(user_id, keep), loop, std::move(done));
    }
    void start_deny(std::string jti, clock::time_point until, boost::asio::io_context* loop,
                    store_callback<void> done) override {
        run_async(deny_op(jti, until), loop, std::move(done));
    }
    void start_set_not_before(std::string user_id, clock::time_point t, boost::asio::io_context* loop,
                              store_callback<void> done) override {
        run_async(not_before_op(user_id, t), loop, std::move(done));
    }
    void start_revoked(std::string jti, std::string user_id, clock::time_point issued_at,
                       boost::asio::io_context* loop, store_callback<bool> done) override {
        run_async(revoked_op(jti, user_id, issued_at), loop, std::move(done));
    }

private:
    // ---- the operations ------------------------------------------------------------------------

    operation<std::optional<session_record>> get_op(std::string_view key) const {
        operation<std::optional<session_record>> op;
        op.cmd.arg("HMGET").arg(redis::session_prefix, key);
        for (auto f : redis::record_fields) op.cmd.arg(f);
        op.read = [this, key = std::string(key)](const redisReply& r) -> result<std::optional<session_record>> {
            if (r.type == REDIS_REPLY_ERROR && reply_text(r).starts_with("WRONGTYPE")) {
                redis::log_corrupt("session record", key);  // not a hash: not something we wrote
                return std::optional<session_record>();
            }
            if (r.type != REDIS_REPLY_ARRAY || r.elements != redis::record_fields.size()) return unexpected_reply("HMGET", r);
            session_record rec;
            switch (redis::decode_record(key, r.element, rec)) {
                case redis::decoded::absent: return std::optional<session_record>();
                case redis::decoded::corrupt: redis::log_corrupt("session record", key); return std::optional<session_record>();
                case redis::decoded::ok: break;
            }
            // Redis's TTL runs on its own clock; the injected one decides.
            if (rec.expires() <= clock_.now()) return std::optional<session_record>();
            return std::optional<session_record>(std::move(rec));
        };
        return op;
    }

    operation<void> put_op(const session_record& r, bool create) const {
        if (r.data.size() > max_data_bytes_) return operation<void>::settled(fail(errc::too_large));
        const bool indexed = !r.user_id.empty();
        operation<void> op;
        op.lua = script::put;
        op.cmd.arg(indexed ? 2 : 1).arg(redis::session_prefix, r.key);
        if (indexed) op.cmd.arg(redis::user_prefix, r.user_id);
        op.cmd.arg(redis::encode_time(clock_.now())).arg(redis::expire_at_ms(r.expires())).arg(r.key);
        op.cmd.arg(create ? "create" : "update");
        redis::append_record_fields(op.cmd, r);
        op.read = [create](const redisReply& reply) -> result<void> {
            auto n = read_integer(reply, create ? "create" : "update");
            if (!n) return fail(n.error());
            if (*n == 0) return fail(create ? errc::already_exists : errc::not_found);
            return {};
        };
        return op;
    }

    operation<bool> touch_op(std::string_view key, clock::time_point last_seen, clock::time_point idle_expires) const {
        operation<bool> op;
        op.lua = script::touch;
        op.cmd.arg(1).arg(redis::session_prefix, key);
        op.cmd.arg(redis::encode_time(clock_.now())).arg(redis::encode_time(last_seen)).arg(redis::encode_time(idle_expires));
        op.cmd.arg(redis::expire_at_ms(idle_expires)).arg(key);
        op.read = [](const redisReply& reply) -> result<bool> {
            auto n = read_integer(reply, "touch");
            if (!n) return fail(n.error());
            if (*n < 0) return fail(errc::not_found);
            return *n == 1;
        };
        return op;
    }

    static operation<void> erase_op(std::string_view key) {
        operation<void> op;
        op.lua = script::erase;
        op.cmd.arg(1).arg(redis::session_prefix, key).arg(key);
        op.read = [](const redisReply& reply) -> result<void> {
            auto n = read_integer(reply, "erase");
            if (!n) return fail(n.error());
            return {};
        };
        return op;
    }

    operation<std::vector<session_record>> list_user_op(std::string_view user_id) const {
        // Anonymous sessions are not indexed.
        if (user_id.empty()) return operation<std::vector<session_record>>::settled(std::vector<session_record>{});
        operation<std::vector<session_record>> op;
        op.lua = script::list_user;
        op.cmd.arg(1).arg(redis::user_prefix, user_id).arg(user_id);
        for (auto f : redis::record_fields) op.cmd.arg(f);
        op.read = [this](const redisReply& r) -> result<std::vector<session_record>> {
            constexpr std::size_t stride = 1 + redis::record_fields.size();
            if (r.type != REDIS_REPLY_ARRAY || r.elements % stride != 0) return unexpected_reply("list_user", r);
            std::vector<session_record> out;
            const auto now = clock_.now();
            for (std::size_t i = 0; i < r.elements; i += stride) {
                const redisReply& member = *r.element[i];
                if (member.type != REDIS_REPLY_STRING) return unexpected_reply("list_user", member);
                session_record rec;
                switch (redis::decode_record(reply_text(member), r.element + i + 1, rec)) {
                    case redis::decoded::absent: continue;
                    case redis::decoded::corrupt: redis::log_corrupt("session record", reply_text(member)); continue;
                    case redis::decoded::ok: break;
                }
                if (rec.expires() > now) out.push_back(std::move(rec));
            }
            std::sort(out.begin(), out.end(), [](const session_record& a, const session_record& b) {
                return a.created != b.created ? a.created < b.created : a.key < b.key;
            });
            return out;
        };
        return op;
    }

    operation<std::size_t> erase_user_op(std::string_view user_id, std::string_view keep) const {
        if (user_id.empty()) return operation<std::size_t>::settled(std::size_t{0});
        operation<std::size_t> op;
        op.lua = script::erase_user;
        op.cmd.arg(1).arg(redis::user_prefix, user_id).arg(redis::encode_time(clock_.now())).arg(user_id);
        if (!keep.empty()) op.cmd.arg(keep);
        op.read = [](const redisReply& reply) -> result<std::size_t> {
            auto n = read_integer(reply, "erase_user");
            if (!n) return fail(n.error());
            return static_cast<std::size_t>(std::max(*n, 0LL));
        };
        return op;
    }

    static operation<void> deny_op(std::string_view jti, clock::time_point until) {
        operation<void> op;
        op.cmd.arg("SET").arg(redis::deny_prefix, jti).arg(redis::encode_time(until));
        op.cmd.arg("PXAT").arg(redis::expire_at_ms(until));
        op.read = [](const redisReply& r) { return read_ok(r, "deny"); };
        return op;
    }

    static operation<void> not_before_op(std::string_view user_id, clock::time_point t) {
        operation<void> op;
        op.cmd.arg("SET").arg(redis::not_before_prefix, user_id).arg(redis::encode_time(t));
        const auto keep_until = t < clock::time_point::max() - not_before_retention ? t + not_before_retention
                                                                                     : clock::time_point::max();
        op.cmd.arg("PXAT").arg(redis::expire_at_ms(keep_until));
        op.read = [](const redisReply& r) { return read_ok(r, "set_not_before"); };
        return op;
    }

    operation<bool> revoked_op(std::string_view jti, std::string_view user_id, clock::time_point issued_at) const {
        if (jti.empty() && user_id.empty()) return operation<bool>::settled(false);
        operation<bool> op;
        op.cmd.arg("MGET");  // both checks in one command: one round trip on the hot path
        if (!jti.empty()) op.cmd.arg(redis::deny_prefix, jti);
        if (!user_id.empty()) op.cmd.arg(redis::not_before_prefix, user_id);
        op.read = [this, jti = std::string(jti), user_id = std::string(user_id), issued_at,
                   n = op.cmd.size() - 1](const redisReply& r) -> result<bool> {
            if (r.type != REDIS_REPLY_ARRAY || r.elements != n) return unexpected_reply("MGET", r);
            std::size_t i = 0;
            if (!jti.empty()) {
                const auto until = time_value(*r.element[i++], "deny entry", jti);
                if (until && clock_.now() < *until) return true;
            }
            if (!user_id.empty()) {
                const auto not_before = time_value(*r.element[i], "not-before time", user_id);
                if (not_before && issued_at < *not_before) return true;
            }
            return false;
        };
        return op;
    }

    // ---- running them ----------------------------------------------------------------------------

    [[nodiscard]] redis::steady::time_point deadline() const { return redis::steady::now() + timeout_; }

    template <class T>
    result<T> run_blocking(const operation<T>& op) {
        if (op.answer) return *op.answer;
        auto reply = op.lua ? eval(*op.lua, op.cmd) : run(op.cmd);
        if (!reply) return fail(reply.error());
        return op.read(**reply);
    }

    template <class T>
    void run_async(operation<T> op, boost::asio::io_context* loop, store_callback<T> done) {
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

    // The caller's loop's connection when the caller runs on an io_context (seshd's I/O threads, a
    // library user's server); otherwise (a future, a thread pool) the store's own loop's.
    std::shared_ptr<redis::async_connection> connection_for(boost::asio::io_context* loop) {
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

    boost::asio::io_context& fallback_loop() {
        std::call_once(fallback_started_, [this] {
            fallback_work_.emplace(fallback_.get_executor());
            fallback_thread_ = std::thread([this] { fallback_.run(); });
        });
        return fallback_;
    }

    result<reply_ptr> run(const command& cmd) {
        const auto until = deadline();
        auto conn = pool_.acquire(until);
        if (!conn) return fail(conn.error());
        return (*conn)->run(cmd, until);
    }

    // EVALSHA of a script loaded when the connection was opened; after a SCRIPT FLUSH, EVAL
    // sends the text once and Redis caches it again.
    result<reply_ptr> eval(script s, const command& keys_and_args) {
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

    // A time kept as a plain string value; nothing if absent, and nothing plus a log line if
    // corrupt (a corrupt entry reads as absent, as everywhere in the store).
    static std::optional<clock::time_point> time_value(const redisReply& v, std::string_view what, std::string_view key) {
        if (v.type != REDIS_REPLY_STRING) return std::nullopt;
        auto t = redis::decode_time(reply_text(v));
        if (!t) redis::log_corrupt(what, key);
        return t;
    }

    static inline std::atomic<std::uint64_t> next_id_{1};

    const clock& clock_;
    const std::size_t max_data_bytes_;
    const std::chrono::milliseconds timeout_;
    const redis::connection_config cfg_;
    const std::uint64_t id_ = next_id_.fetch_add(1);  ///< this store's key in every loop's loop_connections
    redis::pool pool_;
    std::mutex loops_mutex_;
    std::vector<std::pair<std::weak_ptr<redis::async_connection>, redis::loop_connections*>> loops_;
    // The loop of callers that have none (futures, thread pools); started on first such call.
    boost::asio::io_context fallback_{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> fallback_work_;
    std::once_flag fallback_started_;
    std::thread fallback_thread_;
};

}  // namespace

result<std::unique_ptr<store>> open_redis_store(const std::string& host, int port, int db, const store_options& options) {
    if (options.timeout <= std::chrono::milliseconds::zero()) return fail(errc::invalid_argument);
    redis::connection_config cfg{host, port, db, options.timeout, redis::script_texts()};
    auto s = std::make_unique<redis_store>(std::move(cfg), options);
    s->warm_up();
    return std::unique_ptr<store>(std::move(s));
}

}  // namespace sesh::detail
