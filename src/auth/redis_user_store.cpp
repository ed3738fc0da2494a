// `redis://` user store: a hash per user (`sesh:user:<id>`), a name index (`sesh:uname:<name>`),
// a sorted set of names (`sesh:users`) and one of ids per e-mail (`sesh:uemail:<email>`, scored
// by creation time); provider accounts as a hash each (`sesh:account:<len>:<provider>:<id>`) and
// a set of them per user (`sesh:uaccounts:<user id>`); on the session store's connections. Each call is one
// command and one reading of its reply, shared by both faces (redis_operation.hpp); the ones that
// touch several keys are Lua scripts, so a sign-up claims its name and writes its hash at once.
#include <algorithm>
#include <charconv>
#include <tuple>

#include <sesh/error.hpp>

#include "auth/user_backends.hpp"
#include "core/unix_ms.hpp"
#include "store/redis/redis_database.hpp"

namespace sesh::detail {
namespace {

using redis::command;
using redis::operation;
using redis::read_integer;
using redis::reply_text;
using redis::unexpected_reply;

constexpr std::string_view user_prefix = "sesh:user:";
constexpr std::string_view name_prefix = "sesh:uname:";
constexpr std::string_view names_key = "sesh:users";
constexpr std::string_view email_prefix = "sesh:uemail:";
constexpr std::string_view account_prefix = "sesh:account:";
constexpr std::string_view user_accounts_prefix = "sesh:uaccounts:";

// What follows account_prefix for (provider, provider account id): the provider's length first,
// so no provider name or account id can make two pairs share a key.
std::string account_suffix(std::string_view provider, std::string_view provider_account_id) {
    std::string s = std::to_string(provider.size());
    s += ':';
    s += provider;
    s += ':';
    s += provider_account_id;
    return s;
}

// Sent with EVAL, not preloaded for EVALSHA: the connections load the session store's scripts
// only, and account calls (sign-in, sign-up) are rare enough that a few hundred bytes of script
// text each cost nothing worth a second script list. Redis caches them by hash all the same.

// KEYS: name index; ARGV: user prefix. The id and the five fields, or nil.
constexpr const char* find_by_name_lua = R"lua(
local id = redis.call('GET', KEYS[1])
if not id then return false end
local f = redis.call('HMGET', ARGV[1] .. id, 'name', 'email', 'hash', 'created', 'changed')
return {id, f[1], f[2], f[3], f[4], f[5]}
)lua";

// KEYS: name index, user hash, name set, e-mail index; ARGV: id, name, email, hash, created,
// changed. 0 when the name or the id is taken, else 1 after writing the keys.
constexpr const char* create_lua = R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('HSET', KEYS[2], 'name', ARGV[2], 'email', ARGV[3], 'hash', ARGV[4], 'created', ARGV[5], 'changed', ARGV[6])
redis.call('ZADD', KEYS[3], 0, ARGV[2])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1]) end
return 1
)lua";

// KEYS: e-mail index; ARGV: user prefix. The oldest user of that e-mail as find_by_name_lua
// answers, or nil.
constexpr const char* find_by_email_lua = R"lua(
local ids = redis.call('ZRANGE', KEYS[1], 0, 0)
if #ids == 0 then return false end
local id = ids[1]
local f = redis.call('HMGET', ARGV[1] .. id, 'name', 'email', 'hash', 'created', 'changed')
return {id, f[1], f[2], f[3], f[4], f[5]}
)lua";

// KEYS: account hash, user hash, the user's account set; ARGV: the account's key suffix, then
// provider, provider account id, user id, type, the five tokens, expires_at.
// -1: no such user; 0: the account is linked already; 1: linked.
constexpr const char* link_lua = R"lua(
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'provider', ARGV[2], 'pid', ARGV[3], 'user', ARGV[4], 'type', ARGV[5],
           'access', ARGV[6], 'refresh', ARGV[7], 'id', ARGV[8], 'token_type', ARGV[9], 'scope', ARGV[10],
           'session_state', ARGV[11], 'expires', ARGV[12])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
)lua";

// KEYS: the user's account set; ARGV: account prefix. Each account's fields (account_fields).
constexpr const char* list_accounts_lua = R"lua(
local out = {}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local f = redis.call('HMGET', ARGV[1] .. m, 'provider', 'pid', 'user', 'type', 'access', 'refresh', 'id',
                       'token_type', 'scope', 'session_state', 'expires')
  if f[1] then out[#out + 1] = f end
end
return out
)lua";

