// HMAC with precomputed inner/outer states, plus SHA-256/512 and constant-time compare.
// Uses OpenSSL's low-level SHA*_Init/Update/Final on purpose: copying a SHA*_CTX is a plain
// struct copy, where EVP_MAC_CTX_dup allocates on every call; this is the hot path of every
// iron seal (PBKDF2 + HMAC) and every JWE with A256CBC-HS512.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/crypto.hpp"

#include <cstring>

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace sesh::detail {
namespace {

static_assert(sizeof(SHA_CTX) <= 224 && sizeof(SHA256_CTX) <= 224 && sizeof(SHA512_CTX) <= 224);

constexpr std::size_t block_size(hash_alg a) noexcept { return a == hash_alg::sha512 ? 128 : 64; }

void init(hash_alg a, void* ctx) noexcept {
    switch (a) {
        case hash_alg::sha1: SHA1_Init(static_cast<SHA_CTX*>(ctx)); break;
        case hash_alg::sha256: SHA256_Init(static_cast<SHA256_CTX*>(ctx)); break;
        case hash_alg::sha512: SHA512_Init(static_cast<SHA512_CTX*>(ctx)); break;
    }
}

void update(hash_alg a, void* ctx, const void* data, std::size_t n) noexcept {
    switch (a) {
        case hash_alg::sha1: SHA1_Update(static_cast<SHA_CTX*>(ctx), data, n); break;
        case hash_alg::sha256: SHA256_Update(static_cast<SHA256_CTX*>(ctx), data, n); break;
        case hash_alg::sha512: SHA512_Update(static_cast<SHA512_CTX*>(ctx), data, n); break;
    }
}

void final(hash_alg a, void* ctx, std::uint8_t* out) noexcept {
    switch (a) {
        case hash_alg::sha1: SHA1_Final(out, static_cast<SHA_CTX*>(ctx)); break;
        case hash_alg::sha256: SHA256_Final(out, static_cast<SHA256_CTX*>(ctx)); break;
        case hash_alg::sha512: SHA512_Final(out, static_cast<SHA512_CTX*>(ctx)); break;
    }
}

}  // namespace

sha256_digest sha256(byte_view in) noexcept {
    sha256_digest out;
    SHA256(in.data(), in.size(), out.data());
    return out;
}

sha512_digest sha512(byte_view in) noexcept {
    sha512_digest out;
    SHA512(in.data(), in.size(), out.data());
    return out;
}

hmac::hmac(hash_alg alg, byte_view key) noexcept : alg_(alg) {
    const std::size_t block = block_size(alg);
    std::array<std::uint8_t, 128> k{};
    if (key.size() > block) {
        std::array<std::uint8_t, 224> ctx{};
        init(alg, ctx.data());
        update(alg, ctx.data(), key.data(), key.size());
        final(alg, ctx.data(), k.data());
    } else if (!key.empty()) {
        std::memcpy(k.data(), key.data(), key.size());
    }
    std::array<std::uint8_t, 128> pad{};
    for (std::size_t i = 0; i < block; ++i) pad[i] = k[i] ^ 0x36;
    init(alg, inner_.data());
    update(alg, inner_.data(), pad.data(), block);
    for (std::size_t i = 0; i < block; ++i) pad[i] = k[i] ^ 0x5c;
    init(alg, outer_.data());
    update(alg, outer_.data(), pad.data(), block);
    OPENSSL_cleanse(k.data(), k.size());
    OPENSSL_cleanse(pad.data(), pad.size());
}

hmac::stream hmac::begin() const noexcept {
    stream s;
    s.key_ = this;
    s.inner_ = inner_;
    return s;
}

void hmac::stream::update(byte_view data) noexcept {
    detail::update(key_->alg_, inner_.data(), data.data(), data.size());
}

void hmac::stream::finish(std::uint8_t* out) noexcept {
    std::array<std::uint8_t, 64> inner_digest;
    detail::final(key_->alg_, inner_.data(), inner_digest.data());
    std::array<std::uint8_t, 224> outer = key_->outer_;
    detail::update(key_->alg_, outer.data(), inner_digest.data(), key_->size());
    detail::final(key_->alg_, outer.data(), out);
}

void hmac::compute(byte_view data, std::uint8_t* out) const noexcept {
    stream s = begin();
    s.update(data);
    s.finish(out);
}

bool constant_time_equal(byte_view a, byte_view b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sesh::detail
