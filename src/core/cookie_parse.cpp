// Cookie request header parsing (RFC 6265 §5.4 as browsers send it), lenient on junk, bounded.
#include <sesh/cookie.hpp>

#include <algorithm>
#include <array>

namespace sesh {
namespace {

// tchar of RFC 7230 §3.2.6, which RFC 6265 §4.1.1 makes the cookie-name.
constexpr std::array<bool, 256> make_tchar_table() {
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c) table[c] = true;
    for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
    return table;
}
constexpr auto tchar = make_tchar_table();

// RFC 6265 §5.2 trims WSP (space and horizontal tab) around names and values.
constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
    return s;
}

// A control character other than HTAB: browsers refuse to store such a cookie (RFC 6265bis
// §5.6), so a value holding one did not come from a browser's jar.
bool has_control(std::string_view s) noexcept {
    return std::any_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return (c < 0x20 && c != '\t') || c == 0x7f;
    });
}

// One `name=value` segment, or nothing when it is junk.
std::optional<cookie> parse_pair(std::string_view pair) noexcept {
    const auto eq = pair.find('=');
    // RFC 6265bis would read a pair without '=' as a nameless cookie; no cookie sesh reads or
    // writes is nameless, so it is skipped like any other junk.
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view name = trim(pair.substr(0, eq));
    std::string_view value = trim(pair.substr(eq + 1));
    if (!is_valid_cookie_name(name)) return std::nullopt;
    // cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ) (RFC 6265 §4.1.1); the quotes
    // are not part of the value, as the npm `cookie` package and Go's net/http also read it.
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (has_control(value)) return std::nullopt;
    return cookie{name, value};
}

}  // namespace

bool is_valid_cookie_name(std::string_view name) noexcept {
    return !name.empty() &&
           std::all_of(name.begin(), name.end(), [](char c) { return tchar[static_cast<unsigned char>(c)]; });
}

result<std::vector<cookie>> parse_cookie_header(std::string_view header, const cookie_limits& limits) {
    if (header.size() > limits.max_header_bytes) return fail(errc::too_large);
    std::vector<cookie> out;
    // One reservation: never more pairs than separators + 1, never more than the bound.
    const auto segments = static_cast<std::size_t>(std::count(header.begin(), header.end(), ';')) + 1;
    out.reserve(std::min(segments, limits.max_cookies));
    std::size_t pos = 0;
    while (pos <= header.size() && out.size() < limits.max_cookies) {
        std::size_t end = header.find(';', pos);
        if (end == std::string_view::npos) end = header.size();
        const auto c = parse_pair(header.substr(pos, end - pos));
        pos = end + 1;
        // The first of a repeated name wins: browsers order longer paths first (RFC 6265 §5.4
        // step 2), so the first is the most specific one. Quadratic, but bounded by max_cookies.
        if (c && !find_cookie(out, c->name)) out.push_back(*c);
    }
    return out;
}

std::optional<std::string_view> find_cookie(const std::vector<cookie>& cookies, std::string_view name) noexcept {
    for (const auto& c : cookies)
        if (c.name == name) return c.value;
    return std::nullopt;
}

}  // namespace sesh
