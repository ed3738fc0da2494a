// The discovery document (OpenID Connect Discovery 1.0 §3, §4.3) and the check values of a
// code flow with PKCE (RFC 7636 §4.1-4.2).
#include <boost/json/parse.hpp>

#include <sesh/encoding.hpp>
#include <sesh/error.hpp>
#include <sesh/oidc.hpp>

#include "core/crypto.hpp"

namespace sesh {

result<oidc_metadata> parse_oidc_metadata(std::string_view json, std::string_view expected_issuer) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(json, ec);
    if (ec || !doc.is_object()) return fail(errc::malformed);
    const auto& o = doc.as_object();
    auto member = [&](std::string_view name, bool required, std::string& out) {
        const auto* v = o.if_contains(name);
        if (!v) return !required;
        if (!v->is_string()) return false;
        out = std::string(v->as_string());
        return !required || !out.empty();
    };
    oidc_metadata m;
    if (!member("issuer", true, m.issuer) || !member("authorization_endpoint", true, m.authorization_endpoint) ||
        !member("token_endpoint", true, m.token_endpoint) || !member("jwks_uri", true, m.jwks_uri) ||
        !member("userinfo_endpoint", false, m.userinfo_endpoint))
        return fail(errc::malformed);
    if (m.issuer != expected_issuer) return fail(errc::claim_mismatch);
    return m;
}

std::string make_check_value(random_source& random) {
    std::array<std::uint8_t, 32> raw{};
    random.fill(raw);
    return base64url_encode(raw);
}

std::string make_pkce_verifier(random_source& random) { return make_check_value(random); }

std::string pkce_challenge(std::string_view verifier) {
    const auto digest = detail::sha256(as_bytes(verifier));
    return base64url_encode(digest);
}

}  // namespace sesh