// KEYS: user hash; ARGV: hash, changed. 0 when there is no such user, else 1.
constexpr const char* set_password_lua = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'changed', ARGV[2])
return 1
)lua";

// KEYS: user hash, name set, the user's account set; ARGV: name index prefix, e-mail index
// prefix, user id, account prefix. Removes the user, its name, its e-mail entry and its accounts.
// (string.lower folds ASCII only, as email_key does.)
constexpr const char* erase_lua = R"lua(
local f = redis.call('HMGET', KEYS[1], 'name', 'email')
if not f[1] then return 0 end
redis.call('DEL', KEYS[1], ARGV[1] .. f[1])
redis.call('ZREM', KEYS[2], f[1])
if f[2] and f[2] ~= '' then redis.call('ZREM', ARGV[2] .. string.lower(f[2]), ARGV[3]) end
for _, m in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('DEL', ARGV[4] .. m) end
redis.call('DEL', KEYS[3])
return 1
)lua";

clock::time_point from_ms(std::string_view s) {
    std::int64_t ms = 0;
    std::from_chars(s.data(), s.data() + s.size(), ms);
    return from_unix_ms(ms).value_or(clock::time_point{});
}

// The user `id` from its five hash fields (name, email, hash, created, changed); nothing when the
// hash is gone (no name).
std::optional<user> decode_user(std::string_view id, redisReply* const* f) {
    if (f[0]->type != REDIS_REPLY_STRING) return std::nullopt;
    auto field = [&](std::size_t i) { return std::string(reply_text(*f[i])); };
    return user{std::string(id), field(0), field(1), field(2), from_ms(field(3)), from_ms(field(4))};
}

operation<std::optional<user>> find_by_name_op(std::string_view name) {
    operation<std::optional<user>> op;
    op.cmd = command{"EVAL", find_by_name_lua, "1"};
    op.cmd.arg(name_prefix, name).arg(user_prefix);
    op.read = [](const redisReply& r) -> result<std::optional<user>> {
        if (r.type == REDIS_REPLY_NIL) return std::nullopt;
        if (r.type != REDIS_REPLY_ARRAY || r.elements != 6 || r.element[0]->type != REDIS_REPLY_STRING)
            return unexpected_reply("find user by name", r);
        return decode_user(reply_text(*r.element[0]), r.element + 1);
    };
    return op;
}

operation<std::optional<user>> find_by_id_op(std::string_view id) {
    operation<std::optional<user>> op;
    op.cmd = command{"HMGET"};
    op.cmd.arg(user_prefix, id).arg("name").arg("email").arg("hash").arg("created").arg("changed");
    op.read = [id = std::string(id)](const redisReply& r) -> result<std::optional<user>> {
        if (r.type != REDIS_REPLY_ARRAY || r.elements != 5) return unexpected_reply("find user by id", r);
        return decode_user(id, r.element);
    };
    return op;
}

// Reads a script's 1 (done) or 0 (refused: `refused`).
std::function<result<void>(const redisReply&)> one_or(errc refused, const char* what) {
    return [refused, what](const redisReply& r) -> result<void> {
        auto n = read_integer(r, what);
        if (!n) return fail(n.error());
        if (*n == 0) return fail(refused);
        return {};
    };
}

operation<void> create_op(const user& u) {
    if (!user_is_well_formed(u)) return operation<void>::settled(fail(errc::invalid_argument));
    operation<void> op;
    op.cmd = command{"EVAL", create_lua, "4"};
    op.cmd.arg(name_prefix, u.name).arg(user_prefix, u.id).arg(names_key).arg(email_prefix, email_key(u.email));
    op.cmd.arg(u.id).arg(u.name).arg(u.email).arg(u.password_hash).arg(to_unix_ms(u.created)).arg(to_unix_ms(u.password_changed));
    op.read = one_or(errc::already_exists, "create user");
    op.durable = true;
    return op;
}

operation<void> set_password_op(std::string_view id, std::string_view hash, clock::time_point changed) {
    operation<void> op;
    op.cmd = command{"EVAL", set_password_lua, "1"};
    op.cmd.arg(user_prefix, id).arg(hash).arg(to_unix_ms(changed));
    op.read = one_or(errc::not_found, "set password");
    op.durable = true;
    return op;
}

