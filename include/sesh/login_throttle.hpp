// Login throttling (ASVS 4.0.3 2.2.1): failed sign-ins slow down exponentially per account and
// client address, and per address; an account takes at most 100 failures per hour from all
// addresses together, and no single address can make the owner wait anywhere else.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include <sesh/clock.hpp>

namespace sesh {

/// Throttle limits. Defaults: 5 free failures per (account, address) and 20 per address (which
/// NAT shares), then a wait of 1 s doubling per failure up to 60 s; never more than 100 failures
/// per rolling hour per account, of which one address counts for at most 10. Failures are
/// forgotten an hour after they happen.
///
/// Why per (account, address) and not per account: a per-account wait lets anyone lock the owner
/// out with a guess a minute (OWASP Authentication Cheat Sheet, "account lockout" as denial of
/// service). The account-wide hourly cap stays against guessing spread over many addresses; the
/// price is that an attacker with ten or more addresses (max_failures_per_hour /
/// address_share_per_hour) can still make the account wait for up to an hour.
struct throttle_options {
    /// Failures of one account from one address before the waits begin. Default 5.
    std::size_t free_failures_per_account = 5;
    /// Failures from one address over all accounts before the waits begin. Default 20.
    std::size_t free_failures_per_address = 20;
    std::chrono::milliseconds base_delay{1000};
    std::chrono::milliseconds max_delay{60'000};
    /// Failures of one account per rolling hour, from all addresses together. Default 100.
    std::size_t max_failures_per_hour = 100;
    /// How many of one address's failures per hour count toward an account's hourly cap. Default
    /// 10: one address cannot lock the owner out elsewhere (its own backoff allows ~60 an hour).
    std::size_t address_share_per_hour = 10;
    /// Entries kept at most per table (the oldest are dropped past it, so a flood of made-up names
    /// cannot exhaust memory).
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
    /// The longest of: the backoff of this account from this address, the backoff of this address
    /// over all accounts, and the account's hourly cap. Checked before the password is: a
    /// throttled attempt is refused without hashing. The account is the normalized name as
    /// typed, whether or not it exists (no enumeration).
    [[nodiscard]] std::chrono::milliseconds retry_after(std::string_view account, std::string_view address) const;
    /// Records a failed attempt against the (account, address) pair, the address, and (within the
    /// address's share) the account's hourly cap.
    void record_failure(std::string_view account, std::string_view address);
    /// Records a successful login from `address`: clears that pair's failures. The address's and
    /// the account's hourly counts stay (a success must not buy a distributed guesser a new hour).
    void record_success(std::string_view account, std::string_view address);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sesh
