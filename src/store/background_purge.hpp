// A thread that deletes a store's expired records in small batches, for backends whose records
// do not expire on their own (SQLite, PostgreSQL; Redis has TTLs, memory purges as it goes).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <thread>

#include <sesh/result.hpp>

namespace sesh::detail {

/// Calls `purge(batch)` every `interval`, or after a short pause while batches come back full
/// (more rows are waiting), until destroyed. `purge` reports errors itself (they are retried at
/// the next interval: the database may be back by then). A zero batch starts no thread.
/// The owner destroys this before anything `purge` uses.
class background_purge {
public:
    background_purge(std::size_t batch, std::chrono::milliseconds interval,
                     std::function<result<std::size_t>(std::size_t)> purge);
    /// Stops the thread and waits for a batch in progress to end.
    ~background_purge();
    background_purge(const background_purge&) = delete;
    background_purge& operator=(const background_purge&) = delete;

private:
    void run(std::stop_token stop);

    std::size_t batch_;
    std::chrono::milliseconds interval_;
    std::function<result<std::size_t>(std::size_t)> purge_;
    std::jthread thread_;  // last: started once everything it uses is set
};

}  // namespace sesh::detail
