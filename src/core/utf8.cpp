// UTF-8 decoding and validation (RFC 3629 §4, the table of well-formed byte sequences).
#include "core/utf8.hpp"

namespace sesh::detail {

utf8_char decode_utf8(std::string_view text, std::size_t at) noexcept {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) return {lead, 1};
    std::size_t len = 0;
    char32_t cp = 0, min = 0;
    // 0x80-0xC1 (continuations, and leads that could only start overlong pairs) and 0xF5-0xFF
    // (past U+10FFFF) never start a sequence.
    if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2, cp = lead & 0x1Fu, min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3, cp = lead & 0x0Fu, min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4, cp = lead & 0x07u, min = 0x10000;
    } else {
        return {};
    }
    if (text.size() - at < len) return {};
    for (std::size_t k = 1; k < len; ++k) {
        const auto c = static_cast<unsigned char>(text[at + k]);
        if ((c & 0xC0) != 0x80) return {};
        cp = (cp << 6) | (c & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
    return {cp, len};
}

bool valid_utf8(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = decode_utf8(text, i).length;
        if (len == 0) return false;
        i += len;
    }
    return true;
}

}  // namespace sesh::detail
