// `memory:` throttle counts: the failures of each key in a map under one mutex, bounded in size.
#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>

#include <sesh/login_throttle.hpp>

#include "auth/throttle_backends.hpp"

namespace sesh::detail {
namespace {

using time_point = clock::time_point;

// The failures of one key over the last hour, oldest first.
using failure_times = std::deque<time_point>;
using failure_table = std::unordered_map<std::string, failure_times>;

// One key per (account, address): the NUL cannot occur in a normalized name or an IP address.
std::string memory_pair_key(std::string_view account, std::string_view address) {
    std::string k;
    k.reserve(account.size() + 1 + address.size());
    k.append(account).push_back('\0');
    k.append(address);
    return k;
}

void forget_old(failure_times& f, time_point now) {
    while (!f.empty() && now - f.front() >= throttle_hour) f.pop_front();
}

class memory_throttle_store final : public throttle_store {
public:
    explicit memory_throttle_store(std::size_t max_entries) : max_entries_(std::max<std::size_t>(max_entries, 1)) {}

    result<throttle_failures> load(std::string_view account, std::string_view address, time_point now) override {
        std::lock_guard lock(mutex_);
        return throttle_failures{times_of(pairs_, memory_pair_key(account, address), now),
                                 times_of(addresses_, std::string(address), now),
                                 times_of(accounts_, std::string(account), now)};
    }

    result<void> add_failure(std::string_view account, std::string_view address, time_point now,
                             const throttle_keep& keep) override {
        std::lock_guard lock(mutex_);
        const std::size_t in_hour = record(pairs_, memory_pair_key(account, address), now, keep.pair);
        record(addresses_, std::string(address), now, keep.address);
        if (in_hour <= keep.share) record(accounts_, std::string(account), now, keep.account);
        return {};
    }

    result<void> clear_pair(std::string_view account, std::string_view address) override {
        std::lock_guard lock(mutex_);
        pairs_.erase(memory_pair_key(account, address));
        return {};
    }

private:
    static std::vector<time_point> times_of(failure_table& map, const std::string& key, time_point now) {
        auto it = map.find(key);
        if (it == map.end()) return {};
        forget_old(it->second, now);
        return {it->second.begin(), it->second.end()};
    }

    // Adds a failure at `now` to `key`; returns how many failures it holds within the hour.
    std::size_t record(failure_table& map, std::string key, time_point now, std::size_t keep) {
        if (map.size() >= max_entries_) prune(map, now);
        auto& f = map[std::move(key)];
        forget_old(f, now);
        f.push_back(now);
        while (f.size() > keep) f.pop_front();
        return f.size();
    }

    // Drops entries whose last failure is over an hour old; if that frees nothing, the entry with
    // the oldest last failure, so a flood of made-up names cannot grow memory without bound.
    void prune(failure_table& map, time_point now) const {
        std::erase_if(map, [&](const auto& kv) { return kv.second.empty() || now - kv.second.back() >= throttle_hour; });
        if (map.size() < max_entries_) return;
        auto oldest = std::min_element(map.begin(), map.end(),
                                       [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); });
        map.erase(oldest);
    }

    const std::size_t max_entries_;
    std::mutex mutex_;
    failure_table pairs_;      // backoff of one account from one address
    failure_table addresses_;  // backoff of one address over all accounts
    failure_table accounts_;   // the hourly cap of one account (each address counted within its share)
};

}  // namespace

std::shared_ptr<throttle_store> make_memory_throttle_store(std::size_t max_entries) {
    return std::make_shared<memory_throttle_store>(max_entries);
}

result<std::shared_ptr<throttle_store>> make_throttle_store(const memory_backend&, const store_options&) {
    return make_memory_throttle_store(throttle_options{}.max_entries);
}

}  // namespace sesh::detail
