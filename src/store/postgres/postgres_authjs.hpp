// The database strategy's sessions in a PostgreSQL store: reading rows of Auth.js's `sessions`
// table back as session records (the key forms are store/authjs_sessions.hpp's).
#pragma once

#include <libpq-fe.h>

#include <optional>

#include "store/authjs_sessions.hpp"

namespace sesh::detail {

/// Row `row` of an authjs_get or authjs_list_user result: the ten session columns, then the
/// user's name, email and image (add_authjs_profile). Nothing (logged) for a row that is not a
/// readable session.
[[nodiscard]] std::optional<session_record> read_authjs_record(const PGresult* result, int row);

}  // namespace sesh::detail
