// `dir` keys: the header and key id each key encrypts under, and the content encryption and
// decryption of A256GCM and A256CBC-HS512 (RFC 7518 §5.2, §5.3) on pooled keyed contexts.
#include "codec/jwe.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

#include <openssl/evp.h>

#include "core/cipher_pool.hpp"

namespace sesh::detail {
namespace {

std::span<std::uint8_t> writable(std::string& s) noexcept {
    return {reinterpret_cast<std::uint8_t*>(s.data()), s.size()};
}

// HMAC-SHA-512 over AAD || IV || ciphertext || AL, truncated to 32 bytes (RFC 7518 §5.2.2.1).
std::array<std::uint8_t, 64> cbc_tag(const hmac& mac, std::string_view aad, byte_view iv, byte_view cipher) noexcept {
    const std::uint64_t aad_bits = static_cast<std::uint64_t>(aad.size()) * 8;
    std::array<std::uint8_t, 8> al;
    for (int i = 0; i < 8; ++i) al[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(aad_bits >> (56 - 8 * i));
    std::array<std::uint8_t, 64> full;
    auto s = mac.begin();
    s.update(as_bytes(aad));
    s.update(iv);
    s.update(cipher);
    s.update(al);
    s.finish(full.data());
    return full;
}

}  // namespace

std::string_view jwe_enc_name(jwe_enc enc) noexcept {
    return enc == jwe_enc::a256gcm ? "A256GCM" : "A256CBC-HS512";
}

std::string oct_jwk_thumbprint(byte_view key) {
    // RFC 7638 §3.2: the required members of an "oct" JWK, in lexicographic order, no spaces.
    std::string jwk = R"({"k":")";
    base64url_append(jwk, key);
    jwk += R"(","kty":"oct"})";
    std::string out;
    if (key.size() == 64) {
        base64url_append(out, sha512(as_bytes(jwk)));
    } else {
        base64url_append(out, sha256(as_bytes(jwk)));
    }
    return out;
}

jwe_key::jwe_key(jwe_enc enc, std::string kid) noexcept : enc_(enc), kid_(std::move(kid)) {}
jwe_key::jwe_key(jwe_key&&) noexcept = default;
jwe_key& jwe_key::operator=(jwe_key&&) noexcept = default;
jwe_key::~jwe_key() = default;

result<jwe_key> jwe_key::make(jwe_enc enc, byte_view key, std::string kid) {
    if (key.size() != jwe_key_size(enc)) return fail(errc::invalid_argument);
    jwe_key k(enc, std::move(kid));
    // RFC 7518 §5.2.2.1: for A256CBC-HS512 the first half is the MAC key, the second the ENC key.
    const byte_view enc_key = enc == jwe_enc::a256gcm ? key : key.subspan(32);
    const aes256_mode mode = enc == jwe_enc::a256gcm ? aes256_mode::gcm : aes256_mode::cbc;
    k.encrypt_ = cipher_pool::make(mode, enc_key, true);
    k.decrypt_ = cipher_pool::make(mode, enc_key, false);
    if (!k.encrypt_ || !k.decrypt_) return fail(errc::crypto_failure);
    if (enc == jwe_enc::a256cbc_hs512) k.mac_.emplace(hash_alg::sha512, key.first(32));

    std::string header = R"({"alg":"dir","enc":")";
    header += jwe_enc_name(enc);
    header += '"';
    if (!k.kid_.empty()) {
        header += R"(,"kid":)";
        header += boost::json::serialize(boost::json::string_view(k.kid_));
    }
    header += '}';
    base64url_append(k.header_b64_, as_bytes(header));
    return k;
}

