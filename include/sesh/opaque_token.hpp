// Opaque session tokens for the server strategy: 256 random bits in the cookie, their SHA-256 in
// the store, so a leaked store yields no usable token.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <sesh/random.hpp>

namespace sesh {

/// Length of an opaque token: 32 bytes as unpadded base64url.
inline constexpr std::size_t opaque_token_length = 43;

/// A new token: 32 bytes from `random`, base64url without padding (43 characters).
[[nodiscard]] std::string make_opaque_token(random_source& random = system_random());

/// True when `token` has the exact shape make_opaque_token produces; a cheap check that lets a
/// store lookup be skipped for junk.
[[nodiscard]] bool is_opaque_token(std::string_view token) noexcept;

/// The store key of a token: SHA-256 of its text, as 64 lower-case hex characters.
[[nodiscard]] std::string opaque_token_store_key(std::string_view token);

}  // namespace sesh
