// Cookies: RFC 6265 Cookie-header parsing as browsers send it, Set-Cookie serialization with the
// __Host-/__Secure- prefix rules, and next-auth's chunking of values too long for one cookie.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sesh/result.hpp>

namespace sesh {

/// One name=value pair of a Cookie request header; views into the header text.
struct cookie {
    std::string_view name;
    std::string_view value;  ///< surrounding double quotes removed; no percent-decoding
};

/// Bounds on what parse_cookie_header accepts.
struct cookie_limits {
    std::size_t max_header_bytes = 16 * 1024;  ///< a longer header is refused (errc::too_large)
    std::size_t max_cookies = 300;             ///< pairs past this many are ignored
};

/// Parses a Cookie header: pairs split on ';', spaces and tabs trimmed, one pair of surrounding
/// quotes removed from values, pairs without '=' or with an empty or invalid name skipped, and
/// for a repeated name only the first kept (browsers send the most specific cookie first).
/// The views point into `header`, which must outlive them. errc::too_large past the byte bound.
[[nodiscard]] result<std::vector<cookie>> parse_cookie_header(std::string_view header,
                                                              const cookie_limits& limits = {});

/// The value of the cookie named `name`, if present.
[[nodiscard]] std::optional<std::string_view> find_cookie(const std::vector<cookie>& cookies,
                                                          std::string_view name) noexcept;

/// next-auth splits values at 3933 characters: 4096 minus its estimate of the attributes
/// (next-auth core/lib/cookie.ts).
inline constexpr std::size_t cookie_chunk_size = 3933;

/// True for `base` itself and for `base.N` with N decimal digits: the names a chunked value uses.
[[nodiscard]] bool is_chunk_of(std::string_view name, std::string_view base) noexcept;

/// Joins a possibly chunked value: `base` alone, or `base.0`, `base.1`, … in numeric order of
/// the suffix (next-auth's SessionStore). Empty optional when no such cookie is present.
[[nodiscard]] std::optional<std::string> join_chunks(const std::vector<cookie>& cookies, std::string_view base);

/// The SameSite attribute.
enum class same_site { unset, lax, strict, none };

/// A Set-Cookie header to serialize. Defaults are the safe ones: Secure, HttpOnly, Lax, Path=/.
struct set_cookie {
    std::string name;
    std::string value;
    std::optional<std::chrono::seconds> max_age;                      ///< Max-Age (0 deletes)
    std::optional<std::chrono::system_clock::time_point> expires;     ///< Expires, as an IMF-fixdate
    std::string path = "/";                                           ///< empty: no Path attribute
    std::string domain;                                               ///< empty: host-only
    bool secure = true;
    bool http_only = true;
    sesh::same_site same_site = sesh::same_site::lax;
    bool partitioned = false;                                         ///< CHIPS; requires Secure
};

/// The header value for `c` (without "Set-Cookie: "). errc::invalid_argument when the name is not
/// an RFC 6265 token, the value has a character outside cookie-octet, an attribute value holds
/// ';' or a control character, SameSite=None or Partitioned lacks Secure, or a prefix rule is
/// broken (`__Secure-` needs Secure; `__Host-` needs Secure, Path=/ and no Domain).
[[nodiscard]] result<std::string> serialize(const set_cookie& c);

/// The Set-Cookie list that stores `whole` next-auth style: one cookie named `whole.name` when
/// the value fits in cookie_chunk_size, else `name.0`, `name.1`, …; followed by a deletion
/// (empty value, Max-Age=0, same attributes) for every chunk in `seen` (the request's cookies)
/// that the new set does not overwrite, so no stale chunk outlives the write.
[[nodiscard]] std::vector<set_cookie> chunk_cookie(const set_cookie& whole, const std::vector<cookie>& seen);

/// Deletions (empty value, Max-Age=0) for `base` and each of its chunks present in `seen`,
/// with the attributes of `like`.
[[nodiscard]] std::vector<set_cookie> clear_chunks(const set_cookie& like, const std::vector<cookie>& seen);

}  // namespace sesh
