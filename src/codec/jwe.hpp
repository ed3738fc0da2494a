// JWE compact serialization with alg "dir" carrying a JWT claims set: the engine under both session-token codecs.
// Internal (not installed). RFC 7516 (JWE), RFC 7518 §4.5 / §5.2 / §5.3 (dir, A256CBC-HS512, A256GCM),
// RFC 7519 (JWT claims), RFC 7638 (key thumbprints for `kid`).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include <sesh/clock.hpp>
#include <sesh/encoding.hpp>
#include <sesh/random.hpp>
#include <sesh/result.hpp>

#include "core/crypto.hpp"

namespace sesh::detail {

/// The content encryptions the codecs speak (RFC 7518 §5).
enum class jwe_enc : std::uint8_t { a256gcm, a256cbc_hs512 };

/// The header name of `enc`: "A256GCM" or "A256CBC-HS512".
[[nodiscard]] std::string_view jwe_enc_name(jwe_enc enc) noexcept;

/// Key size in bytes: 32 for A256GCM, 64 for A256CBC-HS512.
[[nodiscard]] constexpr std::size_t jwe_key_size(jwe_enc enc) noexcept { return enc == jwe_enc::a256gcm ? 32 : 64; }

/// IV size in bytes: 12 for A256GCM (RFC 7518 §5.3), 16 for A256CBC-HS512 (§5.2.2.1).
[[nodiscard]] constexpr std::size_t jwe_iv_size(jwe_enc enc) noexcept { return enc == jwe_enc::a256gcm ? 12 : 16; }

/// Authentication tag size in bytes: 16 for A256GCM (RFC 7518 §5.3), 32 for A256CBC-HS512
/// (T_LEN, §5.2.5).
[[nodiscard]] constexpr std::size_t jwe_tag_size(jwe_enc enc) noexcept { return enc == jwe_enc::a256gcm ? 16 : 32; }

/// Nesting bound for claims, both ways: encode refuses deeper claims, decode deeper JSON.
/// (boost::json's default is 32; sessions may nest a little deeper, and the parser keeps its own
/// stack, so depth costs memory, not recursion.)
inline constexpr std::size_t jwt_max_json_depth = 64;

/// RFC 7638 thumbprint of the symmetric JWK {"k":<base64url key>,"kty":"oct"}: base64url of its
/// SHA-512 for a 64-byte key, of its SHA-256 otherwise. @auth/core puts this in `kid`
/// (`sha${byteLength << 3}` in its jwt.ts).
[[nodiscard]] std::string oct_jwk_thumbprint(byte_view key);

class cipher_pool;

/// A `dir` content-encryption key with everything derived from it computed once: the protected
/// header it encrypts under (base64url, so it is also the AAD), for A256CBC-HS512 the keyed HMAC
/// state, and pools of keyed cipher contexts (core/cipher_pool.hpp) that each call only
/// re-initialises with a new IV. Immutable in use; share freely between threads.
class jwe_key {
public:
    /// `key` must be jwe_key_size(enc) bytes (else errc::invalid_argument); errc::crypto_failure
    /// if OpenSSL cannot set the cipher up. A non-empty `kid` is written into the header as
    /// {"alg":"dir","enc":…,"kid":…}, the member order jose emits.
    [[nodiscard]] static result<jwe_key> make(jwe_enc enc, byte_view key, std::string kid);

    jwe_key(jwe_key&&) noexcept;
    jwe_key& operator=(jwe_key&&) noexcept;
    /// Frees the cipher contexts and wipes the key bytes.
    ~jwe_key();

    [[nodiscard]] jwe_enc enc() const noexcept { return enc_; }
    /// Empty when the key has no id.
    [[nodiscard]] const std::string& kid() const noexcept { return kid_; }
    /// The base64url protected header this key encrypts under.
    [[nodiscard]] const std::string& header_b64() const noexcept { return header_b64_; }

    /// Encrypts `plain` in place (it grows by the CBC padding) and appends
    /// `.iv.ciphertext.tag` in base64url to `out`. `iv` must be 12 (GCM) or 16 (CBC) bytes.
    [[nodiscard]] result<void> seal(std::string& plain, byte_view iv, std::string_view aad, std::string& out) const;

    /// Decrypts into `out` (cipher.size() bytes available); returns the plaintext length.
    /// errc::bad_mac when the tag does not verify (for CBC it is checked, in constant time,
    /// before any decryption: RFC 7518 §5.2.2.2), errc::malformed for bad sizes or CBC padding.
    [[nodiscard]] result<std::size_t> open(byte_view iv, byte_view cipher, byte_view tag, std::string_view aad,
                                           std::uint8_t* out) const;

private:
    jwe_key(jwe_enc enc, std::string kid) noexcept;

