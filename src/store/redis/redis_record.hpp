// How the Redis backend lays out its data: key names, the session hash's fields, time encoding.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <sesh/store.hpp>

#include "store/redis/redis_connection.hpp"

namespace sesh::detail::redis {

// Key layout (every key carries a TTL):
//   sesh:s:<key>      hash, one session record; PEXPIREAT = record.expires()
//   sesh:u:<user>     set of <key>s of that user; PEXPIREAT = the latest expiry of its records
//   sesh:deny:<jti>   string, the deny-until time; PEXPIREAT = that time
//   sesh:nbf:<user>   string, the user's not-before time; PEXPIREAT = it + 400 days
inline constexpr std::string_view session_prefix = "sesh:s:";
inline constexpr std::string_view user_prefix = "sesh:u:";
inline constexpr std::string_view deny_prefix = "sesh:deny:";
inline constexpr std::string_view not_before_prefix = "sesh:nbf:";

/// The format version written in field "v"; a record with another version reads as corrupt.
inline constexpr std::string_view record_version = "1";

/// The session hash's fields, in the order get() asks for them with HMGET.
inline constexpr std::array<std::string_view, 9> record_fields = {"v", "u", "d", "c", "l", "i", "a", "ip", "ua"};

/// A time as decimal nanoseconds since 1970 (exact for the system clock; Lua compares it as
/// text since its doubles cannot hold it). Times before 1970 are written as 0.
[[nodiscard]] std::string encode_time(clock::time_point t);

/// The inverse of encode_time; nothing unless `s` is a non-negative decimal integer.
[[nodiscard]] std::optional<clock::time_point> decode_time(std::string_view s) noexcept;

/// `t` in whole milliseconds since 1970 rounded up (Redis expires a key no earlier than the
/// record), at least 1 (PEXPIREAT refuses 0 and negatives; 1 means "already gone").
[[nodiscard]] long long expire_at_ms(clock::time_point t) noexcept;

/// Appends the field/value pairs of `r` (all of record_fields) for HSET.
void append_record_fields(command& cmd, const session_record& r);

/// What decode_record found.
enum class decoded { ok, absent, corrupt };

/// Reads a record keyed `key` from the HMGET reply for record_fields (`values` points at
/// record_fields.size() replies). absent if every field is missing; corrupt if some are, or a
/// value does not parse; `out` is set only for ok.
[[nodiscard]] decoded decode_record(std::string_view key, redisReply* const* values, session_record& out);

/// Logs that the record keyed `key` is corrupt, naming only a prefix of the key (enough to find
/// it, not enough to be a lookup handle).
void log_corrupt(std::string_view what, std::string_view key);

}  // namespace sesh::detail::redis
