// open_user_store: the user store beside the session store of the same URL.
#include <sesh/users.hpp>

#include <sesh/error.hpp>

#include "auth/user_backends.hpp"
#include "store/backends.hpp"

namespace sesh {
result<std::unique_ptr<user_store>> open_user_store(std::string_view url, const store_options& options) {
    if (url == "memory:" || url == "memory://") return detail::make_memory_user_store();
    if (url.starts_with("sqlite:")) {
        std::string_view path = url.substr(7);
        if (path.starts_with("//")) path.remove_prefix(2);
        if (path.empty()) return fail(errc::invalid_argument);
        return detail::open_sqlite_user_store(std::string(path), options);
    }
    if (url.starts_with("redis://")) {
        auto a = detail::parse_redis_url(url.substr(8));
        if (!a) return fail(a.error());
        return detail::open_redis_user_store(a->host, a->port, a->db, options);
    }
    return fail(errc::invalid_argument);
}

}  // namespace sesh
