// Set-Cookie serialization (RFC 6265 §4.1) that refuses any cookie a browser would drop.
#include <sesh/cookie.hpp>

#include <algorithm>
#include <cstdint>

namespace sesh {
namespace {

// cookie-octet of RFC 6265 §4.1.1: visible US-ASCII except DQUOTE, comma, semicolon, backslash.
constexpr bool is_cookie_octet(unsigned char c) noexcept {
    return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

bool is_cookie_value(std::string_view v) noexcept {
    return std::all_of(v.begin(), v.end(), [](char c) { return is_cookie_octet(static_cast<unsigned char>(c)); });
}

// RFC 6265bis §5.6: a user agent ignores an attribute value longer than this.
constexpr std::size_t max_attribute_bytes = 1024;

// path-value of RFC 6265 §4.1.1: any CHAR except CTLs or ';'. Used for Domain too, so that no
// attribute value can end the attribute early or smuggle another one in.
bool is_attribute_value(std::string_view v) noexcept {
    return v.size() <= max_attribute_bytes && std::all_of(v.begin(), v.end(), [](char ch) {
               const auto c = static_cast<unsigned char>(ch);
               return c >= 0x20 && c <= 0x7e && c != ';';
           });
}

// RFC 6265bis §5.6: a user agent ignores a cookie whose name and value pass 4096 octets.
constexpr std::size_t max_name_value_bytes = 4096;

// RFC 6265bis §5.7 steps 20-21 match the prefixes case-insensitively (Chromium's GetCookiePrefix
// too), so `__secure-x` without Secure is dropped by current browsers: refuse it here.
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool has_prefix(std::string_view name, std::string_view prefix) noexcept {
    if (name.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (ascii_lower(name[i]) != ascii_lower(prefix[i])) return false;
    return true;
}

bool prefix_rules_hold(const set_cookie& c) noexcept {
    const bool host = has_prefix(c.name, "__Host-");
    // __Http- and __Host-Http- (RFC 6265bis drafts, WebKit and Chromium): Secure and HttpOnly.
    const bool http = has_prefix(c.name, "__Http-") || has_prefix(c.name, "__Host-Http-");
    if ((host || http || has_prefix(c.name, "__Secure-")) && !c.secure) return false;
    // __Host- needs an explicit Path=/ and no Domain, so the cookie is bound to the one host.
    if (host && (c.path != "/" || !c.domain.empty())) return false;
    if (http && !c.http_only) return false;
    return true;
}

void append_two_digits(std::string& out, unsigned v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}

// IMF-fixdate of RFC 7231 §7.1.1.1, the sane-cookie-date of RFC 6265 §4.1.1:
// "Sun, 06 Nov 1994 08:49:37 GMT". False outside 1601-9999: four digits, and RFC 6265 §5.1.1
// has user agents reject a year before 1601.
bool append_imf_fixdate(std::string& out, std::chrono::system_clock::time_point tp) {
    using namespace std::chrono;
    static constexpr const char* day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto secs = floor<seconds>(tp);
    const auto day = floor<days>(secs);
    const year_month_day ymd{day};
    const int y = static_cast<int>(ymd.year());
    if (y < 1601 || y > 9999) return false;
    const hh_mm_ss hms{secs - day};
    out += day_names[weekday{day}.c_encoding()];
    out += ", ";
    append_two_digits(out, static_cast<unsigned>(ymd.day()));
    out += ' ';
    out += month_names[static_cast<unsigned>(ymd.month()) - 1];
    out += ' ';
    append_two_digits(out, static_cast<unsigned>(y / 100));
    append_two_digits(out, static_cast<unsigned>(y % 100));
    out += ' ';
    append_two_digits(out, static_cast<unsigned>(hms.hours().count()));
    out += ':';
    append_two_digits(out, static_cast<unsigned>(hms.minutes().count()));
    out += ':';
    append_two_digits(out, static_cast<unsigned>(hms.seconds().count()));
    out += " GMT";
    return true;
}

std::string_view same_site_name(same_site s) noexcept {
    switch (s) {
        case same_site::lax: return "Lax";
        case same_site::strict: return "Strict";
        case same_site::none: return "None";
        case same_site::unset: break;
    }
    return {};
}

}  // namespace

result<std::string> serialize(const set_cookie& c) {
    if (!is_valid_cookie_name(c.name) || !is_cookie_value(c.value)) return fail(errc::invalid_argument);
    if (!is_attribute_value(c.path) || !is_attribute_value(c.domain)) return fail(errc::invalid_argument);
    // RFC 6265bis §5.7 step 19: SameSite=None without Secure is ignored; CHIPS makes Secure a
    // requirement of Partitioned.
    if ((c.same_site == same_site::none || c.partitioned) && !c.secure) return fail(errc::invalid_argument);
    if (!prefix_rules_hold(c)) return fail(errc::invalid_argument);
    if (c.name.size() + c.value.size() > max_name_value_bytes) return fail(errc::too_large);

    std::string out;
    out.reserve(c.name.size() + c.value.size() + c.path.size() + c.domain.size() + 128);
    out += c.name;
    out += '=';
    out += c.value;
    if (c.max_age) {
        // RFC 6265 §5.2.2: a Max-Age of zero or less expires the cookie at once; 0 says it in the
        // form servers are meant to send (§4.1.1 has no negative numbers).
        out += "; Max-Age=";
        out += std::to_string(std::max<std::int64_t>(0, c.max_age->count()));
    }
    if (c.expires) {
        out += "; Expires=";
        if (!append_imf_fixdate(out, *c.expires)) return fail(errc::invalid_argument);
    }
    if (!c.domain.empty()) {
        out += "; Domain=";
        out += c.domain;
    }
    if (!c.path.empty()) {
        out += "; Path=";
        out += c.path;
    }
    if (c.secure) out += "; Secure";
    if (c.http_only) out += "; HttpOnly";
    if (const auto ss = same_site_name(c.same_site); !ss.empty()) {
        out += "; SameSite=";
        out += ss;
    }
    if (c.partitioned) out += "; Partitioned";
    return out;
}

}  // namespace sesh
