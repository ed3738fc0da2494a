// base64url (RFC 4648 §5, no padding) and lower-case hex: the text forms of every token sesh makes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sesh/result.hpp>

namespace sesh {

/// Bytes owned by the caller.
using bytes = std::vector<std::uint8_t>;
/// A read-only view of bytes.
using byte_view = std::span<const std::uint8_t>;

/// Views the characters of a string as bytes (no copy; `s` must outlive the view).
[[nodiscard]] inline byte_view as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// Appends the unpadded base64url form of `in` to `out`.
void base64url_append(std::string& out, byte_view in);

/// The unpadded base64url form of `in`.
[[nodiscard]] std::string base64url_encode(byte_view in);

/// Decodes unpadded base64url, appending to `out`. Fails with errc::malformed on any character
/// outside the alphabet, on padding, on an impossible length (4n+1) or on non-zero trailing bits
/// (so each byte string has exactly one accepted encoding). `out` is unspecified on failure.
[[nodiscard]] result<void> base64url_decode_append(bytes& out, std::string_view in);

/// Decodes unpadded base64url (see base64url_decode_append for the rules).
[[nodiscard]] result<bytes> base64url_decode(std::string_view in);

/// The lower-case hex form of `in`.
[[nodiscard]] std::string hex_encode(byte_view in);

/// Decodes hex (either case). Fails with errc::malformed on an odd length or a non-hex character.
[[nodiscard]] result<bytes> hex_decode(std::string_view in);

}  // namespace sesh
