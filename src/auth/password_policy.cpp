// Which new passwords sesh accepts: length and encoding (ASVS 2.1.1, 2.1.2, 2.1.4) and strength
// (ASVS 2.1.7) through zxcvbn, whose built-in lists hold the common passwords and words.
#include <sesh/password.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <zxcvbn.h>

#include "core/utf8.hpp"

namespace sesh {
namespace {

// Length in code points of valid UTF-8, or -1 (invalid, or a NUL inside).
long utf8_length(std::string_view s) noexcept {
    long n = 0;
    for (std::size_t i = 0; i < s.size(); ++n) {
        const auto c = detail::decode_utf8(s, i);
        if (c.length == 0 || c.code_point == 0) return -1;
        i += c.length;
    }
    return n;
}

// Frees zxcvbn's match list on every path.
struct match_list {
    ZxcMatch_t* head = nullptr;
    ~match_list() { ZxcvbnFreeInfo(head); }
};

// A word from the lists, once: 'aaaaaaaaaaaa' is "aaa" repeated (MULTIPLE_MATCH), which makes it
// a repeat to the person reading the message rather than a common password.
bool is_dictionary(ZxcTypeMatch_t t) {
    return t == DICTIONARY_MATCH || t == DICT_LEET_MATCH;
}
bool is_personal(ZxcTypeMatch_t t) {
    const int base = t & ~MULTIPLE_MATCH;
    return base == USER_MATCH || base == USER_LEET_MATCH;
}

}  // namespace

password_problem check_new_password(std::string_view password, std::span<const std::string_view> personal) {
    const long n = utf8_length(password);
    if (n < 0) return password_problem::not_text;
    if (n < static_cast<long>(min_password_length)) return password_problem::too_short;
    if (n > static_cast<long>(max_password_length)) return password_problem::too_long;

    // zxcvbn wants NUL-terminated strings (there is no NUL inside: utf8_length refused it).
    const std::string pw(password);
    std::vector<std::string> words;
    for (auto w : personal)
        if (!w.empty() && w.find('\0') == std::string_view::npos) words.emplace_back(w);
    std::vector<const char*> dict;
    for (const auto& w : words) dict.push_back(w.c_str());
    dict.push_back(nullptr);
    match_list info;
    // The C zxcvbn has no mutable global state (its dictionary is compiled in): thread-safe.
    const double bits = ZxcvbnMatch(pw.c_str(), dict.data(), &info.head);
    if (bits >= min_password_guess_bits) return password_problem::none;

    // Name the weakness the guessing would exploit: the characters covered by each kind of match.
    int dictionary = 0, own = 0;
    for (const ZxcMatch_t* m = info.head; m != nullptr; m = m->Next) {
        if (is_dictionary(m->Type)) dictionary += m->Length;
        if (is_personal(m->Type)) own += m->Length;
    }
    const int length = static_cast<int>(pw.size());
    if (own * 2 >= length) return password_problem::too_personal;
    if (dictionary * 2 >= length) return password_problem::too_common;
    return password_problem::too_guessable;
}

bool is_acceptable_password(std::string_view password) {
    return check_new_password(password) == password_problem::none;
}

std::string_view describe(password_problem p) noexcept {
    switch (p) {
        case password_problem::none: return "";
        case password_problem::too_short:
        case password_problem::too_long: return "Password: 12 to 128 characters.";
        case password_problem::not_text: return "Password: 12 to 128 characters of text (valid UTF-8, no NUL).";
        case password_problem::too_common:
            return "Password is too common: it is, or is built on, a common password or word. Try a few unrelated words.";
        case password_problem::too_guessable:
            return "Password is too easy to guess (a repeat, a sequence, a keyboard pattern or a date). Try a few unrelated words.";
        case password_problem::too_personal:
            return "Password is too easy to guess: it is built on your username or e-mail address.";
    }
    return "";
}

}  // namespace sesh
