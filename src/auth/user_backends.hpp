// The user store over each backend that open_backend (store/backends.hpp) opens: one overload
// per alternative of detail::backend, so a new scheme is refused at compile time until it has one.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <sesh/users.hpp>

#include "store/backends.hpp"

namespace sesh::detail {

/// `memory:`: a map under a mutex, its own; see memory_user_store.cpp.
[[nodiscard]] result<std::unique_ptr<user_store>> make_user_store(const memory_backend& b, const store_options& options);
/// `sqlite:PATH`: Auth.js's `users` with sesh_passwords beside it, in the file, on the database's
/// pool, writer and workers;
/// see sqlite_user_store.cpp.
[[nodiscard]] result<std::unique_ptr<user_store>> make_user_store(const std::shared_ptr<sqlite_database>& db,
                                                                  const store_options& options);
/// `redis://HOST:PORT/DB`: keys under `sesh:user:`, on the database's connections; see
/// redis_user_store.cpp.
[[nodiscard]] result<std::unique_ptr<user_store>> make_user_store(const std::shared_ptr<redis_database>& db,
                                                                  const store_options& options);

/// `postgres://…`: Auth.js's `users` table with sesh_passwords beside it; a user's id is its
/// `users` row's id as text, given by the table (create ignores user::id); see
/// postgres_user_store.cpp.
[[nodiscard]] result<std::unique_ptr<user_store>> make_user_store(const std::shared_ptr<postgres_database>& db,
                                                                  const store_options& options);

/// The checks every backend's create makes before writing.
[[nodiscard]] inline bool user_is_well_formed(const user& u) noexcept {
    return !u.id.empty() && !u.password_hash.empty() && is_valid_user_name(u.name) && is_valid_email(u.email);
}

/// The checks every backend's link_account makes before writing.
[[nodiscard]] inline bool account_is_well_formed(const linked_account& a) noexcept {
    return !a.provider.empty() && !a.provider_account_id.empty() && !a.user_id.empty();
}

/// `email` in ASCII lower case: the key e-mail lookups compare (find_by_email).
[[nodiscard]] std::string email_key(std::string_view email);

}  // namespace sesh::detail
