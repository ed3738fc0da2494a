// Accounts on PostgreSQL: refused until they are built (issue 13: users in Auth.js's `users`
// table, password hashes and throttle counts in sesh_* tables beside it). Only the session store
// (open_store) takes a postgres:// URL so far.
#include <sesh/log.hpp>

#include "auth/throttle_backends.hpp"
#include "auth/user_backends.hpp"

namespace sesh::detail {

result<std::unique_ptr<user_store>> make_user_store(const std::shared_ptr<postgres_database>&, const store_options&) {
    sesh::logger()->error("postgres: accounts not yet supported (users); use postgres:// as a session store only");
    return fail(errc::invalid_argument);
}

result<std::shared_ptr<throttle_store>> make_throttle_store(const std::shared_ptr<postgres_database>&,
                                                            const store_options&) {
    sesh::logger()->error("postgres: accounts not yet supported (login throttle); use postgres:// as a session store "
                          "only");
    return fail(errc::invalid_argument);
}

}  // namespace sesh::detail
