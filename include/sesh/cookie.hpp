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
    std::size_t max_cookies = 300;             ///< pairs past this many kept ones are ignored
};

/// True when `name` is a non-empty RFC 7230 token: the cookie-name of RFC 6265 §4.1.1, the only
/// names serialize writes and parse_cookie_header keeps. Thread-safe, no allocation.
[[nodiscard]] bool is_valid_cookie_name(std::string_view name) noexcept;

/// Parses a Cookie header: pairs split on ';', spaces and tabs trimmed, one pair of surrounding
/// quotes removed from values, and for a repeated name only the first kept (browsers send the
/// most specific cookie first). Junk pairs are skipped, never an error: no '=', a name that is
/// not a token (is_valid_cookie_name), or a control character in the value. Values are otherwise
/// kept as sent (browsers send spaces, commas and UTF-8 that cookie-octet forbids).
/// At most limits.max_cookies pairs are kept; the rest are ignored.
/// The views point into `header`, which must outlive them. errc::too_large when the header is
/// longer than limits.max_header_bytes. Allocates once (the vector). Thread-safe.
[[nodiscard]] result<std::vector<cookie>> parse_cookie_header(std::string_view header,
                                                              const cookie_limits& limits = {});

/// The value of the first cookie named `name` (exact, case-sensitive match), if present.
[[nodiscard]] std::optional<std::string_view> find_cookie(const std::vector<cookie>& cookies,
                                                          std::string_view name) noexcept;

/// next-auth splits values at 3933 characters: 4096 minus its estimate of the attributes
/// (next-auth core/lib/cookie.ts).
inline constexpr std::size_t cookie_chunk_size = 3933;

/// True for `base` itself and for `base.N` with N one or more decimal digits: the names a chunked
/// value uses. Stricter than next-auth's `startsWith(base)` on purpose (see cookie_chunks.cpp).
/// False when `base` is empty.
[[nodiscard]] bool is_chunk_of(std::string_view name, std::string_view base) noexcept;

/// Joins a possibly chunked value: `base` alone, or `base.0`, `base.1`, … in numeric order of
/// the suffix (`.10` after `.2`), as next-auth's SessionStore reads it. When chunks are present
/// they win over a plain `base` (a stale cookie left under another Path or Domain). Empty optional
/// when no such cookie is present, or when the chunks are not exactly one each of 0 … n-1 (a gap
/// or two names for one index, e.g. `base.1` and `base.01`): next-auth would glue those into a
/// value no codec can read, so sesh says "no value" instead. Thread-safe.
[[nodiscard]] std::optional<std::string> join_chunks(const std::vector<cookie>& cookies, std::string_view base);

/// The SameSite attribute.
enum class same_site { unset, lax, strict, none };

/// A Set-Cookie header to serialize. Defaults are the safe ones: Secure, HttpOnly, Lax, Path=/.
struct set_cookie {
    std::string name;
    std::string value;
    std::optional<std::chrono::seconds> max_age;                      ///< Max-Age (0 deletes; negative is written as 0)
    std::optional<std::chrono::system_clock::time_point> expires;     ///< Expires, as an IMF-fixdate (years 1601-9999)
    std::string path = "/";                                           ///< empty: no Path attribute
    std::string domain;                                               ///< empty: host-only
    bool secure = true;
    bool http_only = true;
    sesh::same_site same_site = sesh::same_site::lax;
    bool partitioned = false;                                         ///< CHIPS; requires Secure
};

/// The header value for `c` (without "Set-Cookie: "), attributes in the order Max-Age, Expires,
/// Domain, Path, Secure, HttpOnly, SameSite, Partitioned.
/// errc::invalid_argument when the name is not a token, the value has a character outside
/// cookie-octet (RFC 6265 §4.1.1: no space, '"', ',', ';', '\\', control or non-ASCII byte), Path
/// or Domain holds ';', a control or non-ASCII byte or is over 1024 bytes, Expires is outside the
/// years 1601-9999, SameSite=None or Partitioned lacks Secure, or a prefix rule is broken. Prefixes
/// match case-insensitively, as RFC 6265bis §5.7 has browsers apply them: `__Secure-` needs
/// Secure; `__Host-` needs Secure, Path=/ and no Domain; `__Http-` and `__Host-Http-` also need
/// HttpOnly. errc::too_large when name and value together pass 4096 bytes (browsers drop such a
/// cookie, RFC 6265bis §5.6): use chunk_cookie. Thread-safe.
[[nodiscard]] result<std::string> serialize(const set_cookie& c);

/// The Set-Cookie list that stores `whole` next-auth style: one cookie named `whole.name` when
/// the value fits in cookie_chunk_size (an empty value too, where next-auth would write nothing),
/// else `name.0`, `name.1`, … of cookie_chunk_size characters each but the last; followed by a
/// deletion (see clear_chunks) for every chunk of `whole.name` in `seen` (the request's cookies)
/// that the new set does not overwrite, so no stale chunk outlives the write.
[[nodiscard]] std::vector<set_cookie> chunk_cookie(const set_cookie& whole, const std::vector<cookie>& seen);

/// Deletions for `like.name` and each of its chunks (is_chunk_of) present in `seen`, once per
/// name, in the order seen: empty value, Max-Age=0 and Expires at the Unix epoch (for user agents
/// that predate Max-Age), the other attributes of `like` (a cookie is only replaced by one with
/// the same Path and Domain). Nothing for names not in `seen`.
[[nodiscard]] std::vector<set_cookie> clear_chunks(const set_cookie& like, const std::vector<cookie>& seen);

}  // namespace sesh
