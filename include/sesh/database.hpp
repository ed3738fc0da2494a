// One URL, every store: the session store, the user store and the login throttle's counts of a
// database, opened together over one set of connections (one SQLite pool and writer; one Redis
// pool and one connection per I/O loop), as a service that keeps sessions and accounts in one
// place needs them.
#pragma once

#include <memory>
#include <string_view>

#include <sesh/result.hpp>
#include <sesh/store.hpp>
#include <sesh/throttle_store.hpp>
#include <sesh/users.hpp>

namespace sesh {

/// The stores of one URL. Any may outlive the others: the connections they share close when
/// all are gone.
struct database {
    std::shared_ptr<store> sessions;  ///< the session store (never null)
    std::shared_ptr<user_store> users;  ///< the accounts, in the same database (never null)
    /// The login throttle's failure counts, in the same database (never null): give it to
    /// login_throttle so every process on this database throttles as one (`memory:`: this
    /// process alone).
    std::shared_ptr<throttle_store> throttle;
};

/// Opens the database a URL names and both its stores: `memory:` (each store in process memory),
/// `sqlite:PATH` (one file, one connection pool: every write of both stores goes through its
/// group-committing writer; the file is created if missing, its directory must exist),
/// `redis://[USER:PASSWORD@]HOST[:PORT][/DB]` (one connection pool, and one pipelined connection per
/// io_context that awaits either store); the URL grammar is open_store's. errc::invalid_argument for an unknown scheme, a malformed URL or unusable
/// options; errc::store_unavailable if the database cannot be opened, errc::access_denied if it
/// refuses the URL's credentials (a Redis server that is down is not an error: calls fail until
/// it is up). `options` as for open_store.
[[nodiscard]] result<database> open_database(std::string_view url, const store_options& options = {});

}  // namespace sesh
