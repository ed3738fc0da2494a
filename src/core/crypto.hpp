// Internal crypto primitives over OpenSSL 3: hashes, keyed HMAC state, AES, HKDF, PBKDF2.
// Not installed: public headers never name OpenSSL. Every function is thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <sesh/encoding.hpp>
#include <sesh/result.hpp>

namespace sesh::detail {

using sha256_digest = std::array<std::uint8_t, 32>;
using sha512_digest = std::array<std::uint8_t, 64>;

/// SHA-256 of `in`.
[[nodiscard]] sha256_digest sha256(byte_view in) noexcept;
/// SHA-512 of `in`.
[[nodiscard]] sha512_digest sha512(byte_view in) noexcept;

/// The hash functions HMAC is used with here.
enum class hash_alg { sha1, sha256, sha512 };

/// Digest length in bytes: 20, 32 or 64.
[[nodiscard]] constexpr std::size_t digest_size(hash_alg a) noexcept {
    return a == hash_alg::sha1 ? 20 : a == hash_alg::sha256 ? 32 : 64;
}

/// An HMAC key with its inner and outer hash states precomputed, so each MAC costs only the
/// message's compression rounds: no allocation, no key schedule. Immutable after construction;
/// share it freely between threads.
class hmac {
public:
    /// Keys the MAC. Keys longer than the hash's block are hashed first (RFC 2104).
    hmac(hash_alg alg, byte_view key) noexcept;

    /// One MAC computation in progress; copyable, owned by one thread.
    class stream {
    public:
        void update(byte_view data) noexcept;
        /// Writes digest_size(alg) bytes to `out`. The stream is spent afterwards.
        void finish(std::uint8_t* out) noexcept;

    private:
        friend class hmac;
        const hmac* key_ = nullptr;
        alignas(16) std::array<std::uint8_t, 224> inner_{};
    };

    [[nodiscard]] hash_alg alg() const noexcept { return alg_; }
    [[nodiscard]] std::size_t size() const noexcept { return digest_size(alg_); }
    /// Starts a MAC computation.
    [[nodiscard]] stream begin() const noexcept;
    /// One-shot MAC of `data` into `out` (size() bytes).
    void compute(byte_view data, std::uint8_t* out) const noexcept;

private:
    hash_alg alg_;
    // Raw OpenSSL SHA*_CTX snapshots after absorbing key^ipad and key^opad (sizes checked in the .cpp).
    alignas(16) std::array<std::uint8_t, 224> inner_{};
    alignas(16) std::array<std::uint8_t, 224> outer_{};
};

/// Constant-time equality: true iff sizes match and every byte matches. Time depends only on size.
[[nodiscard]] bool constant_time_equal(byte_view a, byte_view b) noexcept;

/// HKDF-SHA256 (RFC 5869). An empty salt means HashLen zero bytes, as the RFC and WebCrypto say.
/// Fails with errc::invalid_argument if `length` > 255 * 32.
[[nodiscard]] result<bytes> hkdf_sha256(byte_view ikm, byte_view salt, byte_view info, std::size_t length);

/// PBKDF2 (RFC 8018) with the PRF keyed by the password, already precomputed in `prf`.
/// Writes out.size() bytes.
void pbkdf2(const hmac& prf, byte_view salt, std::uint32_t iterations, std::span<std::uint8_t> out) noexcept;

/// AES-256-GCM encryption: `out` receives plain.size() bytes, `tag` 16 bytes. key 32, iv 12 bytes.
[[nodiscard]] result<void> aes256_gcm_encrypt(byte_view key, byte_view iv, byte_view aad, byte_view plain,
                                              std::uint8_t* out, std::uint8_t* tag) noexcept;

/// AES-256-GCM decryption; errc::bad_mac when the tag does not verify (out is then garbage).
[[nodiscard]] result<void> aes256_gcm_decrypt(byte_view key, byte_view iv, byte_view aad, byte_view cipher,
                                              byte_view tag, std::uint8_t* out) noexcept;

/// AES-256-CBC with PKCS#7 padding. `out` must hold plain.size() + 16 bytes; returns bytes written.
[[nodiscard]] result<std::size_t> aes256_cbc_encrypt(byte_view key, byte_view iv, byte_view plain,
                                                     std::uint8_t* out) noexcept;

/// AES-256-CBC decryption with PKCS#7; `out` must hold cipher.size() bytes. errc::malformed when
/// the length or padding is wrong. Call only after the MAC verified (no padding oracle).
[[nodiscard]] result<std::size_t> aes256_cbc_decrypt(byte_view key, byte_view iv, byte_view cipher,
                                                     std::uint8_t* out) noexcept;

}  // namespace sesh::detail
