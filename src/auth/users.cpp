// Rules for account names and e-mail addresses, new user ids, and the e-mail lookup key.
#include <sesh/users.hpp>

#include <array>
#include <cstdint>

#include <sesh/encoding.hpp>

#include "auth/user_backends.hpp"

namespace sesh {

bool is_valid_user_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(name[0])) return false;
    for (char c : name)
        if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
    return true;
}

std::string normalize_user_name(std::string_view name) {
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    std::string out(name);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool is_valid_email(std::string_view email) noexcept {
    if (email.empty()) return true;
    if (email.size() > 254) return false;
    for (char c : email)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"') return false;
    const auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) return false;
    const auto domain = email.substr(at + 1);
    const auto dot = domain.find('.');
    return dot != std::string_view::npos && dot != 0 && domain.back() != '.';
}

std::string make_user_id(random_source& random) {
    std::array<std::uint8_t, 16> raw{};
    random.fill(raw);
    return hex_encode(raw);
}

namespace detail {

std::string email_key(std::string_view email) {
    std::string out(email);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace detail
}  // namespace sesh
