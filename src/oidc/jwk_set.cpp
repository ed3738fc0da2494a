// JWK Set parsing (RFC 7517 §4-5, RFC 7518 §6, RFC 8037 §2): public signing keys made into
// OpenSSL 3 EVP_PKEYs through EVP_PKEY_fromdata, so verification never parses key text again.
#include "oidc/jwk_set.hpp"

#include <boost/json/parse.hpp>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <sesh/encoding.hpp>
#include <sesh/error.hpp>

namespace sesh {
namespace {

struct param_bld_free {
    void operator()(OSSL_PARAM_BLD* b) const noexcept { OSSL_PARAM_BLD_free(b); }
};
struct params_free {
    void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};
struct pkey_ctx_free {
    void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
struct bn_free {
    void operator()(BIGNUM* b) const noexcept { BN_free(b); }
};

std::optional<bytes> jwk_member_bytes(const boost::json::object& jwk, std::string_view name) {
    const auto* v = jwk.if_contains(name);
    if (!v || !v->is_string()) return std::nullopt;
    auto b = base64url_decode(v->as_string());
    if (!b || b->empty()) return std::nullopt;
    return std::move(*b);
}

evp_pkey_ptr pkey_from_params(const char* type, OSSL_PARAM* params) {
    std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* out = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 || EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        return nullptr;
    return evp_pkey_ptr(out);
}

evp_pkey_ptr rsa_key(const boost::json::object& jwk) {
    auto n = jwk_member_bytes(jwk, "n");
    auto e = jwk_member_bytes(jwk, "e");
    // RFC 7518 §3.3: 2048 bits or larger.
    if (!n || !e || n->size() < 256 || n->size() > 1024 || e->size() > 8) return nullptr;
    std::unique_ptr<BIGNUM, bn_free> bn_n(BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr));
    std::unique_ptr<BIGNUM, bn_free> bn_e(BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr));
    std::unique_ptr<OSSL_PARAM_BLD, param_bld_free> bld(OSSL_PARAM_BLD_new());
    if (!bn_n || !bn_e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
        return nullptr;
    std::unique_ptr<OSSL_PARAM, params_free> params(OSSL_PARAM_BLD_to_param(bld.get()));
    return params ? pkey_from_params("RSA", params.get()) : nullptr;
}

evp_pkey_ptr p256_key(const boost::json::object& jwk) {
    auto x = jwk_member_bytes(jwk, "x");
    auto y = jwk_member_bytes(jwk, "y");
    if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
    // The uncompressed point (SEC 1 §2.3.3); OpenSSL checks that it lies on the curve.
    bytes point{0x04};
    point.insert(point.end(), x->begin(), x->end());
    point.insert(point.end(), y->begin(), y->end());
    std::unique_ptr<OSSL_PARAM_BLD, param_bld_free> bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
        return nullptr;
    std::unique_ptr<OSSL_PARAM, params_free> params(OSSL_PARAM_BLD_to_param(bld.get()));
    return params ? pkey_from_params("EC", params.get()) : nullptr;
}

evp_pkey_ptr ed25519_key(const boost::json::object& jwk) {
    auto x = jwk_member_bytes(jwk, "x");
    if (!x || x->size() != 32) return nullptr;
    return evp_pkey_ptr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x->data(), x->size()));
}

std::string_view jwk_string(const boost::json::object& jwk, std::string_view name) {
    const auto* v = jwk.if_contains(name);
    return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

}  // namespace

jwk_set::jwk_set() : impl_(std::make_shared<const impl>()) {}

result<jwk_set> jwk_set::parse(std::string_view json) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(json, ec);
    if (ec || !doc.is_object()) return fail(errc::malformed);
    const auto* list = doc.as_object().if_contains("keys");
    if (!list || !list->is_array()) return fail(errc::malformed);
    auto out = std::make_shared<impl>();
    for (const auto& v : list->as_array()) {
        if (!v.is_object()) continue;
        const auto& jwk = v.as_object();
        // A public set holds no private parts; one that does is misconfigured: skip the key.
        if (jwk.contains("d")) continue;
        const auto use = jwk_string(jwk, "use");
        if (!use.empty() && use != "sig") continue;
        const auto kty = jwk_string(jwk, "kty");
        impl::key k{std::string(jwk_string(jwk, "kid")), std::string(jwk_string(jwk, "alg")), jwk_family::rsa, nullptr};
        if (kty == "RSA") {
            k.pkey = rsa_key(jwk);
        } else if (kty == "EC" && jwk_string(jwk, "crv") == "P-256") {
            k.family = jwk_family::ec_p256;
            k.pkey = p256_key(jwk);
        } else if (kty == "OKP" && jwk_string(jwk, "crv") == "Ed25519") {
            k.family = jwk_family::ed25519;
            k.pkey = ed25519_key(jwk);
        }
        if (k.pkey) out->keys.push_back(std::move(k));
    }
    jwk_set s;
    s.impl_ = std::move(out);
    return s;
}

std::size_t jwk_set::size() const noexcept { return impl_->keys.size(); }

bool jwk_set::has_kid(std::string_view kid) const noexcept {
    for (const auto& k : impl_->keys)
        if (k.kid == kid) return true;
    return false;
}

}  // namespace sesh
