// base64url without padding, strict on decode: one accepted spelling per byte string.
#include <sesh/encoding.hpp>

#include <array>

namespace sesh {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_reverse() {
    std::array<std::int8_t, 256> table{};
    for (auto& v : table) v = -1;
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}
constexpr auto reverse = make_reverse();

}  // namespace

void base64url_append(std::string& out, byte_view in) {
    const std::size_t start = out.size();
    out.resize(start + (in.size() * 4 + 2) / 3);
    char* p = out.data() + start;
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
        *p++ = alphabet[(v >> 18) & 63];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = alphabet[(v >> 6) & 63];
        *p++ = alphabet[v & 63];
    }
    const std::size_t rest = in.size() - i;
    if (rest == 1) {
        const std::uint32_t v = std::uint32_t{in[i]} << 16;
        *p++ = alphabet[(v >> 18) & 63];
        *p++ = alphabet[(v >> 12) & 63];
    } else if (rest == 2) {
        const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
        *p++ = alphabet[(v >> 18) & 63];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = alphabet[(v >> 6) & 63];
    }
}

std::string base64url_encode(byte_view in) {
    std::string out;
    base64url_append(out, in);
    return out;
}

result<void> base64url_decode_append(bytes& out, std::string_view in) {
    if (in.size() % 4 == 1) return fail(errc::malformed);
    const std::size_t start = out.size();
    out.resize(start + in.size() * 3 / 4);
    std::uint8_t* p = out.data() + start;
    std::size_t i = 0;
    for (; i + 4 <= in.size(); i += 4) {
        const int a = reverse[static_cast<unsigned char>(in[i])];
        const int b = reverse[static_cast<unsigned char>(in[i + 1])];
        const int c = reverse[static_cast<unsigned char>(in[i + 2])];
        const int d = reverse[static_cast<unsigned char>(in[i + 3])];
        if ((a | b | c | d) < 0) return fail(errc::malformed);
        const std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6) | std::uint32_t(d);
        *p++ = static_cast<std::uint8_t>(v >> 16);
        *p++ = static_cast<std::uint8_t>(v >> 8);
        *p++ = static_cast<std::uint8_t>(v);
    }
    const std::size_t rest = in.size() - i;
    if (rest >= 2) {
        const int a = reverse[static_cast<unsigned char>(in[i])];
        const int b = reverse[static_cast<unsigned char>(in[i + 1])];
        const int c = rest == 3 ? reverse[static_cast<unsigned char>(in[i + 2])] : 0;
        if ((a | b | c) < 0) return fail(errc::malformed);
        const std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6);
        // Reject non-canonical encodings: the unused low bits must be zero.
        if (rest == 2 && (v & 0xFFFF) != 0) return fail(errc::malformed);
        if (rest == 3 && (v & 0xFF) != 0) return fail(errc::malformed);
        *p++ = static_cast<std::uint8_t>(v >> 16);
        if (rest == 3) *p++ = static_cast<std::uint8_t>(v >> 8);
    }
    return {};
}

result<bytes> base64url_decode(std::string_view in) {
    bytes out;
    out.reserve(in.size() * 3 / 4);
    if (auto r = base64url_decode_append(out, in); !r) return fail(r.error());
    return out;
}

}  // namespace sesh
