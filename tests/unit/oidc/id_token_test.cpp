// ID tokens: JWKs and signatures made by OpenSSL here (RSA, RSA-PSS, P-256, Ed25519), verified by
// sesh::verify_jws; the claim checks of OpenID Connect Core §3.1.3.7; discovery and PKCE.
#include <sesh/oidc.hpp>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <sesh/encoding.hpp>
#include <sesh/error.hpp>

namespace {

using boost::json::object;

struct test_key {
    EVP_PKEY* pkey = nullptr;
    std::string alg;
    test_key(const char* type, std::string a) : alg(std::move(a)) {
        if (std::string_view(type) == "RSA")
            pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
        else if (std::string_view(type) == "EC")
            pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        else
            pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
    }
    test_key(const test_key&) = delete;
    ~test_key() { EVP_PKEY_free(pkey); }

    static std::string bn_b64(EVP_PKEY* k, const char* name, std::size_t pad = 0) {
        BIGNUM* bn = nullptr;
        EVP_PKEY_get_bn_param(k, name, &bn);
        std::vector<std::uint8_t> raw(std::max<std::size_t>(pad, static_cast<std::size_t>(BN_num_bytes(bn))));
        BN_bn2binpad(bn, raw.data(), static_cast<int>(raw.size()));
        BN_free(bn);
        return sesh::base64url_encode(raw);
    }

    object jwk(std::string kid) const {
        object j{{"kid", kid}, {"use", "sig"}};
        if (alg == "RS256" || alg == "PS256") {
            j["kty"] = "RSA";
            j["n"] = bn_b64(pkey, OSSL_PKEY_PARAM_RSA_N);
            j["e"] = bn_b64(pkey, OSSL_PKEY_PARAM_RSA_E);
        } else if (alg == "ES256") {
            j["kty"] = "EC";
            j["crv"] = "P-256";
            j["x"] = bn_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32);
            j["y"] = bn_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
        } else {
            j["kty"] = "OKP";
            j["crv"] = "Ed25519";
            std::vector<std::uint8_t> raw(32);
            std::size_t len = raw.size();
            EVP_PKEY_get_raw_public_key(pkey, raw.data(), &len);
            j["x"] = sesh::base64url_encode(raw);
        }
        return j;
    }

    std::string sign(const object& header, const object& claims) const {
        std::string input = sesh::base64url_encode(sesh::as_bytes(boost::json::serialize(header))) + "." +
                            sesh::base64url_encode(sesh::as_bytes(boost::json::serialize(claims)));
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_PKEY_CTX* pctx = nullptr;
        EVP_DigestSignInit(ctx, &pctx, alg == "EdDSA" ? nullptr : EVP_sha256(), nullptr, pkey);
        if (alg == "PS256") {
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
        }
        std::size_t len = 0;
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
        std::vector<std::uint8_t> sig(len);
        EVP_DigestSign(ctx, sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
        sig.resize(len);
        EVP_MD_CTX_free(ctx);
        if (alg == "ES256") {  // DER to the JWS form r || s
            const unsigned char* p = sig.data();
            ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
            std::vector<std::uint8_t> raw(64);
            BN_bn2binpad(ECDSA_SIG_get0_r(es), raw.data(), 32);
            BN_bn2binpad(ECDSA_SIG_get0_s(es), raw.data() + 32, 32);
            ECDSA_SIG_free(es);
            sig = raw;
        }
        return input + "." + sesh::base64url_encode(sig);
    }
};

sesh::jwk_set set_of(std::initializer_list<object> keys) {
    boost::json::array a;
    for (const auto& k : keys) a.push_back(k);
    return sesh::jwk_set::parse(boost::json::serialize(object{{"keys", a}})).value();
}

object claims_now(std::int64_t now) {
    return object{{"iss", "https://op.example"}, {"aud", "client-1"}, {"sub", "user-7"},
                  {"iat", now},                   {"exp", now + 300}, {"nonce", "n-123"}};
}

sesh::id_token_expectations expect_now(std::int64_t now) {
    sesh::id_token_expectations e;
    e.issuer = "https://op.example";
    e.client_id = "client-1";
    e.nonce = "n-123";
    e.now = now;
    return e;
}

class signed_by : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(signed_by, a_token_verifies_with_its_key_and_not_with_another) {
    const test_key k(GetParam().first, GetParam().second);
    const test_key other(GetParam().first, GetParam().second);
    const auto token = k.sign(object{{"alg", k.alg}, {"kid", "k1"}}, claims_now(1000));
    auto ok = sesh::verify_jws(token, set_of({k.jwk("k1")}));
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ(ok->claims.at("sub").as_string(), "user-7");
    // The same kid on another key: the signature does not verify.
    auto bad = sesh::verify_jws(token, set_of({other.jwk("k1")}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), sesh::errc::bad_mac);
    // A kid the set does not hold.
    auto unknown = sesh::verify_jws(token, set_of({k.jwk("k2")}));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error(), sesh::errc::unknown_key_id);
}

