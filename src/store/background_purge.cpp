// background_purge: one small batch per interval, so each purge keeps the database only briefly.
#include "store/background_purge.hpp"

#include <condition_variable>
#include <mutex>

namespace sesh::detail {
namespace {

// A batch that came back full means more rows are waiting: the next one runs after this short
// pause instead of a whole interval, so purging keeps up with heavy churn while saves still get
// the database between batches.
constexpr std::chrono::milliseconds purge_catch_up_pause{10};

}  // namespace

background_purge::background_purge(std::size_t batch, std::chrono::milliseconds interval,
                                   std::function<result<std::size_t>(std::size_t)> purge)
    : batch_(batch), interval_(interval), purge_(std::move(purge)) {
    if (batch_ > 0) thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

background_purge::~background_purge() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
}

void background_purge::run(std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any wake;
    std::chrono::milliseconds pause = interval_;
    std::unique_lock lock(m);
    for (;;) {
        // Nothing notifies `wake`: it only sleeps until the pause ends or stop is requested.
        wake.wait_for(lock, stop, pause, [] { return false; });
        if (stop.stop_requested()) return;
        const auto purged = purge_(batch_);
        pause = purged && *purged == batch_ ? purge_catch_up_pause : interval_;
    }
}

}  // namespace sesh::detail
