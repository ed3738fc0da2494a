// The Cookie header parser, chunk joining and Set-Cookie serialization: nothing a client sends
// may crash them, every kept pair is well formed, and what serialize writes parses back the same.
#include <sesh/cookie.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sesh;
    const auto header = fuzz::text(data, size);
    const auto cookies = parse_cookie_header(header);
    if (!cookies) return 0;
    fuzz::require(cookies->size() <= cookie_limits{}.max_cookies, "more pairs kept than the limit");
    for (const auto& c : *cookies) {
        fuzz::require(is_valid_cookie_name(c.name), "kept a pair whose name is not a token");
        fuzz::require(c.name.data() >= header.data() && c.name.data() + c.name.size() <= header.data() + header.size(),
                      "name outside the header");
        fuzz::require(find_cookie(*cookies, c.name).has_value(), "a kept name is not found");
    }
    (void)join_chunks(*cookies, "next-auth.session-token");

    // Round trip: whatever serialize accepts, the parser reads back unchanged.
    for (const auto& c : *cookies) {
        set_cookie sc;
        sc.name = std::string(c.name);
        sc.value = std::string(c.value);
        const auto line = serialize(sc);
        if (!line) continue;
        const auto pair = fuzz::split(*line, ';').first;
        const auto back = parse_cookie_header(pair);
        fuzz::require(back && back->size() == 1, "a serialized cookie does not parse back");
        fuzz::require((*back)[0].name == c.name && (*back)[0].value == c.value, "round trip changed the cookie");
    }
    return 0;
}
