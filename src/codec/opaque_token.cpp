// Opaque session tokens: 256 random bits, and the SHA-256 store key that stands in for them.
#include <sesh/opaque_token.hpp>

#include <array>

#include <sesh/encoding.hpp>

#include "core/crypto.hpp"

namespace sesh {

std::string make_opaque_token(random_source& random) {
    std::array<std::uint8_t, 32> raw;
    random.fill(raw);
    return base64url_encode(raw);
}

bool is_opaque_token(std::string_view token) noexcept {
    if (token.size() != opaque_token_length) return false;
    for (char c : token) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    // 43 characters carry 258 bits; the last one may only use the 4 high bits (canonical form).
    const char last = token.back();
    return std::string_view("AEIMQUYcgkosw048").find(last) != std::string_view::npos;
}

std::string opaque_token_store_key(std::string_view token) {
    return hex_encode(detail::sha256(as_bytes(token)));
}

}  // namespace sesh
