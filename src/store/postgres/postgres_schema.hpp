// The PostgreSQL store's schema: versioned migrations that create only sesh's own tables.
#pragma once

#include <string>

#include <sesh/result.hpp>

#include "store/postgres/postgres_connection.hpp"

namespace sesh::detail {

/// Migrations this build knows; the `sesh_schema` table records how many a database has run.
inline constexpr int postgres_schema_version = 1;

/// Brings the database `c` is connected to up to postgres_schema_version, in one transaction
/// under an advisory lock (two processes starting at once migrate one after the other). Creates
/// and changes only tables named `sesh_*` that a migration of its own made; every other table
/// (Auth.js's `users`, `sessions`, an application's own) is left as it is. errc::store_unavailable
/// (logged, naming `label`) if it fails or the database's schema is newer than this build's.
[[nodiscard]] result<void> postgres_migrate(postgres_connection& c, postgres_deadline deadline,
                                            const std::string& label);

}  // namespace sesh::detail
