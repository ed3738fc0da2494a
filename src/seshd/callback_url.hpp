// Which callback URLs seshd will redirect to: relative paths and its own origin only
// (next-auth's open-redirect advisory, CVE-2022-24858).
#pragma once

#include <string>
#include <string_view>

namespace sesh::seshd {

/// `wanted` as an absolute URL on `origin` (e.g. "http://127.0.0.1:3000") when it is a relative
/// path ("/x", not "//x" or "/\x") or an absolute URL on that same origin; otherwise `fallback`.
[[nodiscard]] std::string safe_callback_url(std::string_view wanted, std::string_view origin, std::string_view fallback);

/// `wanted` as a local path ("/x?y") when safe_callback_url would accept it; otherwise `fallback`.
[[nodiscard]] std::string safe_local_path(std::string_view wanted, std::string_view origin, std::string_view fallback);

}  // namespace sesh::seshd
