// AES-256 through OpenSSL EVP: the ciphers fetched once per process, and pools of keyed cipher
// contexts for keys used many times. Internal (not installed); it names OpenSSL types.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <openssl/types.h>

#include <sesh/encoding.hpp>

namespace sesh::detail {

/// The AES-256 modes sesh uses.
enum class aes256_mode : std::uint8_t { gcm, cbc };

/// The OpenSSL cipher of `mode`, fetched once per process (EVP_CIPHER_fetch is a provider lookup
/// under a lock: too slow per call). Null if the provider lacks it. Thread-safe.
[[nodiscard]] const EVP_CIPHER* aes256_cipher(aes256_mode mode) noexcept;

/// OpenSSL takes int lengths; true for sizes far below INT_MAX (under 1 GiB), which every bound
/// sesh sets on a token, seal or body is.
[[nodiscard]] constexpr bool fits_openssl_int(std::size_t n) noexcept { return n < (std::size_t{1} << 30); }

/// Cipher contexts keyed once with one AES-256 key, for one direction. OpenSSL rebuilds a
/// context and its key schedule on every EVP_*Init_ex2 that names a cipher and key: about
/// 400 ns, more than the rest of a token decode's cryptography. So a key used many times keeps
/// contexts keyed once (one pool per direction: CBC decryption needs the inverse key schedule),
/// and each message re-initialises a leased one with only its IV. A context serves one thread
/// at a time; the pool grows to the number of threads using the key at once and keeps at most
/// 64 idle. Thread-safe.
class cipher_pool {
public:
    /// A context taken from the pool, returned to it on destruction. Owned by one thread.
    class lease {
    public:
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        ~lease();

        /// The keyed context, or null when OpenSSL could not make one.
        [[nodiscard]] EVP_CIPHER_CTX* get() const noexcept { return ctx_; }
        /// Starts a new message on the context with `iv` (12 bytes for GCM, 16 for CBC), the key
        /// unchanged. False if OpenSSL fails (or get() is null).
        [[nodiscard]] bool restart(byte_view iv) const noexcept;
        /// Frees the context instead of returning it: after an OpenSSL failure its state is
        /// unknown. (A GCM tag mismatch is not such a failure: the next restart resets it.)
        void discard() noexcept;

    private:
        friend class cipher_pool;
        lease(const cipher_pool* owner, EVP_CIPHER_CTX* ctx) noexcept : owner_(owner), ctx_(ctx) {}
        const cipher_pool* owner_;
        EVP_CIPHER_CTX* ctx_;
    };

    /// A pool for `key` (32 bytes, else null) in `mode`, encrypting or decrypting; null when
    /// OpenSSL cannot key a context (it keys one up front, so a bad setup shows at once).
    [[nodiscard]] static std::unique_ptr<cipher_pool> make(aes256_mode mode, byte_view key, bool encrypt);

    cipher_pool(const cipher_pool&) = delete;
    cipher_pool& operator=(const cipher_pool&) = delete;
    /// Frees the idle contexts (OpenSSL wipes their key schedules) and wipes the key.
    ~cipher_pool();

    /// A keyed context: an idle one, else a new one (a lease of null if OpenSSL cannot make it).
    [[nodiscard]] lease take() const noexcept;

private:
    cipher_pool(aes256_mode mode, byte_view key, bool encrypt) noexcept;
    [[nodiscard]] EVP_CIPHER_CTX* fresh() const noexcept;
    void give_back(EVP_CIPHER_CTX* ctx) const noexcept;

    const EVP_CIPHER* algorithm_;
    bool encrypt_;
    std::array<std::uint8_t, 32> key_{};
    mutable std::mutex mutex_;
    mutable std::vector<EVP_CIPHER_CTX*> idle_;
};

}  // namespace sesh::detail
