// JWS compact verification (RFC 7515 §5.2) for ID tokens: an allow-list of asymmetric algorithms
// only, so `none` and HMAC with a public key as the secret (the classic key-confusion attack)
// can never verify.
#include <boost/json/parse.hpp>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <sesh/encoding.hpp>
#include <sesh/error.hpp>

#include "oidc/jwk_set.hpp"

namespace sesh {
namespace {

enum class jws_alg { rs256, ps256, es256, eddsa };

std::optional<jws_alg> jws_alg_named(std::string_view name) {
    if (name == "RS256") return jws_alg::rs256;
    if (name == "PS256") return jws_alg::ps256;
    if (name == "ES256") return jws_alg::es256;
    if (name == "EdDSA") return jws_alg::eddsa;
    return std::nullopt;
}

jwk_family family_of(jws_alg a) {
    switch (a) {
        case jws_alg::rs256:
        case jws_alg::ps256: return jwk_family::rsa;
        case jws_alg::es256: return jwk_family::ec_p256;
        case jws_alg::eddsa: return jwk_family::ed25519;
    }
    return jwk_family::rsa;
}

struct md_ctx_free {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct ecdsa_sig_free {
    void operator()(ECDSA_SIG* s) const noexcept { ECDSA_SIG_free(s); }
};

// JWS carries ES256 signatures as r || s, 32 bytes each (RFC 7518 §3.4); OpenSSL wants DER.
std::optional<bytes> es256_to_der(const bytes& raw) {
    if (raw.size() != 64) return std::nullopt;
    std::unique_ptr<ECDSA_SIG, ecdsa_sig_free> sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(raw.data(), 32, nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + 32, 32, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0) return std::nullopt;
    bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    if (i2d_ECDSA_SIG(sig.get(), &p) != len) return std::nullopt;
    return der;
}

bool signature_verifies(jws_alg alg, EVP_PKEY* key, std::string_view signing_input, const bytes& sig) {
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    if (!ctx) return false;
    EVP_PKEY_CTX* pctx = nullptr;
    // Ed25519 is a one-shot signature over the message itself: no digest (RFC 8032).
    const EVP_MD* md = alg == jws_alg::eddsa ? nullptr : EVP_sha256();
    if (EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key) != 1) return false;
    if (alg == jws_alg::ps256) {
        // RFC 7518 §3.5: MGF1 with SHA-256 and a salt as long as the hash.
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1)
            return false;
    } else if (alg == jws_alg::rs256) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
    }
    bytes der;
    const bytes* s = &sig;
    if (alg == jws_alg::es256) {
        auto d = es256_to_der(sig);
        if (!d) return false;
        der = std::move(*d);
        s = &der;
    }
    const auto* in = reinterpret_cast<const unsigned char*>(signing_input.data());
    return EVP_DigestVerify(ctx.get(), s->data(), s->size(), in, signing_input.size()) == 1;
}

result<boost::json::object> jws_json_part(std::string_view b64) {
    auto raw = base64url_decode(b64);
    if (!raw) return fail(errc::malformed);
    boost::system::error_code ec;
    auto v = boost::json::parse(std::string_view(reinterpret_cast<const char*>(raw->data()), raw->size()), ec);
    if (ec || !v.is_object()) return fail(errc::malformed);
    return std::move(v.as_object());
}

}  // namespace

result<verified_jws> verify_jws(std::string_view token, const jwk_set& keys) {
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return fail(errc::malformed);
    auto header = jws_json_part(token.substr(0, first));
    if (!header) return fail(header.error());
    const auto* alg_v = header->if_contains("alg");
    if (!alg_v || !alg_v->is_string()) return fail(errc::malformed);
    const auto alg = jws_alg_named(alg_v->as_string());
    // No extension is understood, so none may be critical (RFC 7515 §4.1.11).
    if (!alg || header->contains("crit")) return fail(errc::unsupported_algorithm);
    std::optional<std::string_view> kid;
    if (const auto* k = header->if_contains("kid")) {
        if (!k->is_string()) return fail(errc::malformed);
        kid = k->as_string();
    }
    auto sig = base64url_decode(token.substr(second + 1));
    if (!sig) return fail(errc::malformed);
    const std::string_view signing_input = token.substr(0, second);
    bool candidate = false;
    for (const auto& k : keys.get().keys) {
        if (k.family != family_of(*alg)) continue;
        if (!k.alg.empty() && k.alg != alg_v->as_string()) continue;
        if (kid && !k.kid.empty() && k.kid != *kid) continue;
        if (kid && k.kid.empty() && keys.has_kid(*kid)) continue;
        candidate = true;
        if (signature_verifies(*alg, k.pkey.get(), signing_input, *sig)) {
            auto claims = jws_json_part(token.substr(first + 1, second - first - 1));
            if (!claims) return fail(claims.error());
            return verified_jws{std::move(*header), std::move(*claims)};
        }
    }
    return fail(candidate ? errc::bad_mac : errc::unknown_key_id);
}

}  // namespace sesh