result<void> jwe_key::seal(std::string& plain, byte_view iv, std::string_view aad, std::string& out) const {
    if (iv.size() != jwe_iv_size(enc_) || !fits_openssl_int(plain.size() + 16) || !fits_openssl_int(aad.size()))
        return fail(errc::invalid_argument);
    auto lease = encrypt_->take();
    if (!lease.restart(iv)) return fail(errc::crypto_failure);
    EVP_CIPHER_CTX* ctx = lease.get();
    std::array<std::uint8_t, 64> tag;
    int n = 0, m = 0;
    const int len = static_cast<int>(plain.size());
    if (enc_ == jwe_enc::a256gcm) {
        // In place: OpenSSL allows the output to be exactly the input.
        auto* p = writable(plain).data();
        if (EVP_EncryptUpdate(ctx, nullptr, &n, reinterpret_cast<const std::uint8_t*>(aad.data()),
                              static_cast<int>(aad.size())) != 1 ||
            EVP_EncryptUpdate(ctx, p, &n, p, len) != 1 || EVP_EncryptFinal_ex(ctx, p + n, &m) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(jwe_tag_size(enc_)), tag.data()) != 1) {
            lease.discard();
            return fail(errc::crypto_failure);
        }
    } else {
        plain.resize(plain.size() + 16);  // room for the PKCS#7 block; encrypted in place as above
        auto* p = writable(plain).data();
        if (EVP_EncryptUpdate(ctx, p, &n, p, len) != 1 || EVP_EncryptFinal_ex(ctx, p + n, &m) != 1) {
            lease.discard();
            return fail(errc::crypto_failure);
        }
        plain.resize(static_cast<std::size_t>(n + m));
        tag = cbc_tag(*mac_, aad, iv, as_bytes(plain));
    }
    out += '.';
    base64url_append(out, iv);
    out += '.';
    base64url_append(out, as_bytes(plain));
    out += '.';
    base64url_append(out, {tag.data(), jwe_tag_size(enc_)});
    return {};
}

result<std::size_t> jwe_key::open(byte_view iv, byte_view cipher_text, byte_view tag, std::string_view aad,
                                  std::uint8_t* out) const {
    if (iv.size() != jwe_iv_size(enc_) || tag.size() != jwe_tag_size(enc_)) return fail(errc::malformed);
    if (!fits_openssl_int(cipher_text.size()) || !fits_openssl_int(aad.size())) return fail(errc::too_large);
    if (enc_ == jwe_enc::a256cbc_hs512) {
        // RFC 7518 §5.2.2.2: verify the tag first, in constant time, and only then decrypt, so bad
        // padding can never be told apart from a bad tag (no padding oracle).
        const auto expected = cbc_tag(*mac_, aad, iv, cipher_text);
        if (!constant_time_equal({expected.data(), jwe_tag_size(enc_)}, tag)) return fail(errc::bad_mac);
        if (cipher_text.empty() || cipher_text.size() % 16 != 0) return fail(errc::malformed);
    }
    auto lease = decrypt_->take();
    if (!lease.restart(iv)) return fail(errc::crypto_failure);
    EVP_CIPHER_CTX* ctx = lease.get();
    int n = 0, m = 0;
    const int len = static_cast<int>(cipher_text.size());
    if (enc_ == jwe_enc::a256gcm) {
        if (EVP_DecryptUpdate(ctx, nullptr, &n, reinterpret_cast<const std::uint8_t*>(aad.data()),
                              static_cast<int>(aad.size())) != 1 ||
            EVP_DecryptUpdate(ctx, out, &n, cipher_text.data(), len) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(jwe_tag_size(enc_)),
                                const_cast<std::uint8_t*>(tag.data())) != 1) {
            lease.discard();
            return fail(errc::crypto_failure);
        }
        // A tag mismatch leaves the context reusable: the next message restarts it.
        if (EVP_DecryptFinal_ex(ctx, out + n, &m) != 1) return fail(errc::bad_mac);
        return cipher_text.size();
    }
    if (EVP_DecryptUpdate(ctx, out, &n, cipher_text.data(), len) != 1) {
        lease.discard();
        return fail(errc::crypto_failure);
    }
    // Bad PKCS#7 padding under a valid tag: the sender holds the key but made no valid token.
    if (EVP_DecryptFinal_ex(ctx, out + n, &m) != 1) return fail(errc::malformed);
    return static_cast<std::size_t>(n + m);
}

}  // namespace sesh::detail
