// The database strategy's sessions in a PostgreSQL store: store keys that name rows of Auth.js's
// `sessions` table instead of sesh_sessions, and reading those rows back as session records.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string_view>

#include <sesh/store.hpp>

namespace sesh::detail {

/// The key of a `sessions` row: `authjs:` and the row's id (not secret: /sessions shows it). What
/// get and list_user answer for such rows, and what update, touch, erase and erase_user's keep take.
inline constexpr std::string_view authjs_id_prefix = "authjs:";
/// The key get and create take for a session by its token (`authjs-token:` and the cookie's
/// value), since the token, not the id, is what a request brings. Never a key of a stored record.
inline constexpr std::string_view authjs_token_prefix = "authjs-token:";

/// Row `row` of an authjs_get or authjs_list_user result: the ten session columns, then the
/// user's name, email and image, which go into the data as `name`, `email` and `picture` (the
/// user table is their source, as in next-auth's session route; NULL becomes JSON null).
/// Nothing (logged) for a row that is not a readable session.
[[nodiscard]] std::optional<session_record> read_authjs_record(const PGresult* result, int row);

}  // namespace sesh::detail
