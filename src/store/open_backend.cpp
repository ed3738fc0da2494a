// open_backend: picks a backend from the URL's scheme and opens its connections.
#include <charconv>

#include "store/backends.hpp"
#include "store/redis/redis_database.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace sesh::detail {
namespace {

bool parse_int(std::string_view s, int& out) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

result<redis_address> parse_redis_url(std::string_view rest) {
    redis_address out;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (!parse_int(rest.substr(slash + 1), out.db) || out.db < 0) return fail(errc::invalid_argument);
        rest = rest.substr(0, slash);
    }
    if (rest.find('@') != std::string_view::npos) return fail(errc::invalid_argument);
    if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        if (!parse_int(rest.substr(colon + 1), out.port) || out.port <= 0 || out.port > 65535)
            return fail(errc::invalid_argument);
        rest = rest.substr(0, colon);
    }
    if (rest.empty()) return fail(errc::invalid_argument);
    out.host = rest;
    return out;
}

result<backend> open_backend(std::string_view url, const store_options& options) {
    if (url == "memory:" || url == "memory://") return memory_backend{};
    if (url.starts_with("sqlite:")) {
        std::string_view path = url.substr(7);
        if (path.starts_with("//")) path.remove_prefix(2);
        if (path.empty()) return fail(errc::invalid_argument);
        auto db = sqlite_database::open(std::string(path), options);
        if (!db) return fail(db.error());
        return std::move(*db);
    }
    if (url.starts_with("redis://")) {
        auto a = parse_redis_url(url.substr(8));
        if (!a) return fail(a.error());
        auto db = redis_database::open(a->host, a->port, a->db, options);
        if (!db) return fail(db.error());
        return std::move(*db);
    }
    return fail(errc::invalid_argument);
}

}  // namespace sesh::detail
