// Where the login throttle's failure counts live: process memory, the SQLite file or the Redis
// server of the store URL. Storage only; the policy (free failures, backoff, the hourly cap) is
// sesh::login_throttle's, so every backend throttles alike and nodes sharing a database share
// the counts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <sesh/clock.hpp>
#include <sesh/result.hpp>
#include <sesh/store.hpp>

namespace sesh {

/// The failures that bear on one attempt, each within the hour before the time asked for,
/// oldest first.
struct throttle_failures {
    std::vector<clock::time_point> pair;     ///< of this account from this address
    std::vector<clock::time_point> address;  ///< of this address, over all accounts
    std::vector<clock::time_point> account;  ///< counted toward this account's hourly cap
};

/// How many failures each key keeps (the newest; older ones cannot change a wait), and how many
/// of one pair's failures in the hour count toward its account.
struct throttle_keep {
    std::size_t pair = 0;
    std::size_t address = 0;
    std::size_t account = 0;
    std::size_t share = 0;
};

/// The failure counts of sesh::login_throttle. Every backend is thread-safe; errc::store_unavailable
/// when the database cannot be reached (recovers by itself). Built by open_database
/// (<sesh/database.hpp>) beside the session store of the same URL: `memory:` keeps them in this
/// process (each process counts alone); `sqlite:PATH` in a `sesh_throttle` table of the file
/// (shared by every process on it); `redis://…` in sorted sets under `sesh:throttle:` that expire
/// an hour after their latest failure (shared by every node on that Redis). Times are kept in
/// milliseconds by SQLite and Redis.
///
/// Two faces, one contract: the blocking methods, and the start_* primitives that
/// login_throttle's asynchronous operations (<sesh/async_throttle.hpp>) rest on.
class throttle_store {
public:
    virtual ~throttle_store() = default;
    /// The failures of (account, address), of address and of account within the hour before `now`.
    [[nodiscard]] virtual result<throttle_failures> load(std::string_view account, std::string_view address,
                                                        clock::time_point now) = 0;
    /// At once (no other call sees half of it): forgets failures an hour or more before `now`;
    /// adds one at `now` to (account, address) and to address; and to account when the pair then
    /// holds at most keep.share failures in the hour. Each key keeps its newest `keep` failures.
    [[nodiscard]] virtual result<void> add_failure(std::string_view account, std::string_view address,
                                                   clock::time_point now, const throttle_keep& keep) = 0;
    /// Forgets the failures of (account, address); address and account keep theirs.
    [[nodiscard]] virtual result<void> clear_pair(std::string_view account, std::string_view address) = 0;

    // --- Asynchronous primitives --------------------------------------------------------------
    // Each does what its blocking namesake does and reports through `done` (store_callback's
    // contract); `loop` is as in store::start_get. The defaults run the blocking method on the
    // calling thread, right only for `memory:`; SQLite runs them on its database's workers,
    // Redis on the caller's loop's connection.
    virtual void start_load(std::string account, std::string address, clock::time_point now,
                            boost::asio::io_context* loop, store_callback<throttle_failures> done);
    virtual void start_add_failure(std::string account, std::string address, clock::time_point now,
                                   throttle_keep keep, boost::asio::io_context* loop, store_callback<void> done);
    virtual void start_clear_pair(std::string account, std::string address, boost::asio::io_context* loop,
                                  store_callback<void> done);
};

}  // namespace sesh
