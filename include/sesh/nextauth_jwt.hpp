// next-auth v4 session tokens: JWE dir + A256GCM with the key next-auth derives from its secret.
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

/// Options for nextauth_jwt_codec.
struct nextauth_jwt_options {
    /// NEXTAUTH_SECRET values. The first encrypts; every one is tried on decode (rotation).
    /// Required, none empty.
    std::vector<std::string> secrets;
    /// next-auth's `salt` parameter of encode/decode; empty (the default) is what next-auth 4
    /// uses for its session cookie. A non-empty salt changes the derived key.
    std::string salt;
    /// Lifetime written into `exp` on encode. Default 30 days, next-auth's session maxAge.
    std::chrono::seconds max_age = std::chrono::hours(24 * 30);
    /// Clock tolerance on decode for `exp` and `nbf`. Default 15 s, as next-auth.
    std::chrono::seconds clock_skew{15};
    /// Tokens longer than this are refused before any work (errc::too_large). Default 64 KiB.
    std::size_t max_token_bytes = 64 * 1024;
    /// Time source; null means sesh::system_clock(). Must outlive the codec.
    const sesh::clock* clock = nullptr;
    /// Randomness for IVs and `jti`; null means sesh::system_random() drawn through a per-thread
    /// buffer that a fork discards. Must outlive the codec.
    random_source* random = nullptr;
};

/// Encodes and decodes next-auth 4.24 session tokens. Immutable once created; copies share keys;
/// thread-safe.
class nextauth_jwt_codec {
public:
    /// Derives the keys (HKDF-SHA256, info "NextAuth.js Generated Encryption Key[ (salt)]").
    /// errc::invalid_argument when no secret is given or one is empty.
    [[nodiscard]] static result<nextauth_jwt_codec> create(nextauth_jwt_options options);

    /// A compact JWE `header..iv.ciphertext.tag` of `claims` plus `iat` = now (whole seconds),
    /// `exp` = now + max_age and a fresh UUID v4 `jti` (each replacing a claim of the same name),
    /// encrypted with the first secret. Errors: too_large (the token would exceed
    /// max_token_bytes), invalid_argument (a non-finite number, an `nbf` that is not a number,
    /// or nesting deeper than 64 levels: decode could not read any of them back).
    [[nodiscard]] result<std::string> encode(const boost::json::object& claims) const;

    /// The claims of `token`, each secret tried in order. Errors: too_large; malformed (part
    /// count, base64url, header JSON, a non-empty encrypted-key part, IV or tag length, claims
    /// that are not a JSON object or nest deeper than 64 levels, a non-number `iat`/`nbf`/`exp`,
    /// a header `iss`/`sub`/`aud` the claims contradict); unsupported_algorithm (anything but
    /// alg "dir" + enc "A256GCM", or any `zip` or `crit`); bad_mac (no secret opens it);
    /// not_yet_valid (`nbf` > now + skew); expired (`exp` <= now - skew). A `kid` is ignored,
    /// as next-auth 4 ignores it.
    [[nodiscard]] result<boost::json::object> decode(std::string_view token) const;

    struct impl;

private:
    explicit nextauth_jwt_codec(std::shared_ptr<const impl> p) noexcept : impl_(std::move(p)) {}
    std::shared_ptr<const impl> impl_;
};

}  // namespace sesh
