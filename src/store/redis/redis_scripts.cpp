// The Redis backend's Lua scripts.
// Each check-then-write runs inside Redis, atomically, so a save racing a destroy or two renewals
// racing each other cannot interleave. Times arrive from the caller's clock (tests move it), as
// decimal nanoseconds compared exactly as text. Needs Redis 7.0 or later (PEXPIREAT ... GT).
#include "store/redis/redis_scripts.hpp"

namespace sesh::detail::redis {
namespace {

constexpr const char* prelude = R"lua(
local S, U = 'sesh:s:', 'sesh:u:'
-- Orders two non-negative decimal integers given as text, exactly: Lua numbers are doubles and
-- nanoseconds since 1970 need 61 bits.
local function cmp(a, b)
  if #a ~= #b then return #a < #b and -1 or 1 end
  if a == b then return 0 end
  for i = 1, #a do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then return x < y and -1 or 1 end
  end
  return 0
end
-- True when key holds a record whose idle and absolute expiries are both after now.
local function live(key, now)
  if redis.call('TYPE', key).ok ~= 'hash' then return false end
  local e = redis.call('HMGET', key, 'i', 'a')
  return e[1] ~= false and e[2] ~= false and cmp(e[1], now) > 0 and cmp(e[2], now) > 0
end
-- Adds member to a user index and keeps the index alive at least until at (ms).
local function index(set, member, at)
  redis.call('SADD', set, member)
  if redis.call('PTTL', set) < 0 then
    redis.call('PEXPIREAT', set, at)
  else
    redis.call('PEXPIREAT', set, at, 'GT')
  end
end
-- Removes member from the index of the user that key's record belongs to, unless that is keep.
local function unindex(key, member, keep)
  if redis.call('TYPE', key).ok ~= 'hash' then return end
  local u = redis.call('HGET', key, 'u')
  if u and u ~= '' and U .. u ~= keep then redis.call('SREM', U .. u, member) end
end
)lua";

constexpr const char* put = R"lua(
local key, now, at, member = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
if (ARGV[4] == 'create') == live(key, now) then return 0 end
unindex(key, member, KEYS[2])
redis.call('DEL', key)
redis.call('HSET', key, unpack(ARGV, 5))
redis.call('PEXPIREAT', key, at)
if KEYS[2] then index(KEYS[2], member, at) end
return 1
)lua";

constexpr const char* touch = R"lua(
local key = KEYS[1]
if not live(key, ARGV[1]) then return -1 end
local f = redis.call('HMGET', key, 'l', 'a', 'u')
if f[1] and cmp(f[1], ARGV[2]) >= 0 then return 0 end
redis.call('HSET', key, 'l', ARGV[2], 'i', ARGV[3])
-- the key lives until the earlier expiry; renewal never moves the absolute one
local at = tonumber(ARGV[4])
local absolute = tonumber(f[2])
if absolute then
  absolute = math.ceil(absolute / 1000000) + 1
  if absolute < at then at = absolute end
end
at = string.format('%.0f', at)
redis.call('PEXPIREAT', key, at)
if f[3] and f[3] ~= '' then index(U .. f[3], ARGV[5], at) end
return 1
)lua";

constexpr const char* erase = R"lua(
unindex(KEYS[1], ARGV[1], nil)
return redis.call('DEL', KEYS[1])
)lua";

constexpr const char* erase_user = R"lua(
local n = 0
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if m ~= ARGV[3] then
    local key = S .. m
    if redis.call('TYPE', key).ok == 'hash' and redis.call('HGET', key, 'u') == ARGV[2] then
      if live(key, ARGV[1]) then n = n + 1 end
      redis.call('DEL', key)
    end
    redis.call('SREM', KEYS[1], m)
  end
end
return n
)lua";

constexpr const char* list_user = R"lua(
local out = {}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = S .. m
  if redis.call('TYPE', key).ok == 'hash' and redis.call('HGET', key, 'u') == ARGV[1] then
    out[#out + 1] = m
    local f = redis.call('HMGET', key, unpack(ARGV, 2))
    for j = 1, #f do out[#out + 1] = f[j] end
  else
    redis.call('SREM', KEYS[1], m)
  end
end
return out
)lua";

// A revocation written and announced in one step, so no node that reads the key after the write
// can miss the message (the revocation mirrors, redis_revocations.cpp, subscribe before they read).
constexpr const char* set_and_announce = R"lua(
local r = redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return r
)lua";

}  // namespace

const std::vector<std::string>& script_texts() {
    static const std::vector<std::string> texts = [] {
        std::vector<std::string> t;
        for (const char* body : {put, touch, erase, erase_user, list_user, set_and_announce}) t.push_back(std::string(prelude) + body);
        return t;
    }();
    return texts;
}

}  // namespace sesh::detail::redis