operation<void> erase_op(std::string_view id) {
    operation<void> op;
    op.cmd = command{"EVAL", erase_lua, "3"};
    op.cmd.arg(user_prefix, id).arg(names_key).arg(user_accounts_prefix, id);
    op.cmd.arg(name_prefix).arg(email_prefix).arg(id).arg(account_prefix);
    op.read = [](const redisReply& r) -> result<void> {
        auto n = read_integer(r, "erase user");
        if (!n) return fail(n.error());
        return {};
    };
    op.durable = true;
    return op;
}

operation<std::optional<user>> find_by_email_op(std::string_view email) {
    if (email.empty()) return operation<std::optional<user>>::settled(std::optional<user>());
    operation<std::optional<user>> op;
    op.cmd = command{"EVAL", find_by_email_lua, "1"};
    op.cmd.arg(email_prefix, email_key(email)).arg(user_prefix);
    op.read = [](const redisReply& r) -> result<std::optional<user>> {
        if (r.type == REDIS_REPLY_NIL) return std::nullopt;
        if (r.type != REDIS_REPLY_ARRAY || r.elements != 6 || r.element[0]->type != REDIS_REPLY_STRING)
            return unexpected_reply("find user by e-mail", r);
        return decode_user(reply_text(*r.element[0]), r.element + 1);
    };
    return op;
}

// An account from its 11 fields (provider, pid, user, type, access, refresh, id, token_type,
// scope, session_state, expires); nothing when the hash is gone.
std::optional<linked_account> decode_account(redisReply* const* f) {
    if (f[0]->type != REDIS_REPLY_STRING) return std::nullopt;
    auto field = [&](std::size_t i) { return std::string(reply_text(*f[i])); };
    linked_account a{field(0), field(1), field(2), field(3), field(4), field(5), field(6), field(7), field(8), field(9), 0};
    const auto expires = reply_text(*f[10]);
    std::from_chars(expires.data(), expires.data() + expires.size(), a.expires_at);
    return a;
}

operation<std::optional<linked_account>> find_account_op(std::string_view provider, std::string_view pid) {
    operation<std::optional<linked_account>> op;
    op.cmd = command{"HMGET"};
    op.cmd.arg(account_prefix, account_suffix(provider, pid));
    for (auto f : {"provider", "pid", "user", "type", "access", "refresh", "id", "token_type", "scope", "session_state", "expires"})
        op.cmd.arg(f);
    op.read = [](const redisReply& r) -> result<std::optional<linked_account>> {
        if (r.type != REDIS_REPLY_ARRAY || r.elements != 11) return unexpected_reply("find account", r);
        return decode_account(r.element);
    };
    return op;
}

operation<void> link_account_op(const linked_account& a) {
    if (!account_is_well_formed(a)) return operation<void>::settled(fail(errc::invalid_argument));
    const std::string suffix = account_suffix(a.provider, a.provider_account_id);
    operation<void> op;
    op.cmd = command{"EVAL", link_lua, "3"};
    op.cmd.arg(account_prefix, suffix).arg(user_prefix, a.user_id).arg(user_accounts_prefix, a.user_id);
    op.cmd.arg(suffix).arg(a.provider).arg(a.provider_account_id).arg(a.user_id).arg(a.type).arg(a.access_token);
    op.cmd.arg(a.refresh_token).arg(a.id_token).arg(a.token_type).arg(a.scope).arg(a.session_state).arg(a.expires_at);
    op.read = [](const redisReply& r) -> result<void> {
        auto n = read_integer(r, "link account");
        if (!n) return fail(n.error());
        if (*n < 0) return fail(errc::not_found);
        if (*n == 0) return fail(errc::already_exists);
        return {};
    };
    return op;
}

operation<std::vector<linked_account>> list_accounts_op(std::string_view user_id) {
    operation<std::vector<linked_account>> op;
    op.cmd = command{"EVAL", list_accounts_lua, "1"};
    op.cmd.arg(user_accounts_prefix, user_id).arg(account_prefix);
    op.read = [](const redisReply& r) -> result<std::vector<linked_account>> {
        if (r.type != REDIS_REPLY_ARRAY) return unexpected_reply("list accounts", r);
        std::vector<linked_account> out;
        for (std::size_t i = 0; i < r.elements; ++i) {
            const redisReply& e = *r.element[i];
            if (e.type != REDIS_REPLY_ARRAY || e.elements != 11) return unexpected_reply("list accounts", r);
            if (auto a = decode_account(e.element)) out.push_back(std::move(*a));
        }
        std::sort(out.begin(), out.end(), [](const linked_account& x, const linked_account& y) {
            return std::tie(x.provider, x.provider_account_id) < std::tie(y.provider, y.provider_account_id);
        });
        return out;
    };
    return op;
}

