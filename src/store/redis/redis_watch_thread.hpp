// The thread the Sentinel watcher and the revocation mirror each run: it waits on one socket at
// a time with poll(2), and an eventfd beside it lets the owner stop it at once instead of after
// its next timeout.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace sesh::detail::redis {

class watch_thread {
public:
    watch_thread();
    /// Stops and joins the thread (see stop()).
    ~watch_thread();
    watch_thread(const watch_thread&) = delete;
    watch_thread& operator=(const watch_thread&) = delete;

    /// Runs `body` on the thread; it should return soon after stopping() turns true.
    void start(std::function<void()> body);
    /// Asks the thread to stop, wakes it from wait(), and joins it. Idempotent. Call it in the
    /// owner's destructor before anything the body uses is destroyed.
    void stop();
    [[nodiscard]] bool stopping() const noexcept { return stopping_.load(std::memory_order_acquire); }

    /// On the thread: waits up to `d` for `fd` (-1: none, only sleep) to be readable, closed or
    /// in error, or for stop(). True when `fd` is ready.
    bool wait(int fd, std::chrono::milliseconds d) const;

private:
    std::atomic<bool> stopping_{false};
    int wake_fd_ = -1;
    std::thread thread_;
};

}  // namespace sesh::detail::redis
