// Where the Redis master is, according to Redis Sentinel: asked at start, kept current by a
// thread subscribed to the sentinels' +switch-master, and asked again whenever a connection
// reports that the server it reached is no master (any more).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/redis/redis_watch_thread.hpp"

namespace sesh::detail::redis {

/// A Redis server's address.
struct endpoint {
    std::string host;
    int port = 6379;
    bool operator==(const endpoint&) const = default;
};

/// The master of one Sentinel-monitored group, as the sentinels name it and ROLE confirms.
/// Thread-safe. The connections of a redis_database read master() on every (re)connect and
/// compare generation() with the one they connected under, so a failover moves them all.
class master_locator {
public:
    /// For the group `master_name` watched by `sentinels`; `user`/`password` AUTH the ROLE check
    /// on the master (the sentinels themselves are asked without AUTH). Every network step is
    /// bounded by `timeout`. Asks the sentinels once before returning (a group with no reachable
    /// sentinel or no master is not an error: master() is empty and the thread keeps asking).
    master_locator(std::vector<endpoint> sentinels, std::string master_name, std::string user, std::string password,
                   std::chrono::milliseconds timeout);
    ~master_locator();
    master_locator(const master_locator&) = delete;
    master_locator& operator=(const master_locator&) = delete;

    /// The master now, or nothing while none is known (a failover under way, no sentinel reachable).
    [[nodiscard]] std::optional<endpoint> master() const;
    /// Bumped every time master() changes.
    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }
    /// A connection found the master not answering as one (-READONLY, -LOADING, a lost
    /// connection): the sentinels are asked again at once.
    void suspect() noexcept;
    /// "redis-sentinel NAME" for log lines.
    [[nodiscard]] const std::string& label() const noexcept { return label_; }

private:
    bool discover();
    void set_master(std::optional<endpoint> m);
    void watch();

    const std::vector<endpoint> sentinels_;
    const std::string name_;
    const std::string user_;
    const std::string password_;
    const std::chrono::milliseconds timeout_;
    const std::string label_;

    mutable std::mutex mutex_;
    std::optional<endpoint> master_;
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<bool> suspected_{false};
    watch_thread watcher_;
};

/// True for the error replies that mean "this server is no (working) master": READONLY (a
/// replica after a failover), LOADING, MASTERDOWN.
[[nodiscard]] bool means_no_master(std::string_view error_reply) noexcept;

}  // namespace sesh::detail::redis
