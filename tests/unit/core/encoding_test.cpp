// base64url and hex: RFC 4648 vectors, strict rejection of non-canonical input, round trips.
#include <sesh/encoding.hpp>
#include <sesh/random.hpp>

#include <gtest/gtest.h>

namespace {

std::string b64(std::string_view s) { return sesh::base64url_encode(sesh::as_bytes(s)); }

std::string unb64(std::string_view s) {
    auto r = sesh::base64url_decode(s);
    EXPECT_TRUE(r) << s;
    return r ? std::string(r->begin(), r->end()) : std::string();
}

TEST(base64url, matches_rfc4648_vectors) {
    const std::pair<const char*, const char*> v[] = {{"", ""},         {"f", "Zg"},         {"fo", "Zm8"},
                                                     {"foo", "Zm9v"},  {"foob", "Zm9vYg"},  {"fooba", "Zm9vYmE"},
                                                     {"foobar", "Zm9vYmFy"}};
    for (auto [plain, coded] : v) {
        EXPECT_EQ(b64(plain), coded);
        EXPECT_EQ(unb64(coded), plain);
    }
}

TEST(base64url, uses_the_url_safe_alphabet) {
    const std::uint8_t raw[] = {0xfb, 0xff, 0xbf};
    EXPECT_EQ(sesh::base64url_encode(raw), "-_-_");
}

TEST(base64url, rejects_padding_standard_alphabet_and_junk) {
    using namespace std::string_view_literals;
    for (std::string_view bad : {"Zg=="sv, "Zm9v="sv, "+/+/"sv, "Zm 9"sv, "Zm9v\n"sv, "Z"sv, "Zm9vY"sv, "Zm\0v"sv})
        EXPECT_EQ(sesh::base64url_decode(bad).error(), sesh::errc::malformed) << bad;
}

TEST(base64url, rejects_non_canonical_trailing_bits) {
    EXPECT_TRUE(sesh::base64url_decode("Zg"));
    EXPECT_FALSE(sesh::base64url_decode("Zh"));
    EXPECT_TRUE(sesh::base64url_decode("Zm8"));
    EXPECT_FALSE(sesh::base64url_decode("Zm9"));
}

TEST(base64url, round_trips_random_bytes_of_every_length) {
    for (std::size_t n = 0; n < 200; ++n) {
        sesh::bytes b(n);
        sesh::system_random().fill(b);
        auto back = sesh::base64url_decode(sesh::base64url_encode(b));
        ASSERT_TRUE(back);
        EXPECT_EQ(*back, b);
    }
}

TEST(hex, encodes_lower_case_and_decodes_either_case) {
    const std::uint8_t raw[] = {0x00, 0xab, 0xCD, 0xff};
    EXPECT_EQ(sesh::hex_encode(raw), "00abcdff");
    auto back = sesh::hex_decode("00ABcdFF");
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, sesh::bytes(std::begin(raw), std::end(raw)));
}

TEST(hex, rejects_odd_length_and_non_hex) {
    EXPECT_EQ(sesh::hex_decode("abc").error(), sesh::errc::malformed);
    EXPECT_EQ(sesh::hex_decode("zz").error(), sesh::errc::malformed);
    EXPECT_EQ(sesh::hex_decode("0x").error(), sesh::errc::malformed);
}

}  // namespace
