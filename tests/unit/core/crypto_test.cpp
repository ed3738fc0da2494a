// Crypto primitives against published vectors: FIPS 180, RFC 2202/4231 (HMAC), RFC 5869 (HKDF),
// RFC 6070 (PBKDF2), the GCM spec and SP 800-38A (AES).
#include "core/crypto.hpp"

#include <string>

#include <gtest/gtest.h>

namespace {

using namespace sesh::detail;

sesh::bytes unhex(std::string_view s) { return sesh::hex_decode(s).value(); }
std::string hex(sesh::byte_view b) { return sesh::hex_encode(b); }

std::string mac_hex(hash_alg alg, sesh::byte_view key, std::string_view data) {
    hmac h(alg, key);
    std::uint8_t out[64];
    h.compute(sesh::as_bytes(data), out);
    return hex({out, h.size()});
}

TEST(sha, matches_fips_180_vectors) {
    EXPECT_EQ(hex(sha256(sesh::as_bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex(sha512(sesh::as_bytes("abc"))),
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(hmac, matches_rfc_vectors_for_sha1_sha256_sha512) {
    const sesh::bytes key(20, 0x0b);
    EXPECT_EQ(mac_hex(hash_alg::sha1, key, "Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00");
    EXPECT_EQ(mac_hex(hash_alg::sha256, key, "Hi There"),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(mac_hex(hash_alg::sha512, key, "Hi There"),
              "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
              "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
}

TEST(hmac, hashes_keys_longer_than_a_block) {
    const sesh::bytes key(131, 0xaa);
    EXPECT_EQ(mac_hex(hash_alg::sha256, key, "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(hmac, streamed_updates_equal_one_shot) {
    hmac h(hash_alg::sha256, sesh::as_bytes("key"));
    auto s = h.begin();
    s.update(sesh::as_bytes("Hi "));
    s.update(sesh::as_bytes("There"));
    std::uint8_t a[32], b[32];
    s.finish(a);
    h.compute(sesh::as_bytes("Hi There"), b);
    EXPECT_EQ(hex(a), hex(b));
}

TEST(hkdf, matches_rfc5869_case_1) {
    auto okm = hkdf_sha256(sesh::bytes(22, 0x0b), unhex("000102030405060708090a0b0c"), unhex("f0f1f2f3f4f5f6f7f8f9"), 42);
    ASSERT_TRUE(okm);
    EXPECT_EQ(hex(*okm), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(hkdf, empty_salt_matches_rfc5869_case_3) {
    auto okm = hkdf_sha256(sesh::bytes(22, 0x0b), {}, {}, 42);
    ASSERT_TRUE(okm);
    EXPECT_EQ(hex(*okm), "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(hkdf, refuses_lengths_beyond_255_blocks) {
    EXPECT_EQ(hkdf_sha256(sesh::as_bytes("k"), {}, {}, 255 * 32 + 1).error(), sesh::errc::invalid_argument);
}

TEST(pbkdf2, matches_rfc6070_vectors) {
    const hmac prf(hash_alg::sha1, sesh::as_bytes("password"));
    std::uint8_t out[20];
    pbkdf2(prf, sesh::as_bytes("salt"), 1, out);
    EXPECT_EQ(hex(out), "0c60c80f961f0e71f3a9b524af6012062fe037a6");
    pbkdf2(prf, sesh::as_bytes("salt"), 2, out);
    EXPECT_EQ(hex(out), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    pbkdf2(prf, sesh::as_bytes("salt"), 4096, out);
    EXPECT_EQ(hex(out), "4b007901b765489abead49d926f721d065a429c1");
}

TEST(pbkdf2, spans_several_blocks) {
    const hmac prf(hash_alg::sha1, sesh::as_bytes("passwordPASSWORDpassword"));
    std::uint8_t out[25];
    pbkdf2(prf, sesh::as_bytes("saltSALTsaltSALTsaltSALTsaltSALTsalt"), 4096, out);
    EXPECT_EQ(hex(out), "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
}

TEST(aes_gcm, matches_gcm_spec_test_case_14) {
    const sesh::bytes key(32, 0), iv(12, 0), plain(16, 0);
    std::uint8_t out[16], tag[16];
    ASSERT_TRUE(aes256_gcm_encrypt(key, iv, {}, plain, out, tag));
    EXPECT_EQ(hex(out), "cea7403d4d606b6e074ec5d3baf39d18");
    EXPECT_EQ(hex(tag), "d0d1c8a799996bf0265b98b5d48ab919");
    std::uint8_t back[16];
    ASSERT_TRUE(aes256_gcm_decrypt(key, iv, {}, out, tag, back));
    EXPECT_EQ(hex(back), hex(plain));
}

TEST(aes_gcm, rejects_a_changed_tag_aad_or_ciphertext) {
    const sesh::bytes key(32, 7), iv(12, 9);
    const auto aad = sesh::as_bytes("header");
    const auto plain = sesh::as_bytes("the session");
    std::uint8_t out[11], tag[16], back[11];
    ASSERT_TRUE(aes256_gcm_encrypt(key, iv, aad, plain, out, tag));
    tag[0] ^= 1;
    EXPECT_EQ(aes256_gcm_decrypt(key, iv, aad, out, tag, back).error(), sesh::errc::bad_mac);
    tag[0] ^= 1;
    EXPECT_EQ(aes256_gcm_decrypt(key, iv, sesh::as_bytes("headeR"), out, tag, back).error(), sesh::errc::bad_mac);
    out[3] ^= 0x80;
    EXPECT_EQ(aes256_gcm_decrypt(key, iv, aad, out, tag, back).error(), sesh::errc::bad_mac);
}

TEST(aes_cbc, matches_sp800_38a_f25_and_round_trips) {
    const auto key = unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    const auto iv = unhex("000102030405060708090a0b0c0d0e0f");
    const auto plain = unhex("6bc1bee22e409f96e93d7e117393172a");
    std::uint8_t out[32], back[32];
    auto n = aes256_cbc_encrypt(key, iv, plain, out);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 32u);  // a full block of PKCS#7 padding follows
    EXPECT_EQ(hex({out, 16}), "f58c4c04d6e5f1ba779eabfb5f7bfbd6");
    auto m = aes256_cbc_decrypt(key, iv, {out, *n}, back);
    ASSERT_TRUE(m);
    EXPECT_EQ(hex({back, *m}), hex(plain));
}

TEST(aes_cbc, rejects_bad_lengths_and_keys) {
    const sesh::bytes key(32, 1), iv(16, 2), short_key(16, 1);
    std::uint8_t out[64];
    EXPECT_EQ(aes256_cbc_decrypt(key, iv, sesh::bytes(15, 0), out).error(), sesh::errc::malformed);
    EXPECT_EQ(aes256_cbc_decrypt(key, iv, {}, out).error(), sesh::errc::malformed);
    EXPECT_EQ(aes256_cbc_encrypt(short_key, iv, sesh::bytes(3, 0), out).error(), sesh::errc::invalid_argument);
}

TEST(constant_time_equal, compares_size_and_content) {
    EXPECT_TRUE(constant_time_equal(sesh::as_bytes("abc"), sesh::as_bytes("abc")));
    EXPECT_FALSE(constant_time_equal(sesh::as_bytes("abc"), sesh::as_bytes("abd")));
    EXPECT_FALSE(constant_time_equal(sesh::as_bytes("abc"), sesh::as_bytes("abcd")));
    EXPECT_TRUE(constant_time_equal({}, {}));
}

}  // namespace