operation<std::vector<std::string>> names_op() {
    operation<std::vector<std::string>> op;
    op.cmd = command{"ZRANGE", names_key, "0", "-1"};
    op.read = [](const redisReply& r) -> result<std::vector<std::string>> {
        if (r.type != REDIS_REPLY_ARRAY) return unexpected_reply("list users", r);
        std::vector<std::string> out;
        for (std::size_t i = 0; i < r.elements; ++i) out.emplace_back(reply_text(*r.element[i]));
        return out;
    };
    return op;
}

// The operations refer to nothing of this object: a reply may arrive after it is gone.
class redis_user_store final : public user_store {
public:
    explicit redis_user_store(std::shared_ptr<redis_database> db) : db_(std::move(db)) {}

    result<std::optional<user>> find_by_name(std::string_view name) override {
        return db_->run_blocking(find_by_name_op(name));
    }
    result<std::optional<user>> find_by_id(std::string_view id) override { return db_->run_blocking(find_by_id_op(id)); }
    result<void> create(const user& u) override { return db_->run_blocking(create_op(u)); }
    result<void> set_password(std::string_view id, std::string_view hash, clock::time_point changed) override {
        return db_->run_blocking(set_password_op(id, hash, changed));
    }
    result<void> erase(std::string_view id) override { return db_->run_blocking(erase_op(id)); }

    result<std::vector<user>> list() override {
        auto names = db_->run_blocking(names_op());
        if (!names) return fail(names.error());
        std::vector<user> out;
        for (const auto& name : *names) {
            auto u = find_by_name(name);
            if (!u) return fail(u.error());
            if (*u) out.push_back(std::move(**u));
        }
        return out;
    }

    result<std::optional<user>> find_by_email(std::string_view email) override {
        return db_->run_blocking(find_by_email_op(email));
    }
    result<std::optional<linked_account>> find_account(std::string_view provider,
                                                       std::string_view provider_account_id) override {
        return db_->run_blocking(find_account_op(provider, provider_account_id));
    }
    result<void> link_account(const linked_account& a) override { return db_->run_blocking(link_account_op(a)); }
    result<std::vector<linked_account>> list_accounts(std::string_view user_id) override {
        return db_->run_blocking(list_accounts_op(user_id));
    }

    void start_find_by_name(std::string name, boost::asio::io_context* loop,
                            store_callback<std::optional<user>> done) override {
        db_->run_async(find_by_name_op(name), loop, std::move(done));
    }
    void start_find_by_id(std::string id, boost::asio::io_context* loop, store_callback<std::optional<user>> done) override {
        db_->run_async(find_by_id_op(id), loop, std::move(done));
    }
    void start_create(user u, boost::asio::io_context* loop, store_callback<void> done) override {
        db_->run_async(create_op(u), loop, std::move(done));
    }
    void start_set_password(std::string id, std::string hash, clock::time_point changed, boost::asio::io_context* loop,
                            store_callback<void> done) override {
        db_->run_async(set_password_op(id, hash, changed), loop, std::move(done));
    }
    void start_erase(std::string id, boost::asio::io_context* loop, store_callback<void> done) override {
        db_->run_async(erase_op(id), loop, std::move(done));
    }
    void start_find_by_email(std::string email, boost::asio::io_context* loop,
                             store_callback<std::optional<user>> done) override {
        db_->run_async(find_by_email_op(email), loop, std::move(done));
    }
    void start_find_account(std::string provider, std::string provider_account_id, boost::asio::io_context* loop,
                            store_callback<std::optional<linked_account>> done) override {
        db_->run_async(find_account_op(provider, provider_account_id), loop, std::move(done));
    }
    void start_link_account(linked_account a, boost::asio::io_context* loop, store_callback<void> done) override {
        db_->run_async(link_account_op(a), loop, std::move(done));
    }
    void start_list_accounts(std::string user_id, boost::asio::io_context* loop,
                             store_callback<std::vector<linked_account>> done) override {
        db_->run_async(list_accounts_op(user_id), loop, std::move(done));
    }

private:
    std::shared_ptr<redis_database> db_;
};

}  // namespace

result<std::unique_ptr<user_store>> make_user_store(const std::shared_ptr<redis_database>& db, const store_options&) {
    return std::unique_ptr<user_store>(std::make_unique<redis_user_store>(db));
}

}  // namespace sesh::detail
