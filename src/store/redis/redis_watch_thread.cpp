// watch_thread: see redis_watch_thread.hpp.
#include "store/redis/redis_watch_thread.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace sesh::detail::redis {

watch_thread::watch_thread() : wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

watch_thread::~watch_thread() {
    stop();
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

void watch_thread::start(std::function<void()> body) { thread_ = std::thread(std::move(body)); }

void watch_thread::stop() {
    stopping_.store(true, std::memory_order_release);
    if (wake_fd_ >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
    }
    if (thread_.joinable()) thread_.join();
}

// Without an eventfd (out of descriptors at construction) stop() still works, one timeout later.
bool watch_thread::wait(int fd, std::chrono::milliseconds d) const {
    pollfd p[2]{{wake_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
    pollfd* first = wake_fd_ >= 0 ? p : p + 1;
    const nfds_t n = static_cast<nfds_t>((wake_fd_ >= 0 ? 1 : 0) + (fd >= 0 ? 1 : 0));
    if (::poll(first, n, static_cast<int>(d.count())) <= 0 || fd < 0) return false;
    return (p[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

}  // namespace sesh::detail::redis
