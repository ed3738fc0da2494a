// The SQLite store's versioned schema: migrations keyed by PRAGMA user_version.
#pragma once

#include <string>

#include <sqlite3.h>

#include <sesh/result.hpp>

namespace sesh::detail {

/// The schema version this build reads and writes; a database newer than this is refused.
inline constexpr int sqlite_schema_version = 3;

/// Brings the database on `db` to sqlite_schema_version, running each missing migration once,
/// all in one write transaction (a crash mid-way leaves the old version, not half a new one; two
/// processes opening at once migrate once). errc::store_unavailable, logged, when a migration
/// fails or the file's version is newer than this build (downgrading would drop what the newer
/// schema keeps). `path` is only for the log.
[[nodiscard]] result<void> sqlite_migrate(sqlite3* db, const std::string& path);

}  // namespace sesh::detail
