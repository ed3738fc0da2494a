// Session records as statement parameters, and read back from result rows.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <vector>

#include <sesh/store.hpp>

namespace sesh::detail {

/// The ten session columns as text parameters $1..$10, in the order of postgres_queries.hpp.
[[nodiscard]] std::vector<std::string> record_params(const session_record& r);

/// Row `row` of a result whose columns are the ten session columns; nothing (logged) if it is not
/// what the store writes (an unreadable time, expiries that disagree, data that is not a JSON
/// object), so a corrupt row reads as absent.
[[nodiscard]] std::optional<session_record> read_record(const PGresult* result, int row);

}  // namespace sesh::detail
