// Lower-case hex encoding; decoding accepts either case.
#include <sesh/encoding.hpp>

namespace sesh {
namespace {

constexpr char digits[] = "0123456789abcdef";

int nibble(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string hex_encode(byte_view in) {
    std::string out(in.size() * 2, '\0');
    for (std::size_t i = 0; i < in.size(); ++i) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    return out;
}

result<bytes> hex_decode(std::string_view in) {
    if (in.size() % 2 != 0) return fail(errc::malformed);
    bytes out(in.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(in[2 * i]);
        const int lo = nibble(in[2 * i + 1]);
        if ((hi | lo) < 0) return fail(errc::malformed);
        out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
    }
    return out;
}

}  // namespace sesh
