// Auth.js v5 (@auth/core 0.34) session tokens: its key derivation and kid, over the shared JWE engine.
#include <sesh/authjs_jwt.hpp>

#include <openssl/crypto.h>

#include "core/buffered_random.hpp"
#include "codec/jwe.hpp"
#include "core/crypto.hpp"

namespace sesh {

struct authjs_jwt_codec::impl {
    detail::jwt_engine engine;
};

result<authjs_jwt_codec> authjs_jwt_codec::create(authjs_jwt_options options) {
    if (options.secrets.empty()) return fail(errc::invalid_argument);
    auto p = std::make_shared<impl>();
    detail::jwt_engine& e = p->engine;
    // @auth/core jwt.ts getDerivedEncryptionKey: the info always names the salt.
    const std::string info = "Auth.js Generated Encryption Key (" + options.salt + ")";
    for (const auto& secret : options.secrets) {
        if (secret.empty()) return fail(errc::invalid_argument);
        // Auth.js derives per token `enc`: 64 bytes for A256CBC-HS512, 32 for A256GCM; both get
        // the RFC 7638 thumbprint that @auth/core writes into, and matches against, `kid`.
        for (const auto enc : {detail::jwe_enc::a256cbc_hs512, detail::jwe_enc::a256gcm}) {
            auto okm = detail::hkdf_sha256(as_bytes(secret), as_bytes(options.salt), as_bytes(info),
                                           detail::jwe_key_size(enc));
            if (!okm) return fail(okm.error());
            auto key = detail::jwe_key::make(enc, *okm, detail::oct_jwk_thumbprint(*okm));
            OPENSSL_cleanse(okm->data(), okm->size());
            if (!key) return fail(key.error());
            e.keys.push_back(std::move(*key));
        }
    }
    // keys[0] is the first secret's A256CBC-HS512 key: what Auth.js encodes with.
    e.accepted = {detail::jwe_enc::a256cbc_hs512, detail::jwe_enc::a256gcm};
    e.select_by_kid = true;
    e.max_age = options.max_age;
    e.clock_skew = options.clock_skew;
    e.max_token_bytes = options.max_token_bytes;
    e.clock = options.clock ? options.clock : &system_clock();
    // The buffered system DRBG: OpenSSL's per-call fork check (a getpid(2)) would otherwise be
    // the largest cost of an encode.
    e.random = &detail::codec_random(options.random);
    return authjs_jwt_codec(std::move(p));
}

result<std::string> authjs_jwt_codec::encode(const boost::json::object& claims) const {
    return impl_->engine.encode(claims);
}

result<boost::json::object> authjs_jwt_codec::decode(std::string_view token) const {
    return impl_->engine.decode(token);
}

}  // namespace sesh
