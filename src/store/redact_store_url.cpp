// redact_store_url: a store URL fit for a log line, its password masked.
#include <sesh/store.hpp>

#include <cctype>

namespace sesh {

std::string redact_store_url(std::string_view url) {
    // Credentials sit between "://" and the last '@' of the authority (a password may hold '/',
    // percent-encoded or not, so the authority's end is not looked for).
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    // A file path may hold '@' and never credentials.
    std::string scheme(url.substr(0, scheme_end));
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme == "sqlite") return std::string(url);
    const std::size_t begin = scheme_end + 3;
    const auto at = url.rfind('@');
    if (at == std::string_view::npos || at < begin) return std::string(url);
    const auto colon = url.substr(begin, at - begin).find(':');
    // user:password@ keeps the user; a bare secret@ (no colon) may itself be the password.
    const std::size_t secret = colon == std::string_view::npos ? begin : begin + colon + 1;
    std::string out(url.substr(0, secret));
    out += "***";
    out += url.substr(at);
    return out;
}

}  // namespace sesh
