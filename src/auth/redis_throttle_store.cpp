// `redis://` throttle counts: a sorted set of failures per key (score: the failure's Unix
// milliseconds), expiring an hour after its latest failure, so every node on the server counts
// together. A failure changes its three keys in one Lua script, so two nodes recording at once
// cannot both see the pair under its share.
#include <array>
#include <charconv>

#include <sesh/encoding.hpp>
#include <sesh/error.hpp>
#include <sesh/random.hpp>

#include "auth/throttle_backends.hpp"
#include "core/unix_ms.hpp"
#include "store/redis/redis_database.hpp"

namespace sesh::detail {
namespace {

using redis::command;
using redis::operation;
using redis::read_integer;
using redis::reply_text;
using redis::unexpected_reply;

constexpr std::string_view pair_prefix = "sesh:throttle:pair:";
constexpr std::string_view address_prefix = "sesh:throttle:addr:";
constexpr std::string_view account_prefix = "sesh:throttle:acct:";

// Sent with EVAL, as the user store's scripts are: sign-ins are rare next to session reads, and
// Redis caches the scripts by hash all the same.

// KEYS: pair, address, account; ARGV: cutoff ms (failures at or before it no longer count).
// The members of each key after the cutoff, oldest first.
constexpr const char* load_lua = R"lua(
local out = {}
for i = 1, 3 do out[i] = redis.call('ZRANGEBYSCORE', KEYS[i], '(' .. ARGV[1], '+inf') end
return out
)lua";

// KEYS: pair, address, account; ARGV: now ms, cutoff ms, member, keep pair, keep address,
// keep account, share, ttl ms. Returns the pair's count in the hour.
constexpr const char* add_failure_lua = R"lua(
local function add(key, keep)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[2])
  redis.call('ZADD', key, ARGV[1], ARGV[3])
  local n = redis.call('ZCARD', key)
  if n > keep then
    redis.call('ZREMRANGEBYRANK', key, 0, n - keep - 1)
    n = keep
  end
  redis.call('PEXPIRE', key, ARGV[8])
  return n
end
local n = add(KEYS[1], tonumber(ARGV[4]))
add(KEYS[2], tonumber(ARGV[5]))
if n <= tonumber(ARGV[7]) then add(KEYS[3], tonumber(ARGV[6])) end
return n
)lua";

// The pair's key: the address's length first, so no account or address can forge another pair's.
std::string pair_key(std::string_view account, std::string_view address) {
    std::string k(pair_prefix);
    k.append(std::to_string(address.size())).append(":").append(address).append(":").append(account);
    return k;
}

command keys_of(command c, std::string_view account, std::string_view address) {
    c.arg(pair_key(account, address)).arg(address_prefix, address).arg(account_prefix, account);
    return c;
}

// A member is `<ms>:<random hex>`: unique, so two failures in one millisecond are two.
std::string new_member(std::int64_t ms) {
    std::array<std::uint8_t, 8> nonce{};
    system_random().fill(nonce);
    return std::to_string(ms) + ":" + hex_encode(nonce);
}

result<std::vector<clock::time_point>> read_times(const redisReply& r) {
    if (r.type != REDIS_REPLY_ARRAY) return unexpected_reply("load throttle failures", r);
    std::vector<clock::time_point> out;
    out.reserve(r.elements);
    for (std::size_t i = 0; i < r.elements; ++i) {
        const std::string_view m = reply_text(*r.element[i]);
        std::int64_t ms = 0;
        const auto [end, ec] = std::from_chars(m.data(), m.data() + m.size(), ms);
        if (ec != std::errc() || end == m.data()) return unexpected_reply("load throttle failures", r);
        out.push_back(from_unix_ms(ms).value_or(clock::time_point{}));
    }
    return out;
}

std::int64_t cutoff_of(clock::time_point now) { return to_unix_ms(now - throttle_hour); }

operation<throttle_failures> load_op(std::string_view account, std::string_view address, clock::time_point now) {
    operation<throttle_failures> op;
    op.cmd = keys_of(command{"EVAL", load_lua, "3"}, account, address);
    op.cmd.arg(cutoff_of(now));
    op.read = [](const redisReply& r) -> result<throttle_failures> {
        if (r.type != REDIS_REPLY_ARRAY || r.elements != 3) return unexpected_reply("load throttle failures", r);
        throttle_failures out;
        for (auto [i, to] : {std::pair{0, &out.pair}, std::pair{1, &out.address}, std::pair{2, &out.account}}) {
            auto times = read_times(*r.element[i]);
            if (!times) return fail(times.error());
            *to = std::move(*times);
        }
        return out;
    };
    return op;
}

operation<void> add_failure_op(std::string_view account, std::string_view address, clock::time_point now,
                               const throttle_keep& keep) {
    const std::int64_t ms = to_unix_ms(now);
    operation<void> op;
    op.cmd = keys_of(command{"EVAL", add_failure_lua, "3"}, account, address);
    op.cmd.arg(ms).arg(cutoff_of(now)).arg(new_member(ms));
    op.cmd.arg(static_cast<long long>(keep.pair)).arg(static_cast<long long>(keep.address));
    op.cmd.arg(static_cast<long long>(keep.account)).arg(static_cast<long long>(keep.share));
    op.cmd.arg(static_cast<long long>(std::chrono::milliseconds(throttle_hour).count()));
    op.read = [](const redisReply& r) -> result<void> {
        auto n = read_integer(r, "record a throttle failure");
        if (!n) return fail(n.error());
        return {};
    };
    return op;
}

operation<void> clear_pair_op(std::string_view account, std::string_view address) {
    operation<void> op;
    op.cmd = command{"DEL"};
    op.cmd.arg(pair_key(account, address));
    op.read = [](const redisReply& r) -> result<void> {
        auto n = read_integer(r, "clear throttle failures");
        if (!n) return fail(n.error());
        return {};
    };
    return op;
}

// The operations refer to nothing of this object: a reply may arrive after it is gone.
class redis_throttle_store final : public throttle_store {
public:
    explicit redis_throttle_store(std::shared_ptr<redis_database> db) : db_(std::move(db)) {}

    result<throttle_failures> load(std::string_view account, std::string_view address, clock::time_point now) override {
        return db_->run_blocking(load_op(account, address, now));
    }
    result<void> add_failure(std::string_view account, std::string_view address, clock::time_point now,
                             const throttle_keep& keep) override {
        return db_->run_blocking(add_failure_op(account, address, now, keep));
    }
    result<void> clear_pair(std::string_view account, std::string_view address) override {
        return db_->run_blocking(clear_pair_op(account, address));
    }

    void start_load(std::string account, std::string address, clock::time_point now, boost::asio::io_context* loop,
                    store_callback<throttle_failures> done) override {
        db_->run_async(load_op(account, address, now), loop, std::move(done));
    }
    void start_add_failure(std::string account, std::string address, clock::time_point now, throttle_keep keep,
                           boost::asio::io_context* loop, store_callback<void> done) override {
        db_->run_async(add_failure_op(account, address, now, keep), loop, std::move(done));
    }
    void start_clear_pair(std::string account, std::string address, boost::asio::io_context* loop,
                          store_callback<void> done) override {
        db_->run_async(clear_pair_op(account, address), loop, std::move(done));
    }

private:
    std::shared_ptr<redis_database> db_;
};

}  // namespace

result<std::shared_ptr<throttle_store>> make_throttle_store(const std::shared_ptr<redis_database>& db,
                                                            const store_options&) {
    return std::shared_ptr<throttle_store>(std::make_shared<redis_throttle_store>(db));
}

}  // namespace sesh::detail
