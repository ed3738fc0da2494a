// The database strategy's sessions in a store that keeps Auth.js's `sessions` table (PostgreSQL,
// SQLite): the key forms that name those rows, and the profile their `users` row adds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <sesh/store.hpp>

namespace sesh::detail {

/// The key of a `sessions` row: `authjs:` and the row's id (not secret: /sessions shows it). What
/// get and list_user answer for such rows, and what update, touch, erase and erase_user's keep take.
inline constexpr std::string_view authjs_id_prefix = "authjs:";
/// The key get and create take for a session by its token (`authjs-token:` and the cookie's
/// value), since the token, not the id, is what a request brings. Never a key of a stored record.
inline constexpr std::string_view authjs_token_prefix = "authjs-token:";

/// The id in an `authjs:ID` key, or nothing for any other key.
[[nodiscard]] std::optional<std::string> authjs_row_id(std::string_view key);

/// Puts the user's name, email and image into `r.data` as `name`, `email` and `picture` (the
/// `users` row is their source, as in next-auth's session route; an absent value is JSON null).
/// False when the data is not a JSON object (the row is then no session).
[[nodiscard]] bool add_authjs_profile(session_record& r, std::optional<std::string_view> name,
                                      std::optional<std::string_view> email, std::optional<std::string_view> image);

}  // namespace sesh::detail
