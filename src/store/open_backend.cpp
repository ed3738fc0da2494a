// open_backend: picks a backend from the URL's scheme and opens its connections.
#include <cctype>
#include <charconv>
#include <optional>
#include <utility>

#include <sesh/log.hpp>

#include "core/percent.hpp"
#include "store/backends.hpp"
#include "store/postgres/postgres_database.hpp"
#include "store/redis/redis_database.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace sesh::detail {
namespace {

bool parse_int(std::string_view s, int& out) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

// The scheme compared without regard to case, as RFC 3986 has it: `Redis://` is `redis://`.
bool has_scheme(std::string_view url, std::string_view scheme) noexcept {
    if (url.size() < scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
    return true;
}

// HOST, HOST:PORT, [IPv6] or [IPv6]:PORT (an IPv6 address needs its brackets); `port` keeps its
// default when none is given. False for an empty host, a bad port or a stray bracket.
bool parse_host_port(std::string_view rest, std::string& host, int& port) {
    std::optional<std::string_view> port_text;
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return false;
        const std::string_view after = rest.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) return false;
        if (!after.empty()) port_text = after.substr(1);
        rest = rest.substr(1, close - 1);
        if (rest.find(':') == std::string_view::npos) return false;
    } else if (auto colon = rest.find(':'); colon != std::string_view::npos) {
        port_text = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
    }
    if (port_text && (!parse_int(*port_text, port) || port <= 0 || port > 65535)) return false;
    if (rest.empty()) return false;
    host = rest;
    return true;
}

// The query of a Redis URL, `NAME=N` pairs joined by '&': `wait=N` (1 to 16 replicas) in both
// forms, `db=N` in redis-sentinel:// only (redis:// names its database in the path). False for
// anything else, a repeated name, or a value out of range.
bool parse_redis_query(std::string_view query, redis_address& out, bool db_allowed) {
    bool seen_db = false, seen_wait = false;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view param = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (amp != std::string_view::npos && query.empty()) return false;
        if (db_allowed && param.starts_with("db=") && !std::exchange(seen_db, true)) {
            if (!parse_int(param.substr(3), out.db) || out.db < 0) return false;
        } else if (param.starts_with("wait=") && !std::exchange(seen_wait, true)) {
            if (!parse_int(param.substr(5), out.wait_replicas) || out.wait_replicas < 1 || out.wait_replicas > 16)
                return false;
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace

result<redis_address> parse_redis_url(std::string_view rest) {
    redis_address out;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        if (!parse_redis_query(rest.substr(q + 1), out, false)) return fail(errc::invalid_argument);
        rest = rest.substr(0, q);
    }
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        // USER:PASSWORD or :PASSWORD; the last '@' ends them, as a host holds none.
        const std::string_view credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const auto colon = credentials.find(':');
        if (colon == std::string_view::npos) return fail(errc::invalid_argument);
        auto user = percent_decode(credentials.substr(0, colon));
        auto password = percent_decode(credentials.substr(colon + 1));
        if (!user || !password || password->empty()) return fail(errc::invalid_argument);
        out.user = std::move(*user);
        out.password = std::move(*password);
    }
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (!parse_int(rest.substr(slash + 1), out.db) || out.db < 0) return fail(errc::invalid_argument);
        rest = rest.substr(0, slash);
    }
    if (!parse_host_port(rest, out.host, out.port)) return fail(errc::invalid_argument);
    return out;
}

result<redis_address> parse_redis_sentinel_url(std::string_view rest) {
    redis_address out;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        if (!parse_redis_query(rest.substr(q + 1), out, true)) return fail(errc::invalid_argument);
        rest = rest.substr(0, q);
    }
    const auto slash = rest.rfind('/');
    if (slash == std::string_view::npos || slash + 1 == rest.size()) return fail(errc::invalid_argument);
    auto name = percent_decode(rest.substr(slash + 1));
    if (!name || name->empty()) return fail(errc::invalid_argument);
    out.master_name = std::move(*name);
    rest = rest.substr(0, slash);
    // The credentials, as redis:// has them, then HOST:PORT,HOST:PORT...
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        auto creds = parse_redis_url(std::string(rest.substr(0, at + 1)) + "localhost");
        if (!creds) return fail(creds.error());
        out.user = std::move(creds->user);
        out.password = std::move(creds->password);
        rest = rest.substr(at + 1);
    }
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string host;
        int port = 26379;
        if (!parse_host_port(rest.substr(0, comma), host, port)) return fail(errc::invalid_argument);
        out.sentinels.emplace_back(std::move(host), port);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (comma != std::string_view::npos && rest.empty()) return fail(errc::invalid_argument);
    }
    if (out.sentinels.empty()) return fail(errc::invalid_argument);
    return out;
}

