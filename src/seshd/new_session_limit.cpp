// The per-address limit on new anonymous sessions, and seshd's one place that applies it.
#include "seshd/new_session_limit.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <iterator>

#include "seshd/app.hpp"

namespace sesh::seshd {
namespace {

// The key an address counts under: an IPv6 address by its /64, anything else as given.
std::string address_key(std::string_view address) {
    std::string text(address);
    std::array<unsigned char, 16> v6{};
    if (text.find(':') == std::string::npos || ::inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return text;
    // An IPv4-mapped address (::ffff:a.b.c.d) is one IPv4 host.
    static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(std::begin(mapped), std::end(mapped), v6.begin())) return text;
    for (std::size_t i = 8; i < 16; ++i) v6[i] = 0;
    char buf[INET6_ADDRSTRLEN];
    if (!::inet_ntop(AF_INET6, v6.data(), buf, sizeof buf)) return text;
    return std::string(buf) + "/64";
}

}  // namespace

void new_session_limit::configure(std::size_t per_window, std::chrono::seconds window, std::size_t max_addresses,
                                  const sesh::clock* clk) {
    std::lock_guard lock(mutex_);
    per_window_ = per_window;
    window_ = window;
    max_addresses_ = max_addresses;
    clock_ = clk ? clk : &system_clock();
    counts_.clear();
}

std::chrono::seconds new_session_limit::try_start(std::string_view address) {
    using std::chrono::seconds;
    std::lock_guard lock(mutex_);
    if (per_window_ == 0 || clock_ == nullptr) return seconds(0);
    const auto now = clock_->now();
    const auto wait_for = [&](const window_count& w) {
        return std::max(seconds(1), std::chrono::ceil<seconds>(w.start + window_ - now));
    };
    std::string key = address_key(address);
    auto it = counts_.find(key);
    if (it == counts_.end()) {
        if (counts_.size() >= max_addresses_) std::erase_if(counts_, [&](const auto& kv) { return now - kv.second.start >= window_; });
        if (counts_.size() >= max_addresses_) return window_;
        it = counts_.emplace(std::move(key), window_count{now, 0}).first;
    } else if (now - it->second.start >= window_) {
        it->second = window_count{now, 0};
    }
    if (it->second.count >= per_window_) return wait_for(it->second);
    ++it->second.count;
    return seconds(0);
}

std::optional<http::response> refuse_new_anonymous_session(http::context& ctx, app& a) {
    auto s = ctx.session();
    // A store outage is the handler's to answer; a session that exists or is signed in is not new.
    if (!s || !(*s)->is_new() || !(*s)->user_id().empty()) return std::nullopt;
    const auto wait = a.new_sessions.try_start(ctx.client_address());
    if (wait.count() == 0) return std::nullopt;
    auto res = http::json_error(http::status::too_many_requests, "Too many new sessions from this address, try again later");
    res.set(http::field::retry_after, std::to_string(wait.count()));
    return res;
}

}  // namespace sesh::seshd
