// next-auth's CSRF double-submit cookie (next-auth core/lib/csrf-token.ts): token|sha256(token+secret).
#include <sesh/csrf.hpp>

#include <array>

#include <sesh/encoding.hpp>

#include "core/crypto.hpp"

namespace sesh {
namespace {

std::string hash_hex(std::string_view token, std::string_view secret) {
    std::string joined;
    joined.reserve(token.size() + secret.size());
    joined.append(token).append(secret);
    return hex_encode(detail::sha256(as_bytes(joined)));
}

}  // namespace

csrf_token make_csrf_token(std::string_view secret, random_source& random) {
    std::array<std::uint8_t, 32> raw;
    random.fill(raw);
    csrf_token t;
    t.token = hex_encode(raw);
    t.cookie_value = t.token + "|" + hash_hex(t.token, secret);
    return t;
}

std::optional<std::string> verify_csrf_cookie(std::string_view cookie_value, std::string_view secret) {
    std::string_view token, hash;
    if (auto bar = cookie_value.find('|'); bar != std::string_view::npos) {
        token = cookie_value.substr(0, bar);
        hash = cookie_value.substr(bar + 1);
    } else if (auto enc = cookie_value.find("%7C"); enc != std::string_view::npos) {
        token = cookie_value.substr(0, enc);
        hash = cookie_value.substr(enc + 3);
    } else {
        return std::nullopt;
    }
    // next-auth makes 64 hex characters; refuse anything else before hashing it.
    if (token.size() != 64 || hash.size() != 64) return std::nullopt;
    if (!detail::constant_time_equal(as_bytes(hash_hex(token, secret)), as_bytes(hash))) return std::nullopt;
    return std::string(token);
}

bool csrf_matches(std::string_view cookie_value, std::string_view submitted, std::string_view secret) {
    const auto token = verify_csrf_cookie(cookie_value, secret);
    return token && detail::constant_time_equal(as_bytes(*token), as_bytes(submitted));
}

}  // namespace sesh
