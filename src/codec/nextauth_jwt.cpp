// next-auth 4 session tokens: the key derivation of next-auth/jwt and the shared JWE engine.
#include <sesh/nextauth_jwt.hpp>

#include <openssl/crypto.h>

#include "core/buffered_random.hpp"
#include "codec/jwe.hpp"
#include "core/crypto.hpp"

namespace sesh {

struct nextauth_jwt_codec::impl {
    detail::jwt_engine engine;
};

namespace {

// next-auth/jwt getDerivedEncryptionKey: HKDF-SHA256(secret, salt, info, 32), where the info
// names the salt only when there is one.
std::string key_info(std::string_view salt) {
    std::string info = "NextAuth.js Generated Encryption Key";
    if (!salt.empty()) {
        info += " (";
        info += salt;
        info += ')';
    }
    return info;
}

}  // namespace

result<nextauth_jwt_codec> nextauth_jwt_codec::create(nextauth_jwt_options options) {
    if (options.secrets.empty()) return fail(errc::invalid_argument);
    auto p = std::make_shared<impl>();
    detail::jwt_engine& e = p->engine;
    const std::string info = key_info(options.salt);
    for (const auto& secret : options.secrets) {
        if (secret.empty()) return fail(errc::invalid_argument);
        auto okm = detail::hkdf_sha256(as_bytes(secret), as_bytes(options.salt), as_bytes(info), 32);
        if (!okm) return fail(okm.error());
        auto key = detail::jwe_key::make(detail::jwe_enc::a256gcm, *okm, {});
        OPENSSL_cleanse(okm->data(), okm->size());
        if (!key) return fail(key.error());
        e.keys.push_back(std::move(*key));
    }
    // next-auth 4 passes no algorithm allow-list to jose, but its 32-byte key only fits A256GCM.
    e.accepted = {detail::jwe_enc::a256gcm};
    e.select_by_kid = false;
    e.max_age = options.max_age;
    e.clock_skew = options.clock_skew;
    e.max_token_bytes = options.max_token_bytes;
    e.clock = options.clock ? options.clock : &system_clock();
    // The buffered system DRBG: OpenSSL's per-call fork check (a getpid(2)) would otherwise be
    // the largest cost of an encode.
    e.random = &detail::codec_random(options.random);
    return nextauth_jwt_codec(std::move(p));
}

result<std::string> nextauth_jwt_codec::encode(const boost::json::object& claims) const {
    return impl_->engine.encode(claims);
}

result<boost::json::object> nextauth_jwt_codec::decode(std::string_view token) const {
    return impl_->engine.decode(token);
}

}  // namespace sesh
