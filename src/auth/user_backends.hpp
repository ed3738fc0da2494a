// The constructors of the user store backends, for open_user_store's URL dispatch.
#pragma once

#include <memory>
#include <string>

#include <sesh/users.hpp>

namespace sesh::detail {

/// `memory:`: a map under a mutex; see memory_user_store.cpp.
[[nodiscard]] std::unique_ptr<user_store> make_memory_user_store();
/// `sqlite:PATH`: a `sesh_users` table in the session database; see sqlite_user_store.cpp.
[[nodiscard]] result<std::unique_ptr<user_store>> open_sqlite_user_store(const std::string& path,
                                                                         const store_options& options);
/// `redis://HOST:PORT/DB`: see redis_user_store.cpp.
[[nodiscard]] result<std::unique_ptr<user_store>> open_redis_user_store(const std::string& host, int port, int db,
                                                                        const store_options& options);

/// The checks every backend's create makes before writing.
[[nodiscard]] inline bool user_is_well_formed(const user& u) noexcept {
    return !u.id.empty() && !u.password_hash.empty() && is_valid_user_name(u.name) && is_valid_email(u.email);
}

}  // namespace sesh::detail
