// The `redis://HOST:PORT/DB` store backend.
// Records are hashes with Redis TTLs, plus per-user index sets, the deny list and not-before
// times (layout in redis_record.hpp); conditional writes run as Lua scripts (redis_scripts.cpp);
// every call is bounded by options.timeout through a pool that reconnects by itself
// (redis_pool.cpp).
#include <algorithm>

#include <spdlog/spdlog.h>

#include "store/backends.hpp"
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

class redis_store final : public store {
public:
    redis_store(redis::connection_config cfg, const store_options& options)
        : clock_(options.clock != nullptr ? *options.clock : system_clock()),
          max_data_bytes_(options.max_data_bytes),
          timeout_(options.timeout),
          pool_(std::move(cfg), options.pool_size) {}

    // Opens the first connection now, so a misconfiguration shows in the log at start-up; a
    // server that is down is not an error (the pool retries on later calls).
    void warm_up() { (void)pool_.acquire(deadline()); }

    result<std::optional<session_record>> get(std::string_view key) override {
        command cmd{"HMGET"};
        cmd.arg(redis::session_prefix, key);
        for (auto f : redis::record_fields) cmd.arg(f);
        auto reply = run(cmd);
        if (!reply) return fail(reply.error());
        const redisReply& r = **reply;
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
    }

    result<void> create(const session_record& r) override { return put(r, true); }

    result<void> update(const session_record& r) override { return put(r, false); }

    result<bool> touch(std::string_view key, clock::time_point last_seen, clock::time_point idle_expires) override {
        command args;
        args.arg(1).arg(redis::session_prefix, key);
        args.arg(redis::encode_time(clock_.now())).arg(redis::encode_time(last_seen)).arg(redis::encode_time(idle_expires));
        args.arg(redis::expire_at_ms(idle_expires)).arg(key);
        auto n = eval_integer(script::touch, args, "touch");
        if (!n) return fail(n.error());
        if (*n < 0) return fail(errc::not_found);
        return *n == 1;
    }

    result<void> erase(std::string_view key) override {
        command args;
        args.arg(1).arg(redis::session_prefix, key).arg(key);
        auto n = eval_integer(script::erase, args, "erase");
        if (!n) return fail(n.error());
        return {};
    }

    result<std::vector<session_record>> list_user(std::string_view user_id) override {
        std::vector<session_record> out;
        if (user_id.empty()) return out;  // anonymous sessions are not indexed
        command args;
        args.arg(1).arg(redis::user_prefix, user_id).arg(user_id);
        for (auto f : redis::record_fields) args.arg(f);
        auto reply = eval(script::list_user, args);
        if (!reply) return fail(reply.error());
        const redisReply& r = **reply;
        constexpr std::size_t stride = 1 + redis::record_fields.size();
        if (r.type != REDIS_REPLY_ARRAY || r.elements % stride != 0) return unexpected_reply("list_user", r);
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
    }

    result<std::size_t> erase_user(std::string_view user_id, std::string_view keep) override {
        if (user_id.empty()) return std::size_t{0};
        command args;
        args.arg(1).arg(redis::user_prefix, user_id).arg(redis::encode_time(clock_.now())).arg(user_id);
        if (!keep.empty()) args.arg(keep);
        auto n = eval_integer(script::erase_user, args, "erase_user");
        if (!n) return fail(n.error());
        return static_cast<std::size_t>(std::max(*n, 0LL));
    }

    result<void> deny(std::string_view jti, clock::time_point until) override {
        command cmd{"SET"};
        cmd.arg(redis::deny_prefix, jti).arg(redis::encode_time(until)).arg("PXAT").arg(redis::expire_at_ms(until));
        return run_ok(cmd, "deny");
    }

    result<void> set_not_before(std::string_view user_id, clock::time_point t) override {
        command cmd{"SET"};
        cmd.arg(redis::not_before_prefix, user_id).arg(redis::encode_time(t));
        const auto keep_until = t < clock::time_point::max() - not_before_retention ? t + not_before_retention
                                                                                     : clock::time_point::max();
        cmd.arg("PXAT").arg(redis::expire_at_ms(keep_until));
        return run_ok(cmd, "set_not_before");
    }

    result<bool> revoked(std::string_view jti, std::string_view user_id, clock::time_point issued_at) override {
        if (jti.empty() && user_id.empty()) return false;
        command cmd{"MGET"};  // both checks in one command: one round trip on the hot path
        if (!jti.empty()) cmd.arg(redis::deny_prefix, jti);
        if (!user_id.empty()) cmd.arg(redis::not_before_prefix, user_id);
        auto reply = run(cmd);
        if (!reply) return fail(reply.error());
        const redisReply& r = **reply;
        if (r.type != REDIS_REPLY_ARRAY || r.elements != cmd.size() - 1) return unexpected_reply("MGET", r);
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
    }

    // Redis drops expired keys by itself.
    result<std::size_t> purge_expired(std::size_t /*max*/) override { return std::size_t{0}; }

private:
    [[nodiscard]] redis::steady::time_point deadline() const { return redis::steady::now() + timeout_; }

    result<void> put(const session_record& r, bool create) {
        if (r.data.size() > max_data_bytes_) return fail(errc::too_large);
        const bool indexed = !r.user_id.empty();
        command args;
        args.arg(indexed ? 2 : 1).arg(redis::session_prefix, r.key);
        if (indexed) args.arg(redis::user_prefix, r.user_id);
        args.arg(redis::encode_time(clock_.now())).arg(redis::expire_at_ms(r.expires())).arg(r.key);
        args.arg(create ? "create" : "update");
        redis::append_record_fields(args, r);
        auto n = eval_integer(script::put, args, create ? "create" : "update");
        if (!n) return fail(n.error());
        if (*n == 0) return fail(create ? errc::already_exists : errc::not_found);
        return {};
    }

    result<reply_ptr> run(const command& cmd) {
        const auto until = deadline();
        auto conn = pool_.acquire(until);
        if (!conn) return fail(conn.error());
        return (*conn)->run(cmd, until);
    }

    result<void> run_ok(const command& cmd, std::string_view what) {
        auto reply = run(cmd);
        if (!reply) return fail(reply.error());
        if ((*reply)->type != REDIS_REPLY_STATUS) return unexpected_reply(what, **reply);
        return {};
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

    result<long long> eval_integer(script s, const command& keys_and_args, std::string_view what) {
        auto reply = eval(s, keys_and_args);
        if (!reply) return fail(reply.error());
        if ((*reply)->type != REDIS_REPLY_INTEGER) return unexpected_reply(what, **reply);
        return (*reply)->integer;
    }

    // A time kept as a plain string value; nothing if absent, and nothing plus a log line if
    // corrupt (a corrupt entry reads as absent, as everywhere in the store).
    static std::optional<clock::time_point> time_value(const redisReply& v, std::string_view what, std::string_view key) {
        if (v.type != REDIS_REPLY_STRING) return std::nullopt;
        auto t = redis::decode_time(reply_text(v));
        if (!t) redis::log_corrupt(what, key);
        return t;
    }

    const clock& clock_;
    const std::size_t max_data_bytes_;
    const std::chrono::milliseconds timeout_;
    redis::pool pool_;
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
