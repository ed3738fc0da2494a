// rate_limiter: the times of each key's attempts within the window, oldest first.
#include <sesh/rate_limiter.hpp>

#include <algorithm>
#include <deque>
#include <iterator>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sesh {

struct rate_limiter::impl {
    rate_limit_options options;
    const sesh::clock& clock;
    std::mutex mutex;
    std::unordered_map<std::string, std::deque<clock::time_point>> attempts;

    explicit impl(rate_limit_options o) : options(o), clock(o.clock ? *o.clock : system_clock()) {}

    void forget_old(std::deque<clock::time_point>& times, clock::time_point now) const {
        while (!times.empty() && now - times.front() >= options.window) times.pop_front();
    }

    void prune(clock::time_point now) {
        for (auto it = attempts.begin(); it != attempts.end();) {
            forget_old(it->second, now);
            it = it->second.empty() ? attempts.erase(it) : std::next(it);
        }
        if (attempts.size() < options.max_entries) return;
        attempts.erase(std::min_element(attempts.begin(), attempts.end(), [](const auto& a, const auto& b) {
            return a.second.back() < b.second.back();
        }));
    }
};

rate_limiter::rate_limiter(rate_limit_options options) : impl_(std::make_unique<impl>(options)) {}
rate_limiter::~rate_limiter() = default;

std::chrono::milliseconds rate_limiter::try_acquire(std::string_view key) {
    using std::chrono::milliseconds;
    auto& i = *impl_;
    if (i.options.limit == 0) return milliseconds(0);
    std::lock_guard lock(i.mutex);
    const auto now = i.clock.now();
    auto it = i.attempts.find(std::string(key));
    if (it == i.attempts.end()) {
        if (i.attempts.size() >= i.options.max_entries) i.prune(now);
        it = i.attempts.emplace(std::string(key), std::deque<clock::time_point>{}).first;
    }
    auto& times = it->second;
    i.forget_old(times, now);
    if (times.size() >= i.options.limit) {
        const auto wait = std::chrono::ceil<milliseconds>(times[times.size() - i.options.limit] + i.options.window - now);
        return std::max(wait, milliseconds(1));
    }
    times.push_back(now);
    return milliseconds(0);
}

void rate_limiter::refund(std::string_view key) {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->attempts.find(std::string(key));
    if (it != impl_->attempts.end() && !it->second.empty()) it->second.pop_back();
}

}  // namespace sesh
