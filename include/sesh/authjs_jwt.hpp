// Auth.js v5 (@auth/core) session tokens: JWE dir + A256CBC-HS512, key salted with the cookie name.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include <sesh/clock.hpp>
#include <sesh/random.hpp>
#include <sesh/result.hpp>

namespace sesh {

/// Options for authjs_jwt_codec.
struct authjs_jwt_options {
    /// AUTH_SECRET values. The first encrypts; each is tried on decode, matched by `kid`.
    /// Required, none empty.
    std::vector<std::string> secrets;
    /// The HKDF salt: Auth.js uses the session cookie's name. Default "authjs.session-token"
    /// (on https Auth.js names it "__Secure-authjs.session-token").
    std::string salt = "authjs.session-token";
    /// Lifetime written into `exp` on encode. Default 30 days.
    std::chrono::seconds max_age = std::chrono::hours(24 * 30);
    /// Clock tolerance on decode. Default 15 s, as Auth.js.
    std::chrono::seconds clock_skew{15};
    /// Tokens longer than this are refused before any work (errc::too_large). Default 64 KiB.
    std::size_t max_token_bytes = 64 * 1024;
    /// Time source; null means sesh::system_clock(). Must outlive the codec.
    const sesh::clock* clock = nullptr;
    /// Randomness for IVs and `jti`; null means sesh::system_random() drawn through a per-thread
    /// buffer that a fork discards. Must outlive the codec.
    random_source* random = nullptr;
};

/// Encodes and decodes @auth/core 0.34 session tokens. Immutable once created; copies share keys;
/// thread-safe.
class authjs_jwt_codec {
public:
    /// Derives the keys: HKDF-SHA256(secret, salt, "Auth.js Generated Encryption Key (<salt>)"),
    /// 64 bytes for A256CBC-HS512 and 32 for A256GCM, and their RFC 7638 `kid` thumbprints
    /// (SHA-512 and SHA-256 of the JWK). errc::invalid_argument when no secret is given or one
    /// is empty.
    [[nodiscard]] static result<authjs_jwt_codec> create(authjs_jwt_options options);

    /// A compact JWE with header {"alg":"dir","enc":"A256CBC-HS512","kid":<thumbprint>} of
    /// `claims` plus `iat`, `exp` and a fresh UUID v4 `jti`, under the first secret. Errors as
    /// nextauth_jwt_codec::encode.
    [[nodiscard]] result<std::string> encode(const boost::json::object& claims) const;

    /// The claims of `token`; accepts enc A256CBC-HS512 or A256GCM, as Auth.js does. A `kid`
    /// must match one secret's thumbprint for that enc (errc::unknown_key_id; a non-string `kid`
    /// is malformed); without one only the first secret is tried, as Auth.js does. The
    /// A256CBC-HS512 tag is verified, in constant time, before anything is decrypted. Other
    /// errors as nextauth_jwt_codec::decode.
    [[nodiscard]] result<boost::json::object> decode(std::string_view token) const;

    struct impl;

private:
    explicit authjs_jwt_codec(std::shared_ptr<const impl> p) noexcept : impl_(std::move(p)) {}
    std::shared_ptr<const impl> impl_;
};

}  // namespace sesh
