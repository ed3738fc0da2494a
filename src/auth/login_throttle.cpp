// Failed-login counters per (account, address), per address and per account, with exponential
// backoff and an hourly cap.
#include <sesh/login_throttle.hpp>

#include <algorithm>
#include <deque>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sesh {
namespace {

using time_point = clock::time_point;
constexpr auto hour = std::chrono::hours(1);
constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

// The failures of one key over the last hour (oldest first; at most what the limits need).
struct failures {
    std::deque<time_point> times;
};
using table = std::unordered_map<std::string, failures>;

// One key per (account, address): the NUL cannot occur in a normalized name or an IP address.
std::string pair_key(std::string_view account, std::string_view address) {
    std::string k;
    k.reserve(account.size() + 1 + address.size());
    k.append(account).push_back('\0');
    k.append(address);
    return k;
}

}  // namespace

struct login_throttle::impl {
    throttle_options options;
    const sesh::clock& clock;
    mutable std::mutex mutex;
    table pairs;      // backoff of one account from one address
    table addresses;  // backoff of one address over all accounts
    table accounts;   // the hourly cap of one account (each address counted within its share)

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

    std::chrono::milliseconds wait_of(table& map, const std::string& key, std::size_t free, std::size_t cap,
                                      time_point now) const {
        auto it = map.find(key);
        if (it == map.end()) return std::chrono::milliseconds(0);
        forget_old(it->second, now);
        return wait(it->second, free, cap, now);
    }

    // Adds a failure at `now` to `key`; returns how many failures it holds within the hour.
    std::size_t record(table& map, std::string key, time_point now, std::size_t keep) {
        if (map.size() >= options.max_entries) prune(map, now);
        auto& f = map[std::move(key)];
        forget_old(f, now);
        f.times.push_back(now);
        while (f.times.size() > keep) f.times.pop_front();
        return f.times.size();
    }

    // Drops entries whose last failure is over an hour old; if that frees nothing, the entry with
    // the oldest last failure, so a flood of made-up names cannot grow memory without bound.
    void prune(table& map, time_point now) {
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
    auto& i = *impl_;
    // An address has no hourly cap of its own beyond its backoff: many people may share it.
    return std::max({i.wait_of(i.pairs, pair_key(account, address), o.free_failures_per_account, none, now),
                     i.wait_of(i.addresses, std::string(address), o.free_failures_per_address, none, now),
                     i.wait_of(i.accounts, std::string(account), none, o.max_failures_per_hour, now)});
}

void login_throttle::record_failure(std::string_view account, std::string_view address) {
    std::lock_guard lock(impl_->mutex);
    const auto now = impl_->clock.now();
    const auto& o = impl_->options;
    // The backoff needs the last failure and the count up to 30 doublings; the share needs the
    // hour's count up to the share.
    const std::size_t in_hour = impl_->record(impl_->pairs, pair_key(account, address), now,
                                              std::max(o.free_failures_per_account + 31, o.address_share_per_hour + 1));
    impl_->record(impl_->addresses, std::string(address), now, o.free_failures_per_address + 31);
    if (in_hour <= o.address_share_per_hour) impl_->record(impl_->accounts, std::string(account), now, o.max_failures_per_hour);
}

void login_throttle::record_success(std::string_view account, std::string_view address) {
    std::lock_guard lock(impl_->mutex);
    impl_->pairs.erase(pair_key(account, address));
}

}  // namespace sesh
