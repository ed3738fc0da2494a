// Percent-decoding (%XX), the one copy for every reader of URL-encoded text: form bodies, store
// URLs' credentials, cookie values that a JavaScript peer decodes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sesh::detail {

/// `in` with each %XX escape (hex digits of either case) replaced by its byte; with
/// `plus_is_space`, '+' is a space (application/x-www-form-urlencoded), else it stays a '+'.
/// Empty optional for a cut or non-hex escape. The bytes out are not checked for UTF-8.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space = false);

/// A cookie value as the `cookie` npm package reads it (next-auth, iron-session): decoded as
/// decodeURIComponent does when it holds a '%', kept as sent when that fails (a bad escape, or
/// bytes that are not UTF-8).
[[nodiscard]] std::string cookie_value_decode(std::string_view value);

}  // namespace sesh::detail
