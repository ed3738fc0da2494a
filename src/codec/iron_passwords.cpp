// iron password maps: parse_password_map, and the id and length rules iron-session applies.
#include "codec/iron_passwords.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>

#include "core/utf8.hpp"

namespace sesh {

result<password_map> parse_password_map(std::string_view text) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(text, ec);
    const boost::json::object* object = ec ? nullptr : v.if_object();
    // iron-session's normalizeStringPasswordToMap: a plain string is the password of id 1.
    if (!object) return password_map{{"1", std::string(text)}};
    password_map out;
    for (const auto& [id, password] : *object) {
        const auto* s = password.if_string();
        if (!s) return fail(errc::malformed);
        out[std::string(id)] = std::string(*s);
    }
    return out;
}

namespace detail {
namespace {

bool is_digits(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Orders digit strings by value; on equal values the shorter spelling wins, because
// iron-session looks the password up as passwordsMap[Number(id)], which finds "1", not "01".
bool numerically_less(std::string_view a, std::string_view b) noexcept {
    const auto strip = [](std::string_view s) {
        const auto nz = s.find_first_not_of('0');
        return nz == std::string_view::npos ? std::string_view() : s.substr(nz);
    };
    const std::string_view sa = strip(a), sb = strip(b);
    if (sa.size() != sb.size()) return sa.size() < sb.size();
    if (sa != sb) return sa < sb;
    return a.size() > b.size();
}

}  // namespace

bool is_iron_password_id(std::string_view id) noexcept {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::size_t utf16_length(std::string_view utf8) noexcept {
    std::size_t units = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        const auto c = decode_utf8(utf8, i);
        if (c.length == 0) return std::string_view::npos;
        units += c.code_point >= 0x10000 ? 2 : 1;  // astral characters are surrogate pairs in UTF-16
        i += c.length;
    }
    return units;
}

const std::string& iron_seal_id(const password_map& passwords) noexcept {
    const std::string* best = nullptr;
    for (const auto& [id, password] : passwords)
        if (is_digits(id) && (!best || numerically_less(*best, id))) best = &id;
    // iron-session itself cannot seal with a non-numeric id (Math.max yields NaN); picking the
    // greatest keeps sesh usable with maps that only sesh reads.
    return best ? *best : passwords.rbegin()->first;
}

}  // namespace detail
}  // namespace sesh
