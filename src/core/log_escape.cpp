// escape_for_log: one escaping for every request-derived value seshd and the library log.
#include <sesh/log_escape.hpp>

#include <cstdint>

#include "core/utf8.hpp"

namespace sesh {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char c) {
    out += "\\x";
    out += hex_digits[c >> 4];
    out += hex_digits[c & 0xF];
}

void append_u(std::string& out, std::uint32_t cp) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += hex_digits[(cp >> shift) & 0xF];
}

}  // namespace

std::string escape_for_log(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            switch (c) {
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\\': out += "\\\\"; break;
                default:
                    if (c < 0x20 || c == 0x7F) append_hex_byte(out, c);
                    else out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        const auto [cp, len] = detail::decode_utf8(text, i);
        if (len == 0) {
            append_hex_byte(out, c);
            ++i;
            continue;
        }
        // C1 controls (NEL among them) and the Unicode line and paragraph separators end lines
        // in some viewers.
        if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) append_u(out, cp);
        else out.append(text.substr(i, len));
        i += len;
    }
    return out;
}

}  // namespace sesh
