// The CSRF double-submit check: `cookie value \n submitted token`. Never a crash, and a match
// only when the submitted token is the cookie's own token.
#include <sesh/csrf.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sesh;
    static const std::string secret = "fuzzing-secret-fuzzing-secret-fuzzing-secret";
    const auto [cookie_value, submitted] = fuzz::split(fuzz::text(data, size), '\n');
    const auto token = verify_csrf_cookie(cookie_value, secret);
    const bool matches = csrf_matches(cookie_value, submitted, secret);
    fuzz::require(!matches || (token && *token == submitted), "a token matched that is not the cookie's own");
    if (token) fuzz::require(csrf_matches(cookie_value, *token, secret), "a valid cookie's own token does not match");
    return 0;
}