result<postgres_address> parse_postgres_url(std::string_view rest) {
    postgres_address out;
    std::string_view query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return fail(errc::invalid_argument);
    auto database = percent_decode(rest.substr(slash + 1));
    if (!database || database->empty()) return fail(errc::invalid_argument);
    out.database = std::move(*database);
    rest = rest.substr(0, slash);
    // USER or USER:PASSWORD, required: a session store logs in as a role it was given, never as
    // whatever the OS user happens to be. The last '@' ends them, as a host holds none.
    const auto at = rest.rfind('@');
    if (at == std::string_view::npos) return fail(errc::invalid_argument);
    const std::string_view credentials = rest.substr(0, at);
    const auto colon = credentials.find(':');
    auto user = percent_decode(credentials.substr(0, colon));
    if (!user || user->empty()) return fail(errc::invalid_argument);
    out.user = std::move(*user);
    if (colon != std::string_view::npos) {
        auto password = percent_decode(credentials.substr(colon + 1));
        if (!password) return fail(errc::invalid_argument);
        out.password = std::move(*password);
    }
    if (!parse_host_port(rest.substr(at + 1), out.host, out.port)) return fail(errc::invalid_argument);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view param = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        constexpr std::string_view sslmode = "sslmode=";
        if (!param.starts_with(sslmode)) return fail(errc::invalid_argument);
        const std::string_view mode = param.substr(sslmode.size());
        if (mode != "disable" && mode != "allow" && mode != "prefer" && mode != "require" && mode != "verify-ca" &&
            mode != "verify-full")
            return fail(errc::invalid_argument);
        out.sslmode = mode;
    }
    return out;
}

result<backend> open_backend(std::string_view url, const store_options& options) {
    if (has_scheme(url, "memory:") && (url.size() == 7 || url.substr(7) == "//")) return memory_backend{};
    if (has_scheme(url, "sqlite:")) {
        std::string_view path = url.substr(7);
        if (path.starts_with("//")) path.remove_prefix(2);
        if (path.empty()) return fail(errc::invalid_argument);
        auto db = sqlite_database::open(std::string(path), options);
        if (!db) return fail(db.error());
        return std::move(*db);
    }
    if (has_scheme(url, "redis-sentinel://")) {
        auto a = parse_redis_sentinel_url(url.substr(17));
        if (!a) return fail(a.error());
        auto db = redis_database::open(*a, options);
        if (!db) return fail(db.error());
        return std::move(*db);
    }
    if (has_scheme(url, "redis://")) {
        auto a = parse_redis_url(url.substr(8));
        if (!a) return fail(a.error());
        auto db = redis_database::open(*a, options);
        if (!db) return fail(db.error());
        return std::move(*db);
    }
    for (std::string_view scheme : {"postgres://", "postgresql://"}) {
        if (!has_scheme(url, scheme)) continue;
        auto a = parse_postgres_url(url.substr(scheme.size()));
        if (!a) return fail(a.error());
        auto db = postgres_database::open(*a, options);
        if (!db) return fail(db.error());
        return std::move(*db);
    }
    if (has_scheme(url, "rediss://")) {
        // Refused rather than connected in the clear: Debian 12's hiredis (0.14) has no TLS.
        sesh::logger()->error("sesh: rediss:// (Redis over TLS) is not supported by this build's hiredis; "
                      "run a TLS tunnel such as stunnel next to seshd and use redis:// to its local end "
                      "(docs/REDIS.md)");
        return fail(errc::invalid_argument);
    }
    return fail(errc::invalid_argument);
}

}  // namespace sesh::detail
