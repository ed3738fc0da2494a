// iron password maps: the checks iron-session makes on ids and passwords, and the sealing id.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <sesh/iron.hpp>

namespace sesh::detail {

/// Passwords shorter than this many UTF-16 code units are refused, as iron-session and iron do.
inline constexpr std::size_t iron_min_password_length = 32;

/// True for iron's password id syntax, /^\w+$/: one or more ASCII letters, digits or '_'.
[[nodiscard]] bool is_iron_password_id(std::string_view id) noexcept;

/// The length JavaScript's String.prototype.length gives for `utf8`, or npos when `utf8` is not
/// valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF are invalid).
[[nodiscard]] std::size_t utf16_length(std::string_view utf8) noexcept;

/// The id iron-session seals with: the highest numeric id (Math.max over the ids), ignoring
/// non-numeric ids; when no id is numeric, the greatest id. `passwords` must not be empty.
[[nodiscard]] const std::string& iron_seal_id(const password_map& passwords) noexcept;

}  // namespace sesh::detail