    jwe_enc enc_;
    std::unique_ptr<cipher_pool> encrypt_;  // GCM: the key; CBC: the ENC key (RFC 7518 §5.2.2.1)
    std::unique_ptr<cipher_pool> decrypt_;
    std::optional<hmac> mac_;  // CBC only: HMAC-SHA-512 keyed with the MAC key
    std::string kid_;
    std::string header_b64_;
};

/// The five parts of a compact JWE (RFC 7516 §7.1), as views into the token.
struct jwe_compact {
    std::string_view protected_header;
    std::string_view encrypted_key;
    std::string_view iv;
    std::string_view ciphertext;
    std::string_view tag;
};

/// Splits `token` at its dots. errc::malformed unless there are exactly five parts.
[[nodiscard]] result<jwe_compact> split_compact(std::string_view token) noexcept;

/// What decode needs from a protected header.
struct jwe_header {
    jwe_enc enc = jwe_enc::a256gcm;
    /// The `kid` member, if any.
    std::optional<std::string> kid;
    /// The whole header, kept for the replicated-claims check (jose's jwtDecrypt compares a
    /// header `iss`, `sub` or `aud` with the claim of the same name).
    boost::json::object parsed;
};

/// Decodes and checks a protected header. errc::malformed for bad base64url or JSON, a
/// non-object, a missing or non-string `alg`/`enc`, or a non-string `kid`;
/// errc::unsupported_algorithm for an `alg` other than "dir", an `enc` outside `accepted`, or any
/// `zip` or `crit` member (sesh neither inflates nor understands extensions).
[[nodiscard]] result<jwe_header> parse_protected_header(std::string_view header_b64, std::span<const jwe_enc> accepted);

/// Checks the RFC 7519 time claims as jose's jwtDecrypt does: `iat`, `nbf`, `exp` must be
/// numbers when present (else errc::malformed); errc::not_yet_valid when nbf > now + skew;
/// errc::expired when exp <= now - skew. `now` is whole Unix seconds.
[[nodiscard]] result<void> check_time_claims(const boost::json::object& claims, std::int64_t now,
                                             std::int64_t skew) noexcept;

/// The RFC 9562 (ex-4122) version 4 UUID made from `random`, version and variant bits set, in
/// its lower-case 8-4-4-4-12 text form.
[[nodiscard]] std::array<char, 36> uuid_v4(std::span<const std::uint8_t, 16> random) noexcept;

/// Appends the JSON of `claims` with `iat`, `exp` and `jti` set to the given values, each
/// replacing a member of the same name. errc::invalid_argument when a claim holds a non-finite
/// number or nests deeper than 64 levels (counting the claims object), which decode could not
/// read back (jwt_max_json_depth); `out` is then unspecified.
[[nodiscard]] result<void> append_claims_json(std::string& out, const boost::json::object& claims, std::int64_t iat,
                                              std::int64_t exp, std::string_view jti);

/// Everything an encode or decode needs besides the token: keys, limits, clock, randomness.
/// Immutable after construction; thread-safe.
struct jwt_engine {
    /// keys[0] encrypts. Decode considers the keys whose enc matches the token's, in order.
    std::vector<jwe_key> keys;
    /// The `enc` values decode accepts.
    std::vector<jwe_enc> accepted;
    /// true (Auth.js): a `kid` picks the key, an unknown one is errc::unknown_key_id, no `kid`
    /// means the first key of the token's enc. false (next-auth 4): `kid` is ignored and every
    /// key of the token's enc is tried in order, for secret rotation.
    bool select_by_kid = false;
    std::chrono::seconds max_age{0};
    std::chrono::seconds clock_skew{0};
    std::size_t max_token_bytes = 0;
    const sesh::clock* clock = nullptr;
    random_source* random = nullptr;

    /// A compact JWE of `claims` with `iat` = now, `exp` = now + max_age and a fresh `jti`,
    /// under keys[0]. errc::too_large when the token would exceed max_token_bytes;
    /// errc::invalid_argument as append_claims_json.
    [[nodiscard]] result<std::string> encode(const boost::json::object& claims) const;

    /// The claims of `token` (see the codecs' decode for the errors).
    [[nodiscard]] result<boost::json::object> decode(std::string_view token) const;
};

}  // namespace sesh::detail
