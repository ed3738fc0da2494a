// The memory store's revocation state for stateless tokens: denied token ids and per-user
// not-before times, sharded by the hash of the jti or user id.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

namespace sesh::detail {

/// Deny list and not-before map. Times are ms since the epoch. Each call takes at most one shard
/// mutex at a time. Thread-safe.
class revocation_list {
public:
    /// Denies `jti` until `until` (the later of two denials wins). An empty jti or an `until`
    /// already past is ignored: no token could match it.
    void deny(std::string_view jti, std::int64_t until, std::int64_t now);
    /// Tokens of `user_id` issued before `t` are revoked. The latest time set wins, so a stale
    /// writer cannot un-revoke tokens. Empty user ids are ignored. Entries are kept for good:
    /// there is one per user who ever signed out everywhere.
    void set_not_before(std::string_view user_id, std::int64_t t);
    /// True when `jti` is denied at `now` or `issued_at` is before `user_id`'s not-before time;
    /// empty arguments are not checked.
    [[nodiscard]] bool revoked(std::string_view jti, std::string_view user_id, std::int64_t issued_at,
                               std::int64_t now);
    /// Drops up to `max` denials that have run out; returns how many.
    std::size_t purge(std::int64_t now, std::size_t max);

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using time_map = boost::unordered_flat_map<std::string, std::int64_t, string_hash, std::equal_to<>>;
    // Denials also sit in a min-heap of (until, jti) so purge pops only what ran out; an entry
    // whose jti was denied again for longer is stale and skipped.
    struct alignas(64) shard {
        std::mutex mutex;
        time_map denied;
        std::vector<std::pair<std::int64_t, std::string>> expiry_heap;
        time_map not_before;
    };
    static constexpr std::size_t shard_count = 16;  // revocation is rare next to session reads

    [[nodiscard]] shard& shard_for(std::string_view s) noexcept {
        return shards_[std::hash<std::string_view>{}(s) % shard_count];
    }
    static std::size_t purge_locked(shard& s, std::int64_t now, std::size_t max);

    std::array<shard, shard_count> shards_;
};

}  // namespace sesh::detail
