// The PostgreSQL store's schema: versioned migrations that create sesh's own tables, and Auth.js's
// when they are absent.
#pragma once

#include <string>

#include <sesh/result.hpp>

#include "store/postgres/postgres_connection.hpp"

namespace sesh::detail {

/// Migrations this build knows; the `sesh_schema` table records how many a database has run.
inline constexpr int postgres_schema_version = 2;

/// Brings the database `c` is connected to up to postgres_schema_version, in one transaction
/// under an advisory lock (two processes starting at once migrate one after the other). Changes
/// only tables named `sesh_*` that a migration of its own made; Auth.js's `users`, `accounts`,
/// `sessions` and `verification_token` are created (as @auth/pg-adapter's schema.sql has them)
/// only when absent, and a table that exists (an application's own, or Auth.js's made by a
/// Next.js app) is left as it is. errc::store_unavailable
/// (logged, naming `label`) if it fails or the database's schema is newer than this build's.
[[nodiscard]] result<void> postgres_migrate(postgres_connection& c, postgres_deadline deadline,
                                            const std::string& label);

}  // namespace sesh::detail
