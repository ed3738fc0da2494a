// The one UTF-8 decoder of the tree: every check of text encoding (forms, passwords, iron
// passwords, log escaping) goes through it, so they all agree on what is valid.
#pragma once

#include <cstddef>
#include <string_view>

namespace sesh::detail {

/// One decoded character: its code point and the length of its encoding in bytes.
struct utf8_char {
    char32_t code_point = 0;
    /// 1 to 4; 0 when the bytes are not a well-formed sequence (code_point is then 0).
    std::size_t length = 0;
};

/// Decodes the character that starts at `text[at]` (`at` < text.size()). Well-formed means
/// RFC 3629 §4: the shortest form only (no overlong encodings such as C0 80), no surrogates
/// (U+D800-U+DFFF), nothing past U+10FFFF, no sequence cut short by the end of `text` or by a
/// byte that is not a continuation. NUL (a single 00 byte) is well-formed; callers that refuse
/// it check the code point.
[[nodiscard]] utf8_char decode_utf8(std::string_view text, std::size_t at) noexcept;

/// True iff all of `text` is well-formed UTF-8 as decode_utf8 defines it (NUL allowed).
[[nodiscard]] bool valid_utf8(std::string_view text) noexcept;

}  // namespace sesh::detail
