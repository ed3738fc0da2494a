// Login throttling (ASVS 4.0.3 2.2.1): failed sign-ins slow down exponentially per account and
// client address, and per address; an account takes at most 100 failures per hour from all
// addresses together, and no single address can make the owner wait anywhere else.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <sesh/clock.hpp>
#include <sesh/throttle_store.hpp>

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
    /// Entries kept at most per table by the in-memory counts (the oldest are dropped past it, so
    /// a flood of made-up names cannot exhaust memory). SQLite and Redis forget by age only.
    std::size_t max_entries = 100'000;
    /// Time source; null means sesh::system_clock(). Must outlive the throttle.
    const sesh::clock* clock = nullptr;
};

/// Counts failed logins and says how long an attempt must wait. The counts live in a
/// throttle_store: by default in this process's memory (each process throttles alone); given
/// the throttle store of open_database (<sesh/database.hpp>), in the SQLite file or on the Redis
/// server of the store URL, so every process or node on that database shares them and the limits
/// hold for all of them together (failures on one node make every node wait). Thread-safe.
///
/// Two faces: the blocking methods below, and the asynchronous operations of
/// <sesh/async_throttle.hpp> for event loops, which report a store failure as a value.
class login_throttle {
public:
    /// Counts in this process's memory.
    explicit login_throttle(throttle_options options = {});
    /// Counts in `counts` (not null), which this throttle shares.
    explicit login_throttle(std::shared_ptr<throttle_store> counts, throttle_options options = {});
    ~login_throttle();
    login_throttle(const login_throttle&) = delete;
    login_throttle& operator=(const login_throttle&) = delete;

    /// How long the caller must wait before trying `account` from `address`; zero means go on.
    /// The longest of: the backoff of this account from this address, the backoff of this address
    /// over all accounts, and the account's hourly cap. Checked before the password is: a
    /// throttled attempt is refused without hashing. The account is the normalized name as
    /// typed, whether or not it exists (no enumeration). errc::store_unavailable when the counts
    /// cannot be read: the caller refuses the attempt (never lets it through unthrottled).
    [[nodiscard]] result<std::chrono::milliseconds> check(std::string_view account, std::string_view address) const;
    /// check(), with a store failure turned into max_delay (logged): an outage refuses attempts
    /// rather than letting guesses through. For callers that do not tell the two apart.
    [[nodiscard]] std::chrono::milliseconds retry_after(std::string_view account, std::string_view address) const;
    /// Records a failed attempt against the (account, address) pair, the address, and (within the
    /// address's share) the account's hourly cap. A store failure is logged.
    void record_failure(std::string_view account, std::string_view address);
    /// Records a successful login from `address`: clears that pair's failures. The address's and
    /// the account's hourly counts stay (a success must not buy a distributed guesser a new hour).
    /// A store failure is logged.
    void record_success(std::string_view account, std::string_view address);

    // --- Asynchronous primitives --------------------------------------------------------------
    // What the async_* operations of <sesh/async_throttle.hpp> start; call those, not these.
    // Each does what check / record_failure / record_success does and reports the result
    // (failures included) through `done`; `loop` is as in store::start_get.
    void start_check(std::string account, std::string address, boost::asio::io_context* loop,
                     store_callback<std::chrono::milliseconds> done) const;
    void start_record_failure(std::string account, std::string address, boost::asio::io_context* loop,
                              store_callback<void> done);
    void start_record_success(std::string account, std::string address, boost::asio::io_context* loop,
                              store_callback<void> done);

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace sesh
