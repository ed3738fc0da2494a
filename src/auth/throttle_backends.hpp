// The login throttle's counts over each backend that open_backend (store/backends.hpp) opens:
// one overload per alternative of detail::backend, as make_user_store.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <sesh/throttle_store.hpp>

#include "store/backends.hpp"

namespace sesh::detail {

/// How long a failure counts.
inline constexpr std::chrono::hours throttle_hour{1};

/// Process memory: three maps under a mutex, each holding at most `max_entries` keys (the ones
/// with the oldest last failure go first); see memory_throttle_store.cpp.
[[nodiscard]] std::shared_ptr<throttle_store> make_memory_throttle_store(std::size_t max_entries);

/// `memory:`: make_memory_throttle_store with throttle_options' default bound.
[[nodiscard]] result<std::shared_ptr<throttle_store>> make_throttle_store(const memory_backend& b,
                                                                          const store_options& options);
/// `sqlite:PATH`: rows of the `sesh_throttle` table (schema migration 2), written through the
/// database's writer, awaited on its workers; see sqlite_throttle_store.cpp.
[[nodiscard]] result<std::shared_ptr<throttle_store>> make_throttle_store(const std::shared_ptr<sqlite_database>& db,
                                                                          const store_options& options);
/// `redis://…`: sorted sets under `sesh:throttle:`, changed by one Lua script per failure; see
/// redis_throttle_store.cpp.
[[nodiscard]] result<std::shared_ptr<throttle_store>> make_throttle_store(const std::shared_ptr<redis_database>& db,
                                                                          const store_options& options);
/// `postgres://…`: a sesh_throttle table, as SQLite's; see postgres_throttle_store.cpp.
[[nodiscard]] result<std::shared_ptr<throttle_store>> make_throttle_store(const std::shared_ptr<postgres_database>& db,
                                                                          const store_options& options);

}  // namespace sesh::detail
