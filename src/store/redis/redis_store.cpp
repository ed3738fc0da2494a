// The `redis://HOST:PORT/DB` session store.
// Records are hashes with Redis TTLs, plus per-user index sets, the deny list and not-before
// times (layout in redis_record.hpp); conditional writes run as Lua scripts (redis_scripts.cpp).
// The connections are the database's (redis_database.hpp), shared with the user store. Each
// operation is one command and one reading of its reply, shared by both faces.
#include <algorithm>
#include <optional>

#include "store/backends.hpp"
#include "store/redis/redis_database.hpp"
#include "store/redis/redis_record.hpp"

namespace sesh::detail {
namespace {

using redis::operation;
using redis::read_integer;
using redis::read_ok;
using redis::reply_text;
using redis::script;
using redis::unexpected_reply;

// A not-before time must outlive every token issued before it. Browsers keep no cookie longer
// than 400 days (RFC 6265bis, section 5.6.1, and Chrome), so no such token arrives later.
constexpr auto not_before_retention = std::chrono::days(400);

class redis_store final : public store {
public:
    redis_store(std::shared_ptr<redis_database> db, const store_options& options)
        : clock_(options.clock != nullptr ? *options.clock : system_clock()),
          max_data_bytes_(options.max_data_bytes),
          db_(std::move(db)) {}

    // ---- the blocking face -------------------------------------------------------------------

    result<std::optional<session_record>> get(std::string_view key) override { return db_->run_blocking(get_op(key)); }
    result<void> create(const session_record& r) override { return db_->run_blocking(put_op(r, true)); }
    result<void> update(const session_record& r) override { return db_->run_blocking(put_op(r, false)); }
    result<bool> touch(std::string_view key, clock::time_point last_seen, clock::time_point idle_expires) override {
        return db_->run_blocking(touch_op(key, last_seen, idle_expires));
    }
    result<void> erase(std::string_view key) override { return db_->run_blocking(erase_op(key)); }
    result<std::vector<session_record>> list_user(std::string_view user_id) override {
        return db_->run_blocking(list_user_op(user_id));
    }
    result<std::size_t> erase_user(std::string_view user_id, std::string_view keep) override {
        return db_->run_blocking(erase_user_op(user_id, keep));
    }
    result<void> deny(std::string_view jti, clock::time_point until) override { return db_->run_blocking(deny_op(jti, until)); }
    result<void> set_not_before(std::string_view user_id, clock::time_point t) override {
        return db_->run_blocking(not_before_op(user_id, t));
    }
    result<bool> revoked(std::string_view jti, std::string_view user_id, clock::time_point issued_at) override {
        return db_->run_blocking(revoked_op(jti, user_id, issued_at));
    }

    // Redis drops expired keys by itself.
    result<std::size_t> purge_expired(std::size_t /*max*/) override { return std::size_t{0}; }

    // ---- the asynchronous face -----------------------------------------------------------------

    void start_get(std::string key, boost::asio::io_context* loop,
                   store_callback<std::optional<session_record>> done) override {
        db_->run_async(get_op(key), loop, std::move(done));
    }
    void start_create(session_record r, boost::asio::io_context* loop, store_callback<void> done) override {
        db_->run_async(put_op(r, true), loop, std::move(done));
    }
    void start_update(session_record r, boost::asio::io_context* loop, store_callback<void> done) override {
        db_->run_async(put_op(r, false), loop, std::move(done));
    }
    void start_touch(std::string key, clock::time_point last_seen, clock::time_point idle_expires,
                     boost::asio::io_context* loop, store_callback<bool> done) override {
        db_->run_async(touch_op(key, last_seen, idle_expires), loop, std::move(done));
    }
    void start_erase(std::string key, boost::asio::io_context* loop, store_callback<void> done) override {
        db_->run_async(erase_op(key), loop, std::move(done));
    }
    void start_list_user(std::string user_id, boost::asio::io_context* loop,
                         store_callback<std::vector<session_record>> done) override {
        db_->run_async(list_user_op(user_id), loop, std::move(done));
    }
    void start_erase_user(std::string user_id, std::string keep, boost::asio::io_context* loop,
                          store_callback<std::size_t> done) override {
        db_->run_async(erase_user_op(user_id, keep), loop, std::move(done));
    }
    void start_deny(std::string jti, clock::time_point until, boost::asio::io_context* loop,
                    store_callback<void> done) override {
        db_->run_async(deny_op(jti, until), loop, std::move(done));
    }
    void start_set_not_before(std::string user_id, clock::time_point t, boost::asio::io_context* loop,
                              store_callback<void> done) override {
        db_->run_async(not_before_op(user_id, t), loop, std::move(done));
    }
    void start_revoked(std::string jti, std::string user_id, clock::time_point issued_at,
                       boost::asio::io_context* loop, store_callback<bool> done) override {
        db_->run_async(revoked_op(jti, user_id, issued_at), loop, std::move(done));
    }

private:
    // ---- the operations ------------------------------------------------------------------------

