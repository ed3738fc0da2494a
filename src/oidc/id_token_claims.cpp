// The ID token checks of OpenID Connect Core 1.0 §3.1.3.7 (after the signature).
#include <cmath>

#include <sesh/error.hpp>
#include <sesh/oidc.hpp>

namespace sesh {
namespace {

// A NumericDate (RFC 7519 §2): a JSON number, possibly with a fraction.
std::optional<std::int64_t> numeric_date(const boost::json::value* v) {
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double() && std::isfinite(v->as_double()) && std::fabs(v->as_double()) < 1e15)
        return static_cast<std::int64_t>(v->as_double());
    return std::nullopt;
}

std::optional<std::string_view> claim_string(const boost::json::object& claims, std::string_view name) {
    const auto* v = claims.if_contains(name);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string_view(v->as_string());
}

}  // namespace

result<void> check_id_token_claims(const boost::json::object& claims, const id_token_expectations& e) {
    const auto iss = claim_string(claims, "iss");
    if (!iss) return fail(errc::malformed);
    if (*iss != e.issuer) return fail(errc::claim_mismatch);

    // aud: a string, or an array of strings that contains the client id.
    const auto* aud = claims.if_contains("aud");
    if (!aud) return fail(errc::malformed);
    std::size_t audiences = 0;
    bool ours = false;
    if (aud->is_string()) {
        audiences = 1;
        ours = aud->as_string() == e.client_id;
    } else if (aud->is_array()) {
        for (const auto& a : aud->as_array()) {
            if (!a.is_string()) return fail(errc::malformed);
            ++audiences;
            ours = ours || a.as_string() == e.client_id;
        }
    } else {
        return fail(errc::malformed);
    }
    if (!ours) return fail(errc::claim_mismatch);
    // §3.1.3.7 items 4 and 5: several audiences need an azp, and an azp must be us.
    const auto* azp = claims.if_contains("azp");
    if (azp && (!azp->is_string() || azp->as_string() != e.client_id)) return fail(errc::claim_mismatch);
    if (!azp && audiences > 1) return fail(errc::claim_mismatch);

    const auto exp = numeric_date(claims.if_contains("exp"));
    const auto iat = numeric_date(claims.if_contains("iat"));
    if (!exp || !iat) return fail(errc::malformed);
    const std::int64_t skew = e.clock_skew.count();
    if (*exp <= e.now - skew) return fail(errc::expired);
    if (*iat > e.now + skew) return fail(errc::not_yet_valid);
    if (*iat < e.now - skew - e.max_age.count()) return fail(errc::expired);
    if (const auto nbf = claims.if_contains("nbf")) {
        const auto n = numeric_date(nbf);
        if (!n) return fail(errc::malformed);
        if (*n > e.now + skew) return fail(errc::not_yet_valid);
    }

    // §3.1.2.1: the nonce sent in the request must come back unchanged.
    const auto nonce = claim_string(claims, "nonce");
    if (e.nonce.empty() || !nonce || *nonce != e.nonce) return fail(errc::claim_mismatch);

    const auto sub = claim_string(claims, "sub");
    if (!sub || sub->empty() || sub->size() > 255) return fail(errc::malformed);
    return {};
}

}  // namespace sesh
