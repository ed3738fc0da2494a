// Helpers shared by the next-auth v4 and Auth.js v5 codec tests: UUID shape, error access, and
// the property test that every mutation of a valid token is refused.
#pragma once

#include <sesh/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

namespace sesh::test {

/// True for the lower-case 8-4-4-4-12 form with version 4 and variant 10xx (RFC 9562 §4).
inline bool is_uuid_v4(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const bool hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
        if (dash ? s[i] != '-' : !hex) return false;
    }
    return s[14] == '4' && std::string_view("89ab").find(s[19]) != std::string_view::npos;
}

inline std::error_code code(errc e) { return make_error_code(e); }

/// The error of a result, or no error: a test that expects a failure must not read error() of a value.
template <class T>
std::error_code error_of(const result<T>& r) {
    return r ? std::error_code() : r.error();
}

/// Every single-byte change (7 replacements per position), every truncation and several
/// extensions of `token` must fail to decode; afterwards the original still decodes (failures
/// leave pooled cipher contexts fit for the next token).
template <class Codec>
void expect_every_mutation_rejected(const Codec& codec, const std::string& token) {
    ASSERT_TRUE(codec.decode(token));
    std::size_t tried = 0;
    for (std::size_t i = 0; i < token.size(); ++i) {
        const char c = token[i];
        for (const char r : {static_cast<char>(c ^ 1), static_cast<char>(c ^ 0x20), '.', 'A', '-', '_', '\0', '\xff'}) {
            if (r == c) continue;
            std::string t = token;
            t[i] = r;
            EXPECT_FALSE(codec.decode(t)) << "byte " << i << " -> " << int(r);
            ++tried;
        }
    }
    for (std::size_t n = 0; n < token.size(); ++n) EXPECT_FALSE(codec.decode(token.substr(0, n))) << n;
    for (const std::string& tail : std::vector<std::string>{"A", "AA", "AAAA", ".", "=", "\n", "." + token})
        EXPECT_FALSE(codec.decode(token + tail)) << tail;
    EXPECT_GT(tried, token.size() * 5);
    EXPECT_TRUE(codec.decode(token));
}

}  // namespace sesh::test
