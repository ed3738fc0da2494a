// Reading a compact JWE (RFC 7516 §7.1): the split at the dots and the protected header's checks.
#include "codec/jwe.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace sesh::detail {
namespace {

namespace json = boost::json;

std::string_view view_of(const json::string& s) noexcept { return {s.data(), s.size()}; }

std::optional<jwe_enc> enc_from_name(std::string_view name) noexcept {
    if (name == "A256GCM") return jwe_enc::a256gcm;
    if (name == "A256CBC-HS512") return jwe_enc::a256cbc_hs512;
    return std::nullopt;
}

}  // namespace

result<jwe_compact> split_compact(std::string_view token) noexcept {
    std::array<std::string_view, 5> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const auto dot = token.find('.', start);
        if (dot == std::string_view::npos) return fail(errc::malformed);
        parts[i] = token.substr(start, dot - start);
        start = dot + 1;
    }
    parts[4] = token.substr(start);
    if (parts[4].find('.') != std::string_view::npos) return fail(errc::malformed);
    return jwe_compact{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

result<jwe_header> parse_protected_header(std::string_view header_b64, std::span<const jwe_enc> accepted) {
    bytes raw;
    if (header_b64.empty() || !base64url_decode_append(raw, header_b64)) return fail(errc::malformed);
    std::error_code ec;
    json::value v = json::parse(json::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()), ec);
    if (ec || !v.is_object()) return fail(errc::malformed);
    jwe_header h;
    h.parsed = std::move(v.get_object());
    const json::object& o = h.parsed;

    // jose refuses every `crit` (it recognises no extension for JWE) and would inflate a "DEF"
    // `zip`; sesh inflates nothing, so both mean an algorithm it does not do.
    if (o.contains("crit") || o.contains("zip")) return fail(errc::unsupported_algorithm);
    const auto* alg = o.if_contains("alg");
    const auto* enc = o.if_contains("enc");
    if (!alg || !alg->is_string() || !enc || !enc->is_string()) return fail(errc::malformed);
    // RFC 7518 §4.5 "dir" only: "none", key wrapping and everything else is refused.
    if (view_of(alg->get_string()) != "dir") return fail(errc::unsupported_algorithm);
    const auto e = enc_from_name(view_of(enc->get_string()));
    if (!e || std::find(accepted.begin(), accepted.end(), *e) == accepted.end())
        return fail(errc::unsupported_algorithm);
    h.enc = *e;
    if (const auto* kid = o.if_contains("kid")) {
        if (!kid->is_string()) return fail(errc::malformed);
        h.kid.emplace(view_of(kid->get_string()));
    }
    return h;
}

}  // namespace sesh::detail
