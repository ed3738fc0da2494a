// The jwt and iron strategies' revocations (the deny list and the per-user not-before times) of
// one Redis database, mirrored in this process's memory, so that checking a token costs no round
// trip. Every revocation is written and PUBLISHed in one script (redis_scripts.cpp); the mirror's
// thread subscribes first, then reads every entry (SCAN), then applies the messages as they come.
// After any reconnect (Redis restarted, a failover moved the master) it reads everything again,
// so a message missed meanwhile cannot leave a revoked token alive; until then it answers nothing
// and callers ask Redis, as without a mirror.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sesh/clock.hpp>

#include "store/redis/redis_connection.hpp"
#include "store/redis/redis_watch_thread.hpp"

namespace sesh::detail::redis {

/// The channel the revocations of database `db` are announced on (channels span databases).
[[nodiscard]] std::string revocation_channel(int db);
/// The messages on it: "d TIME JTI" (denied until TIME) and "n TIME USER" (not before TIME),
/// TIME as encode_time writes it.
[[nodiscard]] std::string deny_message(std::string_view jti, clock::time_point until);
[[nodiscard]] std::string not_before_message(std::string_view user_id, clock::time_point t);

/// A map from text keys that finds a string_view without copying it into a std::string.
struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using time_by_text = std::unordered_map<std::string, clock::time_point, text_hash, std::equal_to<>>;

/// One database's revocations in memory. Thread-safe: revoked() from any thread; the mirror's
/// own thread writes.
class revocation_mirror {
public:
    /// Starts following the database `cfg` names (its scripts are not needed and not loaded).
    explicit revocation_mirror(connection_config cfg);
    ~revocation_mirror();
    revocation_mirror(const revocation_mirror&) = delete;
    revocation_mirror& operator=(const revocation_mirror&) = delete;

    /// Whether a token is revoked, as the store's revoked() defines it, at `now`; nothing while
    /// the mirror is not current (starting, reconnecting, re-reading): ask Redis then.
    [[nodiscard]] std::optional<bool> revoked(std::string_view jti, std::string_view user_id, clock::time_point issued_at,
                                              clock::time_point now) const;

    /// A revocation this process is writing, applied here at once: the node that logs a token
    /// out refuses it before its own message comes back.
    void apply(std::string_view message);

    /// True once the mirror holds every entry and follows the channel.
    [[nodiscard]] bool current() const noexcept { return current_.load(std::memory_order_acquire); }

private:
    void follow();
    bool fill(steady::time_point deadline);
    void apply_locked(std::string_view message);
    void prune(clock::time_point now);

    const connection_config cfg_;
    const std::string channel_;
    mutable std::shared_mutex mutex_;
    time_by_text denied_;      // jti → denied until
    time_by_text not_before_;  // user → tokens issued before are revoked
    std::atomic<bool> current_{false};
    watch_thread watcher_;
};

}  // namespace sesh::detail::redis
