// open_database and open_user_store: the stores over the backend a URL names (the URL dispatch
// itself is store/open_backend.cpp).
#include <sesh/database.hpp>

#include "auth/throttle_backends.hpp"
#include "auth/user_backends.hpp"

namespace sesh {

result<database> open_database(std::string_view url, const store_options& options) {
    auto b = detail::open_backend(url, options);
    if (!b) return fail(b.error());
    return std::visit(
        [&](const auto& db) -> result<database> {
            auto sessions = detail::make_store(db, options);
            if (!sessions) return fail(sessions.error());
            auto users = detail::make_user_store(db, options);
            if (!users) return fail(users.error());
            auto throttle = detail::make_throttle_store(db, options);
            if (!throttle) return fail(throttle.error());
            return database{std::move(*sessions), std::move(*users), std::move(*throttle)};
        },
        *b);
}

result<std::unique_ptr<user_store>> open_user_store(std::string_view url, const store_options& options) {
    auto b = detail::open_backend(url, options);
    if (!b) return fail(b.error());
    return std::visit([&](const auto& db) { return detail::make_user_store(db, options); }, *b);
}

}  // namespace sesh
