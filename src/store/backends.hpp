// The one URL dispatch of every store: open_backend turns a URL into the connections of one
// database, and each kind of store (sessions here, users in the auth layer) is built over them by
// an overload for each backend.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include <sesh/store.hpp>

namespace sesh::detail {

class sqlite_database;
class redis_database;

/// `memory:`: nothing shared; each store keeps its own maps.
struct memory_backend {};

/// What one URL opened: the connections every store of that URL runs on. Adding a scheme is one
/// more alternative here, one more branch in open_backend, and one make_store (and
/// make_user_store) overload for it, which the compiler asks for.
using backend = std::variant<memory_backend, std::shared_ptr<sqlite_database>, std::shared_ptr<redis_database>>;

/// The URL dispatch, the only one: `memory:`, `sqlite:PATH` (or `sqlite://PATH`),
/// `redis://HOST[:PORT][/DB]`. errc::invalid_argument for an unknown scheme or a malformed URL;
/// errc::store_unavailable when the database cannot be opened (a Redis server that is down is
/// not an error: calls fail until it is up). Reads store_options::pool_size and timeout.
[[nodiscard]] result<backend> open_backend(std::string_view url, const store_options& options);

/// The session store over each backend: sharded in-process maps (memory/memory_store.cpp), the
/// `sessions` tables of the file (sqlite/sqlite_store.cpp), hashes with TTLs (redis/redis_store.cpp).
/// errc::invalid_argument for options the backend cannot work with.
[[nodiscard]] result<std::unique_ptr<store>> make_store(const memory_backend& b, const store_options& options);
[[nodiscard]] result<std::unique_ptr<store>> make_store(const std::shared_ptr<sqlite_database>& db,
                                                        const store_options& options);
[[nodiscard]] result<std::unique_ptr<store>> make_store(const std::shared_ptr<redis_database>& db,
                                                        const store_options& options);

/// Where a `redis://HOST[:PORT][/DB]` URL points.
struct redis_address {
    std::string host;
    int port = 6379;
    int db = 0;
};
/// Parses what follows `redis://`. errc::invalid_argument for a bad port or db, an empty host, or
/// credentials (they would end up in logs and `ps`).
[[nodiscard]] result<redis_address> parse_redis_url(std::string_view rest);

}  // namespace sesh::detail
