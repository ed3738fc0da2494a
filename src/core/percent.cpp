// Percent-decoding: see percent.hpp.
#include "core/percent.hpp"

#include "core/utf8.hpp"

namespace sesh::detail {
namespace {

int percent_hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+' && plus_is_space) {
            out += ' ';
        } else if (in[i] == '%') {
            if (i + 2 >= in.size()) return std::nullopt;  // a cut escape
            const int hi = percent_hex_value(in[i + 1]);
            const int lo = percent_hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += in[i];
        }
    }
    return out;
}

std::string cookie_value_decode(std::string_view value) {
    if (value.find('%') == std::string_view::npos) return std::string(value);
    auto decoded = percent_decode(value);
    if (!decoded || !valid_utf8(*decoded)) return std::string(value);
    return std::move(*decoded);
}

}  // namespace sesh::detail
