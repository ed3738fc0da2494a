// The inside of sesh::jwk_set: parsed public keys as OpenSSL EVP_PKEYs. Internal.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include <sesh/oidc.hpp>

namespace sesh {

/// The key families JWS algorithms need (RFC 7518 §3, RFC 8037).
enum class jwk_family { rsa, ec_p256, ed25519 };

struct evp_pkey_free {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_free>;

struct jwk_set::impl {
    struct key {
        std::string kid;  ///< empty when the JWK has none
        std::string alg;  ///< the JWK's `alg`, empty when absent: then any alg of its family
        jwk_family family;
        evp_pkey_ptr pkey;
    };
    std::vector<key> keys;
};

}  // namespace sesh
