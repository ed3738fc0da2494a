// The two JWE codecs behind one fuzz body: decode anything without harm, and for input that is a
// JSON object, encode then decode must give the claims back.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <string>

#include <sesh/error.hpp>

#include "fuzz_support.hpp"

namespace sesh::fuzz {

// First byte picks the mode: 'J' treats the rest as claims for a round trip, anything else is a token.
template <class Codec>
int fuzz_jwt(const Codec& codec, std::string_view input) {
    if (!input.empty() && input.front() == 'J') {
        boost::system::error_code ec;
        boost::json::value claims = boost::json::parse(input.substr(1), ec);
        if (ec || !claims.is_object()) return 0;
        const auto token = codec.encode(claims.as_object());
        if (!token) return 0;  // too deep, non-finite: refused, which is fine
        const auto back = codec.decode(*token);
        if (!back && back.error() == make_error_code(errc::not_yet_valid)) return 0;  // an nbf in the future
        require(back.has_value(), "a token encode made does not decode");
        for (const auto& [key, value] : claims.as_object()) {
            if (key == "iat" || key == "exp" || key == "jti") continue;  // replaced by encode
            const auto* got = back->if_contains(key);
            require(got != nullptr, "a claim was lost in the round trip");
            const auto want = boost::json::serialize(value), have = boost::json::serialize(*got);
            if (want != have) std::fprintf(stderr, "claim %s: sent %s, got %s\n", std::string(key).c_str(), want.c_str(), have.c_str());
            require(want == have, "a claim changed in the round trip");
        }
        return 0;
    }
    (void)codec.decode(input);
    return 0;
}

}  // namespace sesh::fuzz
