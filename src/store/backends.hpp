// The one URL dispatch of every store: open_backend turns a URL into the connections of one
// database, and each kind of store (sessions here, users in the auth layer) is built over them by
// an overload for each backend.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <sesh/store.hpp>

namespace sesh::detail {

class sqlite_database;
class redis_database;
class postgres_database;

/// `memory:`: nothing shared; each store keeps its own maps.
struct memory_backend {};

/// What one URL opened: the connections every store of that URL runs on. Adding a scheme is one
/// more alternative here, one more branch in open_backend, and one make_store (and
/// make_user_store) overload for it, which the compiler asks for.
using backend = std::variant<memory_backend, std::shared_ptr<sqlite_database>, std::shared_ptr<redis_database>,
                             std::shared_ptr<postgres_database>>;

/// The URL dispatch, the only one: `memory:`, `sqlite:PATH` (or `sqlite://PATH`),
/// `redis://HOST[:PORT][/DB]`, `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…]` (or
/// `postgresql://`). errc::invalid_argument for an unknown scheme or a malformed URL;
/// errc::store_unavailable when the database cannot be opened (a Redis server that is down is
/// not an error, nor is a PostgreSQL server: calls fail until it is up). Reads store_options::pool_size and timeout.
[[nodiscard]] result<backend> open_backend(std::string_view url, const store_options& options);

/// The session store over each backend: sharded in-process maps (memory/memory_store.cpp), the
/// `sessions` tables of the file (sqlite/sqlite_store.cpp), hashes with TTLs (redis/redis_store.cpp),
/// the `sesh_sessions` table of a PostgreSQL database (postgres/postgres_store.cpp).
/// errc::invalid_argument for options the backend cannot work with.
[[nodiscard]] result<std::unique_ptr<store>> make_store(const memory_backend& b, const store_options& options);
[[nodiscard]] result<std::unique_ptr<store>> make_store(const std::shared_ptr<sqlite_database>& db,
                                                        const store_options& options);
[[nodiscard]] result<std::unique_ptr<store>> make_store(const std::shared_ptr<redis_database>& db,
                                                        const store_options& options);
[[nodiscard]] result<std::unique_ptr<store>> make_store(const std::shared_ptr<postgres_database>& db,
                                                        const store_options& options);

/// Where a `redis://[USER:PASSWORD@]HOST[:PORT][/DB]` URL points, and as whom.
struct redis_address {
    std::string host;      ///< name or address; an IPv6 address without its brackets
    int port = 6379;
    int db = 0;
    std::string user;      ///< ACL user (`AUTH user password`); empty: `AUTH password` alone
    std::string password;  ///< empty: no AUTH. Never logged.
    /// redis-sentinel://: the sentinels to ask (host and port above are then unused) and the
    /// name of the master group they watch.
    std::vector<std::pair<std::string, int>> sentinels;
    std::string master_name;
    /// `?wait=N`: every write is acknowledged only once N replicas hold it (Redis's WAIT);
    /// 0: when the master has it.
    int wait_replicas = 0;
};
/// Parses what follows `redis://`: `[USER:PASSWORD@]HOST[:PORT][/DB][?wait=N]`. User and password
/// are percent-decoded (so a password may hold ':', '@' or '/'); a user needs a password.
/// errc::invalid_argument for a bad port, db, bracket, query or percent escape, or an empty host.
[[nodiscard]] result<redis_address> parse_redis_url(std::string_view rest);
/// Parses what follows `redis-sentinel://`:
/// `[USER:PASSWORD@]HOST[:PORT][,HOST[:PORT]...]/NAME[?db=N&wait=N]` (sentinel PORT 26379 by
/// default). The credentials are the master's. errc::invalid_argument for a bad host list, a
/// missing NAME, or a query other than db=N and wait=N.
[[nodiscard]] result<redis_address> parse_redis_sentinel_url(std::string_view rest);

/// Where a `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=MODE]` URL points, and as whom.
struct postgres_address {
    std::string host;      ///< name or address; an IPv6 address without its brackets
    int port = 5432;
    std::string user;      ///< the role to log in as; required
    std::string password;  ///< empty: none (trust, peer or a ~/.pgpass entry). Never logged.
    std::string database;  ///< required
    std::string sslmode;   ///< libpq's sslmode (disable … verify-full); empty: libpq's default (prefer)
};
/// Parses what follows `postgres://` or `postgresql://`. User, password and database are
/// percent-decoded. The only query parameter is `sslmode`, with one of libpq's six values.
/// errc::invalid_argument for a missing user, host or database, a bad port, bracket or percent
/// escape, or any other query parameter (refused rather than ignored: a misspelt `sslmode` must
/// not quietly connect in the clear).
[[nodiscard]] result<postgres_address> parse_postgres_url(std::string_view rest);

}  // namespace sesh::detail
