// One store's blocking calls on worker threads it may share with the other stores over the same
// database: counted, so a store can wait for its own before it goes while the others carry on.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace sesh::detail {

/// The calls one store started on shared workers. Thread-safe.
class offloaded_calls {
public:
    /// Calls run on `workers` (not null), kept alive by this object.
    explicit offloaded_calls(std::shared_ptr<boost::asio::thread_pool> workers) noexcept
        : workers_(std::move(workers)) {}
    /// Waits for every call started (drain()).
    ~offloaded_calls() { drain(); }
    offloaded_calls(const offloaded_calls&) = delete;
    offloaded_calls& operator=(const offloaded_calls&) = delete;

    /// Runs `f()` on a worker, after this call returns. `f` must not throw.
    template <class F>
    void post(F f) {
        started();
        boost::asio::post(*workers_, [this, f = std::move(f)]() mutable {
            f();
            finished();
        });
    }

    /// Waits until every call posted so far has run. The workers are left running: other stores
    /// may be using them (joining the pool would stop theirs too).
    void drain();

private:
    void started();
    void finished();

    std::shared_ptr<boost::asio::thread_pool> workers_;
    std::mutex mutex_;
    std::condition_variable idle_;
    std::size_t in_flight_ = 0;
};

}  // namespace sesh::detail