INSTANTIATE_TEST_SUITE_P(oidc, signed_by,
                         ::testing::Values(std::pair{"RSA", "RS256"}, std::pair{"RSA", "PS256"}, std::pair{"EC", "ES256"},
                                           std::pair{"ED25519", "EdDSA"}));

TEST(oidc_jws, a_flipped_claims_byte_fails_the_signature) {
    const test_key k("EC", "ES256");
    std::string token = k.sign(object{{"alg", "ES256"}, {"kid", "k1"}}, claims_now(1000));
    const auto dot = token.find('.');
    token[dot + 5] = token[dot + 5] == 'A' ? 'B' : 'A';
    auto r = sesh::verify_jws(token, set_of({k.jwk("k1")}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sesh::errc::bad_mac);
}

TEST(oidc_jws, alg_none_is_refused) {
    const test_key k("RSA", "RS256");
    const std::string token = sesh::base64url_encode(sesh::as_bytes(R"({"alg":"none"})")) + "." +
                              sesh::base64url_encode(sesh::as_bytes(boost::json::serialize(claims_now(1000)))) + ".";
    auto r = sesh::verify_jws(token, set_of({k.jwk("k1")}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sesh::errc::unsupported_algorithm);
}

// The key-confusion attack: HS256 with the provider's public key bytes as the HMAC secret.
TEST(oidc_jws, hmac_with_the_public_key_is_refused) {
    const test_key k("RSA", "RS256");
    const auto jwk = k.jwk("k1");
    const std::string input = sesh::base64url_encode(sesh::as_bytes(R"({"alg":"HS256","kid":"k1"})")) + "." +
                              sesh::base64url_encode(sesh::as_bytes(boost::json::serialize(claims_now(1000))));
    unsigned char mac[32];
    unsigned len = 0;
    const std::string secret(jwk.at("n").as_string());
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), mac, &len);
    const std::string token = input + "." + sesh::base64url_encode(std::span<const std::uint8_t>(mac, len));
    auto r = sesh::verify_jws(token, set_of({jwk}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sesh::errc::unsupported_algorithm);
}

TEST(oidc_jws, a_key_of_another_family_is_not_used) {
    const test_key rsa("RSA", "RS256");
    const test_key ec("EC", "ES256");
    const auto token = rsa.sign(object{{"alg", "RS256"}}, claims_now(1000));
    auto r = sesh::verify_jws(token, set_of({ec.jwk("e1")}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sesh::errc::unknown_key_id);
}

TEST(oidc_jws, garbage_is_malformed) {
    const test_key k("ED25519", "EdDSA");
    for (std::string_view t : {"", "a.b", "a.b.c.d", "!!.e30.AA", "e30.e30.AA"}) {
        auto r = sesh::verify_jws(t, set_of({k.jwk("k1")}));
        ASSERT_FALSE(r) << t;
        EXPECT_EQ(r.error(), sesh::errc::malformed) << t;
    }
}

TEST(oidc_jwks, private_keys_and_encryption_keys_are_skipped) {
    const test_key k("EC", "ES256");
    auto enc = k.jwk("e");
    enc["use"] = "enc";
    auto priv = k.jwk("p");
    priv["d"] = "AAAA";
    EXPECT_EQ(set_of({enc, priv, k.jwk("ok")}).size(), 1u);
    EXPECT_FALSE(sesh::jwk_set::parse("{}"));
}

TEST(oidc_claims, a_fresh_token_for_us_passes) { EXPECT_TRUE(sesh::check_id_token_claims(claims_now(1000), expect_now(1000))); }

TEST(oidc_claims, another_issuer_is_refused) {
    auto c = claims_now(1000);
    c["iss"] = "https://evil.example";
    EXPECT_EQ(sesh::check_id_token_claims(c, expect_now(1000)).error(), sesh::errc::claim_mismatch);
}

TEST(oidc_claims, another_audience_is_refused) {
    auto c = claims_now(1000);
    c["aud"] = "client-2";
    EXPECT_EQ(sesh::check_id_token_claims(c, expect_now(1000)).error(), sesh::errc::claim_mismatch);
}

TEST(oidc_claims, several_audiences_need_azp_naming_us) {
    auto c = claims_now(1000);
    c["aud"] = boost::json::array{"client-1", "client-2"};
    EXPECT_EQ(sesh::check_id_token_claims(c, expect_now(1000)).error(), sesh::errc::claim_mismatch);
    c["azp"] = "client-2";
    EXPECT_EQ(sesh::check_id_token_claims(c, expect_now(1000)).error(), sesh::errc::claim_mismatch);
    c["azp"] = "client-1";
    EXPECT_TRUE(sesh::check_id_token_claims(c, expect_now(1000)));
}

TEST(oidc_claims, an_expired_token_is_refused) {
    EXPECT_EQ(sesh::check_id_token_claims(claims_now(1000), expect_now(1000 + 300 + 61)).error(), sesh::errc::expired);
}

TEST(oidc_claims, a_token_issued_in_the_future_is_refused) {
    EXPECT_EQ(sesh::check_id_token_claims(claims_now(1000), expect_now(1000 - 61)).error(), sesh::errc::not_yet_valid);
}

TEST(oidc_claims, a_token_issued_long_ago_is_refused) {
    auto c = claims_now(1000);
    c["exp"] = 1000 + 86400;
    EXPECT_EQ(sesh::check_id_token_claims(c, expect_now(1000 + 3600)).error(), sesh::errc::expired);
}

TEST(oidc_claims, a_wrong_or_missing_nonce_is_refused) {
    auto c = claims_now(1000);
    c["nonce"] = "n-999";
    EXPECT_EQ(sesh::check_id_token_claims(c, expect_now(1000)).error(), sesh::errc::claim_mismatch);
    c.erase("nonce");
    EXPECT_EQ(sesh::check_id_token_claims(c, expect_now(1000)).error(), sesh::errc::claim_mismatch);
}

TEST(oidc_claims, missing_sub_or_exp_is_malformed) {
    auto c = claims_now(1000);
    c.erase("sub");
    EXPECT_EQ(sesh::check_id_token_claims(c, expect_now(1000)).error(), sesh::errc::malformed);
    c = claims_now(1000);
    c["exp"] = "soon";
    EXPECT_EQ(sesh::check_id_token_claims(c, expect_now(1000)).error(), sesh::errc::malformed);
}

TEST(oidc_discovery, a_document_naming_another_issuer_is_refused) {
    const std::string doc = R"({"issuer":"https://a.example","authorization_endpoint":"https://a.example/auth",)"
                            R"("token_endpoint":"https://a.example/token","jwks_uri":"https://a.example/jwks"})";
    EXPECT_TRUE(sesh::parse_oidc_metadata(doc, "https://a.example"));
    EXPECT_EQ(sesh::parse_oidc_metadata(doc, "https://b.example").error(), sesh::errc::claim_mismatch);
    EXPECT_EQ(sesh::parse_oidc_metadata("{}", "https://a.example").error(), sesh::errc::malformed);
}

// RFC 7636 appendix B's example.
TEST(oidc_pkce, the_s256_challenge_matches_rfc_7636) {
    EXPECT_EQ(sesh::pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    EXPECT_EQ(sesh::make_pkce_verifier().size(), 43u);
}

}  // namespace
