// `redis://` user store: a hash per user (`sesh:user:<id>`), a name index (`sesh:uname:<name>`,
// claimed with SET NX so two sign-ups of one name cannot both win) and a sorted set of names.
#include <charconv>

#include <sesh/error.hpp>

#include "auth/user_backends.hpp"
#include "core/unix_ms.hpp"
#include "store/redis/redis_pool.hpp"

namespace sesh::detail {
namespace {

using redis::command;
using redis::reply_text;

constexpr std::string_view user_prefix = "sesh:user:";
constexpr std::string_view name_prefix = "sesh:uname:";
constexpr std::string_view names_key = "sesh:users";

clock::time_point from_ms(std::string_view s) {
    std::int64_t ms = 0;
    std::from_chars(s.data(), s.data() + s.size(), ms);
    return from_unix_ms(ms).value_or(clock::time_point{});
}

class redis_user_store final : public user_store {
public:
    redis_user_store(redis::connection_config cfg, const store_options& options)
        : timeout_(options.timeout), pool_(std::move(cfg), options.pool_size) {}

    result<std::optional<user>> find_by_name(std::string_view name) override {
        auto id = run(command{"GET"}.arg(name_prefix, name));
        if (!id) return fail(id.error());
        if ((*id)->type != REDIS_REPLY_STRING) return std::nullopt;
        return find_by_id(reply_text(**id));
    }

    result<std::optional<user>> find_by_id(std::string_view id) override {
        auto r = run(command{"HMGET"}.arg(user_prefix, id).arg("name").arg("email").arg("hash").arg("created").arg("changed"));
        if (!r) return fail(r.error());
        const redisReply& a = **r;
        if (a.type != REDIS_REPLY_ARRAY || a.elements != 5 || a.element[0]->type != REDIS_REPLY_STRING) return std::nullopt;
        auto field = [&](std::size_t i) { return std::string(reply_text(*a.element[i])); };
        user u{std::string(id), field(0), field(1), field(2), from_ms(field(3)), from_ms(field(4))};
        return u;
    }

    result<void> create(const user& u) override {
        if (!user_is_well_formed(u)) return fail(errc::invalid_argument);
        auto claimed = run(command{"SET"}.arg(name_prefix, u.name).arg(u.id).arg("NX"));
        if (!claimed) return fail(claimed.error());
        if ((*claimed)->type == REDIS_REPLY_NIL) return fail(errc::already_exists);
        const command cmds[] = {
            command{"HSET"}.arg(user_prefix, u.id).arg("name").arg(u.name).arg("email").arg(u.email)
                .arg("hash").arg(u.password_hash).arg("created").arg(to_unix_ms(u.created))
                .arg("changed").arg(to_unix_ms(u.password_changed)),
            command{"ZADD", names_key, "0", u.name},
        };
        return run_all(cmds);
    }

    result<void> set_password(std::string_view id, std::string_view hash, clock::time_point changed) override {
        auto exists = run(command{"EXISTS"}.arg(user_prefix, id));
        if (!exists) return fail(exists.error());
        if ((*exists)->integer == 0) return fail(errc::not_found);
        const command cmds[] = {command{"HSET"}.arg(user_prefix, id).arg("hash").arg(hash).arg("changed").arg(to_unix_ms(changed))};
        return run_all(cmds);
    }

    result<void> erase(std::string_view id) override {
        auto u = find_by_id(id);
        if (!u) return fail(u.error());
        if (!*u) return {};
        const command cmds[] = {
            command{"DEL"}.arg(user_prefix, id),
            command{"DEL"}.arg(name_prefix, (*u)->name),
            command{"ZREM", names_key, (*u)->name},
        };
        return run_all(cmds);
    }

    result<std::vector<user>> list() override {
        auto names = run(command{"ZRANGE", names_key, "0", "-1"});
        if (!names) return fail(names.error());
        std::vector<user> out;
        for (std::size_t i = 0; i < (*names)->elements; ++i) {
            auto u = find_by_name(reply_text(*(*names)->element[i]));
            if (!u) return fail(u.error());
            if (*u) out.push_back(std::move(**u));
        }
        return out;
    }

private:
    result<redis::reply_ptr> run(const command& c) {
        const auto deadline = redis::steady::now() + timeout_;
        auto conn = pool_.acquire(deadline);
        if (!conn) return fail(conn.error());
        auto r = (*conn)->run(c, deadline);
        if (!r) return fail(r.error());
        if ((*r)->type == REDIS_REPLY_ERROR) return fail(errc::store_unavailable);
        return r;
    }
    result<void> run_all(std::span<const command> cmds) {
        const auto deadline = redis::steady::now() + timeout_;
        auto conn = pool_.acquire(deadline);
        if (!conn) return fail(conn.error());
        auto r = (*conn)->run(cmds, deadline);
        if (!r) return fail(r.error());
        for (const auto& reply : *r)
            if (reply->type == REDIS_REPLY_ERROR) return fail(errc::store_unavailable);
        return {};
    }

    std::chrono::milliseconds timeout_;
    redis::pool pool_;
};

}  // namespace

result<std::unique_ptr<user_store>> open_redis_user_store(const std::string& host, int port, int db,
                                                          const store_options& options) {
    redis::connection_config cfg{host, port, db, options.timeout, {}};
    return std::unique_ptr<user_store>(std::make_unique<redis_user_store>(std::move(cfg), options));
}

}  // namespace sesh::detail
