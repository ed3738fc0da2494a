// Callback URL checks shared by /api/auth and the login page.
#include "seshd/callback_url.hpp"

namespace sesh::seshd {
namespace {

// A path that browsers resolve on this origin: one leading '/', then no '/' or '\' (which would
// make it protocol-relative), and no control characters or spaces.
bool is_local_path(std::string_view p) {
    if (p.empty() || p[0] != '/') return false;
    if (p.size() > 1 && (p[1] == '/' || p[1] == '\\')) return false;
    for (char c : p)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '\\') return false;
    return true;
}

}  // namespace

std::string safe_local_path(std::string_view wanted, std::string_view origin, std::string_view fallback) {
    if (is_local_path(wanted)) return std::string(wanted);
    if (wanted.size() > origin.size() && wanted.starts_with(origin) && is_local_path(wanted.substr(origin.size())))
        return std::string(wanted.substr(origin.size()));
    if (wanted == origin) return "/";
    return std::string(fallback);
}

std::string safe_callback_url(std::string_view wanted, std::string_view origin, std::string_view fallback) {
    const std::string marker = "\x01";
    const std::string path = safe_local_path(wanted, origin, marker);
    if (path == marker) return std::string(fallback);
    return std::string(origin) + path;
}

}  // namespace sesh::seshd
