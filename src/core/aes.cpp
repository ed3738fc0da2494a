// AES-256-GCM and AES-256-CBC over OpenSSL EVP for keys used once (iron derives one per seal).
// Each thread reuses one unkeyed EVP_CIPHER_CTX, so a call costs the key schedule and the data, no
// allocation; keys used many times take a cipher_pool instead (core/cipher_pool.hpp).
#include "core/crypto.hpp"

#include <memory>

#include <openssl/evp.h>

#include "core/cipher_pool.hpp"

namespace sesh::detail {
namespace {

struct cipher_ctx_deleter {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};

// One context per thread, reset by each Init call.
EVP_CIPHER_CTX* thread_ctx() noexcept {
    thread_local const std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_deleter> ctx(EVP_CIPHER_CTX_new());
    return ctx.get();
}

bool sizes_ok(byte_view key, byte_view iv, std::size_t iv_len) noexcept {
    return key.size() == 32 && iv.size() == iv_len;
}

}  // namespace

result<void> aes256_gcm_encrypt(byte_view key, byte_view iv, byte_view aad, byte_view plain, std::uint8_t* out,
                                std::uint8_t* tag) noexcept {
    if (!sizes_ok(key, iv, 12) || !fits_openssl_int(plain.size()) || !fits_openssl_int(aad.size()))
        return fail(errc::invalid_argument);
    EVP_CIPHER_CTX* ctx = thread_ctx();
    const EVP_CIPHER* c = aes256_cipher(aes256_mode::gcm);
    int n = 0;
    if (!ctx || !c || EVP_EncryptInit_ex2(ctx, c, key.data(), iv.data(), nullptr) != 1 ||
        EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(ctx, out, &n, plain.data(), static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx, out + n, &n) != 1 || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
        return fail(errc::crypto_failure);
    return {};
}

result<void> aes256_gcm_decrypt(byte_view key, byte_view iv, byte_view aad, byte_view cipher, byte_view tag,
                                std::uint8_t* out) noexcept {
    if (!sizes_ok(key, iv, 12) || tag.size() != 16 || !fits_openssl_int(cipher.size()) || !fits_openssl_int(aad.size()))
        return fail(errc::invalid_argument);
    EVP_CIPHER_CTX* ctx = thread_ctx();
    const EVP_CIPHER* c = aes256_cipher(aes256_mode::gcm);
    int n = 0;
    if (!ctx || !c || EVP_DecryptInit_ex2(ctx, c, key.data(), iv.data(), nullptr) != 1 ||
        EVP_DecryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1 ||
        EVP_DecryptUpdate(ctx, out, &n, cipher.data(), static_cast<int>(cipher.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(tag.data())) != 1)
        return fail(errc::crypto_failure);
    if (EVP_DecryptFinal_ex(ctx, out + n, &n) != 1) return fail(errc::bad_mac);
    return {};
}

result<std::size_t> aes256_cbc_encrypt(byte_view key, byte_view iv, byte_view plain, std::uint8_t* out) noexcept {
    if (!sizes_ok(key, iv, 16) || !fits_openssl_int(plain.size())) return fail(errc::invalid_argument);
    EVP_CIPHER_CTX* ctx = thread_ctx();
    const EVP_CIPHER* c = aes256_cipher(aes256_mode::cbc);
    int n = 0, m = 0;
    if (!ctx || !c || EVP_EncryptInit_ex2(ctx, c, key.data(), iv.data(), nullptr) != 1 ||
        EVP_EncryptUpdate(ctx, out, &n, plain.data(), static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx, out + n, &m) != 1)
        return fail(errc::crypto_failure);
    return static_cast<std::size_t>(n + m);
}

result<std::size_t> aes256_cbc_decrypt(byte_view key, byte_view iv, byte_view cipher, std::uint8_t* out) noexcept {
    if (!sizes_ok(key, iv, 16) || !fits_openssl_int(cipher.size())) return fail(errc::invalid_argument);
    if (cipher.empty() || cipher.size() % 16 != 0) return fail(errc::malformed);
    EVP_CIPHER_CTX* ctx = thread_ctx();
    const EVP_CIPHER* c = aes256_cipher(aes256_mode::cbc);
    int n = 0, m = 0;
    if (!ctx || !c || EVP_DecryptInit_ex2(ctx, c, key.data(), iv.data(), nullptr) != 1 ||
        EVP_DecryptUpdate(ctx, out, &n, cipher.data(), static_cast<int>(cipher.size())) != 1)
        return fail(errc::crypto_failure);
    if (EVP_DecryptFinal_ex(ctx, out + n, &m) != 1) return fail(errc::malformed);
    return static_cast<std::size_t>(n + m);
}

}  // namespace sesh::detail
