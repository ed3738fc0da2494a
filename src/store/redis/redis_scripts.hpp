// The Lua scripts that make the Redis backend's conditional writes atomic (one EVALSHA each).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sesh::detail::redis {

/// The scripts, by index into script_texts().
enum class script : std::size_t {
    /// KEYS: record, [user index]; ARGV: now, expiry ms, member, "create"|"update", fields...
    /// Writes the record if it is absent or dead (create) or live (update): 1, else 0.
    put,
    /// KEYS: record; ARGV: now, last_seen, idle_expires, idle expiry ms, member.
    /// -1 if no live record, 0 if its last_seen is not older, 1 after writing.
    touch,
    /// KEYS: record; ARGV: member. Deletes it and its index entry.
    erase,
    /// KEYS: user index; ARGV: now, user, [key to keep]. Deletes the user's records; returns how
    /// many of them were live.
    erase_user,
    /// KEYS: user index; ARGV: user, fields... Returns member and fields for each of the user's
    /// records; drops index members whose record is gone or belongs to someone else.
    list_user,
    /// KEYS: key; ARGV: value, expiry ms, channel, message. SETs the key with its expiry and
    /// PUBLISHes the message; returns SET's OK.
    set_and_announce,
};

/// The text of every script, in enum order (the order they are SCRIPT LOADed in).
[[nodiscard]] const std::vector<std::string>& script_texts();

}  // namespace sesh::detail::redis
