// The constructors of the store backends, for open_store's URL dispatch.
#pragma once

#include <memory>
#include <string>

#include <sesh/store.hpp>

namespace sesh::detail {

/// `memory:`: sharded in-process maps; see memory/memory_store.cpp.
[[nodiscard]] result<std::unique_ptr<store>> open_memory_store(const store_options& options);

/// `sqlite:PATH`: the embedded default; see sqlite/sqlite_store.cpp.
[[nodiscard]] result<std::unique_ptr<store>> open_sqlite_store(const std::string& path, const store_options& options);

/// `redis://HOST:PORT/DB`: see redis/redis_store.cpp.
[[nodiscard]] result<std::unique_ptr<store>> open_redis_store(const std::string& host, int port, int db,
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
