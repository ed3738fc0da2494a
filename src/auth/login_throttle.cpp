// Failed-login counters per account and per address, with exponential backoff and an hourly cap.
#include <sesh/login_throttle.hpp>

#include <algorithm>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sesh {
namespace {

using time_point = clock::time_point;
constexpr auto hour = std::chrono::hours(1);

// The failures of one key over the last hour (oldest first; at most the hourly cap are kept).
struct failures {
    std::deque<time_point> times;
};

}  // namespace

struct login_throttle::impl {
    throttle_options options;
    const sesh::clock& clock;
    mutable std::mutex mutex;
    std::unordered_map<std::string, failures> accounts;
    std::unordered_map<std::string, failures> addresses;

    explicit impl(throttle_options o) : options(o), clock(o.clock ? *o.clock : system_clock()) {}

    static void forget_old(failures& f, time_point now) {
        while (!f.times.empty() && now - f.times.front() >= hour) f.times.pop_front();
    }

    // The wait imposed by `f`: nothing for the free failures, then base * 2^(n - free) after the
    // latest failure, capped at max_delay; and, past the hourly cap, until the oldest counted
    // failure leaves the hour.
    std::chrono::milliseconds wait(const failures& f, std::size_t free, std::size_t hourly_cap, time_point now) const {
        using std::chrono::milliseconds;
        const std::size_t n = f.times.size();
        if (n == 0) return milliseconds(0);
        milliseconds w(0);
        if (n >= hourly_cap) {
            w = std::chrono::ceil<milliseconds>(f.times[n - hourly_cap] + hour - now);
        }
        if (n >= free) {
            const std::size_t doublings = std::min<std::size_t>(n - free, 30);
            const std::chrono::milliseconds delay = std::min<std::chrono::milliseconds>(options.base_delay * (1LL << doublings), options.max_delay);
            w = std::max(w, std::chrono::ceil<milliseconds>(f.times.back() + delay - now));
        }
        return std::max(w, milliseconds(0));
    }

    void record(std::unordered_map<std::string, failures>& map, std::string_view key, time_point now,
                std::size_t keep) {
        if (map.size() >= options.max_entries) prune(map, now);
        auto& f = map[std::string(key)];
        forget_old(f, now);
        f.times.push_back(now);
        while (f.times.size() > keep) f.times.pop_front();
    }

    // Drops entries whose last failure is over an hour old; if that frees nothing, the entry with
    // the oldest last failure, so a flood of made-up names cannot grow memory without bound.
    void prune(std::unordered_map<std::string, failures>& map, time_point now) {
        std::erase_if(map, [&](const auto& kv) { return kv.second.times.empty() || now - kv.second.times.back() >= hour; });
        if (map.size() < options.max_entries) return;
        auto oldest = std::min_element(map.begin(), map.end(), [](const auto& a, const auto& b) {
            return a.second.times.back() < b.second.times.back();
        });
        map.erase(oldest);
    }
};

login_throttle::login_throttle(throttle_options options) : impl_(std::make_unique<impl>(options)) {}
login_throttle::~login_throttle() = default;

std::chrono::milliseconds login_throttle::retry_after(std::string_view account, std::string_view address) const {
    std::lock_guard lock(impl_->mutex);
    const auto now = impl_->clock.now();
    const auto& o = impl_->options;
    std::chrono::milliseconds w(0);
    auto check = [&](auto& map, std::string_view key, std::size_t free, std::size_t cap) {
        auto it = map.find(std::string(key));
        if (it == map.end()) return;
        impl::forget_old(it->second, now);
        w = std::max(w, impl_->wait(it->second, free, cap, now));
    };
    check(impl_->accounts, account, o.free_failures_per_account, o.max_failures_per_hour);
    // An address has no hourly cap of its own beyond its backoff: many people may share it.
    check(impl_->addresses, address, o.free_failures_per_address, static_cast<std::size_t>(-1));
    return w;
}

void login_throttle::record_failure(std::string_view account, std::string_view address) {
    std::lock_guard lock(impl_->mutex);
    const auto now = impl_->clock.now();
    const auto& o = impl_->options;
    impl_->record(impl_->accounts, account, now, std::max(o.max_failures_per_hour, o.free_failures_per_account + 31));
    impl_->record(impl_->addresses, address, now, o.free_failures_per_address + 31);
}

void login_throttle::record_success(std::string_view account) {
    std::lock_guard lock(impl_->mutex);
    impl_->accounts.erase(std::string(account));
}

}  // namespace sesh
