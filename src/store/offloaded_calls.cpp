// offloaded_calls: counting one store's calls on shared workers, and waiting for them.
#include "store/offloaded_calls.hpp"

namespace sesh::detail {

void offloaded_calls::started() {
    std::lock_guard lock(mutex_);
    ++in_flight_;
}

// Notified under the lock: once drain() sees zero it may destroy this object, so nothing here may
// touch it after the lock is released.
void offloaded_calls::finished() {
    std::lock_guard lock(mutex_);
    if (--in_flight_ == 0) idle_.notify_all();
}

void offloaded_calls::drain() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return in_flight_ == 0; });
}

}  // namespace sesh::detail