    operation<std::optional<session_record>> get_op(std::string_view key) const {
        operation<std::optional<session_record>> op;
        op.cmd.arg("HMGET").arg(redis::session_prefix, key);
        for (auto f : redis::record_fields) op.cmd.arg(f);
        op.read = [key = std::string(key), now = clock_.now()](const redisReply& r) -> result<std::optional<session_record>> {
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
            if (rec.expires() <= now) return std::optional<session_record>();
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
        op.durable = true;
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
        op.durable = true;
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
        op.durable = true;
        return op;
    }

    operation<std::vector<session_record>> list_user_op(std::string_view user_id) const {
        // Anonymous sessions are not indexed.
        if (user_id.empty()) return operation<std::vector<session_record>>::settled(std::vector<session_record>{});
        operation<std::vector<session_record>> op;
        op.lua = script::list_user;
        op.cmd.arg(1).arg(redis::user_prefix, user_id).arg(user_id);
        for (auto f : redis::record_fields) op.cmd.arg(f);
        op.read = [now = clock_.now()](const redisReply& r) -> result<std::vector<session_record>> {
            constexpr std::size_t stride = 1 + redis::record_fields.size();
            if (r.type != REDIS_REPLY_ARRAY || r.elements % stride != 0) return unexpected_reply("list_user", r);
            std::vector<session_record> out;
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
        op.durable = true;
        return op;
    }

    // A revocation is written and announced on the database's channel in one script, so every
    // node's mirror hears of it; this node's own mirror learns it before the write.
    operation<void> deny_op(std::string_view jti, clock::time_point until) const {
        return announce_op(redis::deny_prefix, jti, until, until, redis::deny_message(jti, until), "deny");
    }

    operation<void> not_before_op(std::string_view user_id, clock::time_point t) const {
        const auto keep_until = t < clock::time_point::max() - not_before_retention ? t + not_before_retention
                                                                                     : clock::time_point::max();
        return announce_op(redis::not_before_prefix, user_id, t, keep_until, redis::not_before_message(user_id, t),
                           "set_not_before");
    }

    operation<void> announce_op(std::string_view prefix, std::string_view id, clock::time_point value,
                                clock::time_point keep_until, std::string message, std::string_view what) const {
        db_->note_revocation(message);
        operation<void> op;
        op.lua = script::set_and_announce;
        op.cmd.arg(1).arg(prefix, id).arg(redis::encode_time(value)).arg(redis::expire_at_ms(keep_until));
        op.cmd.arg(db_->revocation_channel()).arg(message);
        op.read = [what = std::string(what)](const redisReply& r) { return read_ok(r, what); };
        op.durable = true;
        return op;
    }

    operation<bool> revoked_op(std::string_view jti, std::string_view user_id, clock::time_point issued_at) const {
        if (jti.empty() && user_id.empty()) return operation<bool>::settled(false);
        // Answered from memory once this process's mirror is current; from Redis until then.
        if (const auto known = db_->revocations().revoked(jti, user_id, issued_at, clock_.now()))
            return operation<bool>::settled(*known);
        operation<bool> op;
        op.cmd.arg("MGET");  // both checks in one command: one round trip on the hot path
        if (!jti.empty()) op.cmd.arg(redis::deny_prefix, jti);
        if (!user_id.empty()) op.cmd.arg(redis::not_before_prefix, user_id);
        op.read = [now = clock_.now(), jti = std::string(jti), user_id = std::string(user_id), issued_at,
                   n = op.cmd.size() - 1](const redisReply& r) -> result<bool> {
            if (r.type != REDIS_REPLY_ARRAY || r.elements != n) return unexpected_reply("MGET", r);
            std::size_t i = 0;
            if (!jti.empty()) {
                const auto until = time_value(*r.element[i++], "deny entry", jti);
                if (until && now < *until) return true;
            }
            if (!user_id.empty()) {
                const auto not_before = time_value(*r.element[i], "not-before time", user_id);
                if (not_before && issued_at < *not_before) return true;
            }
            return false;
        };
        return op;
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
    const std::shared_ptr<redis_database> db_;
};

}  // namespace

result<std::unique_ptr<store>> make_store(const std::shared_ptr<redis_database>& db, const store_options& options) {
    return std::unique_ptr<store>(std::make_unique<redis_store>(db, options));
}

}  // namespace sesh::detail
