// next-auth's CSRF double-submit token: cookie `token|sha256_hex(token + secret)`, body `token`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <sesh/random.hpp>

namespace sesh {

/// A fresh CSRF token and the cookie value that vouches for it.
struct csrf_token {
    std::string token;         ///< 32 random bytes as 64 hex characters; goes in forms and /csrf
    std::string cookie_value;  ///< `token|hash`, unencoded (next-auth sends '|' as %7C)
};

/// Makes a token and its cookie value under `secret`.
[[nodiscard]] csrf_token make_csrf_token(std::string_view secret, random_source& random = system_random());

/// The token inside a CSRF cookie value whose hash matches `secret`; nothing when it does not
/// (a forged, truncated or foreign cookie). Accepts '|' or its percent-encoding "%7C".
[[nodiscard]] std::optional<std::string> verify_csrf_cookie(std::string_view cookie_value, std::string_view secret);

/// True when the cookie verifies and `submitted` equals its token (constant-time compare).
[[nodiscard]] bool csrf_matches(std::string_view cookie_value, std::string_view submitted, std::string_view secret);

}  // namespace sesh
