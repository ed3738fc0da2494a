// The process-wide AES-256 ciphers and the pools of keyed contexts (see cipher_pool.hpp).
#include "core/cipher_pool.hpp"

#include <cstring>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace sesh::detail {
namespace {

struct cipher_deleter {
    void operator()(EVP_CIPHER* c) const noexcept { EVP_CIPHER_free(c); }
};
using cipher_ptr = std::unique_ptr<EVP_CIPHER, cipher_deleter>;

constexpr std::size_t max_idle = 64;

}  // namespace

const EVP_CIPHER* aes256_cipher(aes256_mode mode) noexcept {
    static const cipher_ptr gcm(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
    static const cipher_ptr cbc(EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr));
    return mode == aes256_mode::gcm ? gcm.get() : cbc.get();
}

cipher_pool::lease::~lease() {
    if (ctx_) owner_->give_back(ctx_);
}

bool cipher_pool::lease::restart(byte_view iv) const noexcept {
    return ctx_ && (owner_->encrypt_ ? EVP_EncryptInit_ex2(ctx_, nullptr, nullptr, iv.data(), nullptr)
                                     : EVP_DecryptInit_ex2(ctx_, nullptr, nullptr, iv.data(), nullptr)) == 1;
}

void cipher_pool::lease::discard() noexcept {
    EVP_CIPHER_CTX_free(ctx_);
    ctx_ = nullptr;
}

cipher_pool::cipher_pool(aes256_mode mode, byte_view key, bool encrypt) noexcept
    : algorithm_(aes256_cipher(mode)), encrypt_(encrypt) {
    std::memcpy(key_.data(), key.data(), key_.size());
}

std::unique_ptr<cipher_pool> cipher_pool::make(aes256_mode mode, byte_view key, bool encrypt) {
    if (key.size() != 32) return nullptr;
    auto pool = std::unique_ptr<cipher_pool>(new cipher_pool(mode, key, encrypt));
    EVP_CIPHER_CTX* first = pool->fresh();
    if (!first) return nullptr;
    pool->give_back(first);
    return pool;
}

cipher_pool::~cipher_pool() {
    for (auto* ctx : idle_) EVP_CIPHER_CTX_free(ctx);  // OpenSSL wipes the key schedule
    OPENSSL_cleanse(key_.data(), key_.size());
}

cipher_pool::lease cipher_pool::take() const noexcept {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            EVP_CIPHER_CTX* ctx = idle_.back();
            idle_.pop_back();
            return {this, ctx};
        }
    }
    return {this, fresh()};
}

EVP_CIPHER_CTX* cipher_pool::fresh() const noexcept {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (!ctx || !algorithm_ ||
        EVP_CipherInit_ex2(ctx, algorithm_, key_.data(), nullptr, encrypt_ ? 1 : 0, nullptr) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return nullptr;
    }
    return ctx;
}

void cipher_pool::give_back(EVP_CIPHER_CTX* ctx) const noexcept {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle) {
        try {
            idle_.push_back(ctx);
            return;
        } catch (...) {
            // Out of memory: fall through and free it.
        }
    }
    EVP_CIPHER_CTX_free(ctx);
}

}  // namespace sesh::detail
