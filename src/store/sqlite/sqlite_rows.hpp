// Session rows to and from statements: binding a record, and reading one back with the checks
// that turn a corrupt row into "absent".
#pragma once

#include <optional>

#include <sesh/store.hpp>

#include "store/sqlite/sqlite_handle.hpp"

namespace sesh::detail {

/// Binds `r` to parameters ?1..?10 in SESH_SQLITE_SESSION_COLUMNS order (key, user_id, data,
/// created, last_seen, idle_expires, absolute_expires, expires, address, user_agent). `r` must
/// outlive the use: strings are bound without copying.
void bind_record(sqlite_use& q, const session_record& r) noexcept;

/// The record in the current row of `stmt` (columns in SESH_SQLITE_SESSION_COLUMNS order), or
/// nothing when the row is corrupt: a column of the wrong type, a time out of range, an expiry
/// that disagrees with its parts, or data that is not a JSON object. A corrupt row is logged
/// (with a key prefix, never a whole key) and never fails the call; it stays in the file for
/// inspection until it expires or is erased.
[[nodiscard]] std::optional<session_record> read_record(sqlite3_stmt* stmt);

}  // namespace sesh::detail
