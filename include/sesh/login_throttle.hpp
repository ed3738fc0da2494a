// Login throttling (ASVS 4.0.3 2.2.1): failed sign-ins per account and per client address slow
// down exponentially, and an account takes at most 100 failures per hour, without a real user
// being locked out for long.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include <sesh/clock.hpp>

namespace sesh {

/// Throttle limits. Defaults: 5 free failures per account (20 per address, which NAT shares),
/// then a wait of 1 s doubling per failure up to 60 s; never more than 100 failures per rolling
/// hour per account. Failures are forgotten an hour after the last one.
struct throttle_options {
    std::size_t free_failures_per_account = 5;
    std::size_t free_failures_per_address = 20;
    std::chrono::milliseconds base_delay{1000};
    std::chrono::milliseconds max_delay{60'000};
    std::size_t max_failures_per_hour = 100;
    /// Entries kept at most (the oldest are dropped past it, so a flood of made-up names cannot
    /// exhaust memory).
    std::size_t max_entries = 100'000;
    /// Time source; null means sesh::system_clock(). Must outlive the throttle.
    const sesh::clock* clock = nullptr;
};

/// Counts failed logins in memory (per process). Thread-safe.
class login_throttle {
public:
    explicit login_throttle(throttle_options options = {});
    ~login_throttle();
    login_throttle(const login_throttle&) = delete;
    login_throttle& operator=(const login_throttle&) = delete;

    /// How long the caller must wait before trying `account` from `address`; zero means go on.
    /// Checked before the password is: a throttled attempt is refused without hashing. The
    /// account is the normalized name as typed, whether or not it exists (no enumeration).
    [[nodiscard]] std::chrono::milliseconds retry_after(std::string_view account, std::string_view address) const;
    /// Records a failed attempt against both the account and the address.
    void record_failure(std::string_view account, std::string_view address);
    /// Records a successful login: clears the account's failures (not the address's).
    void record_success(std::string_view account);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sesh
