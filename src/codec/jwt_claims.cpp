// The JWT claims set (RFC 7519) as next-auth and jose write and check it: the JSON encode writes,
// its `jti`, and the time claims decode checks.
#include "codec/jwe.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

namespace sesh::detail {
namespace {

namespace json = boost::json;

// A JSON number as the double JavaScript would see; nullopt for any other kind of value.
std::optional<double> number_of(const json::value& v) noexcept {
    if (const auto* i = v.if_int64()) return static_cast<double>(*i);
    if (const auto* u = v.if_uint64()) return static_cast<double>(*u);
    if (const auto* d = v.if_double()) return *d;
    return std::nullopt;
}

// True when `v` serializes to JSON that decode (and JSON.parse) reads back: boost::json writes a
// non-finite double as a bare Infinity or NaN, and decode refuses nesting past jwt_max_json_depth.
bool readable_back(const json::value& v, std::size_t depth) noexcept {
    if (const auto* d = v.if_double()) return std::isfinite(*d);
    if (!v.is_structured()) return true;
    if (depth > jwt_max_json_depth) return false;
    if (const auto* a = v.if_array())
        return std::all_of(a->begin(), a->end(), [&](const json::value& e) { return readable_back(e, depth + 1); });
    const auto& o = v.get_object();
    return std::all_of(o.begin(), o.end(),
                       [&](const json::key_value_pair& m) { return readable_back(m.value(), depth + 1); });
}

// Drains a serializer into `out` through windows appended to the string itself, so the JSON is
// written in place with no intermediate copy.
void drain(json::serializer& sr, std::string& out) {
    constexpr std::size_t window = 256;
    while (!sr.done()) {
        const std::size_t used = out.size();
        out.resize(used + window);
        const auto written = sr.read(out.data() + used, window);
        out.resize(used + written.size());
    }
}

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

}  // namespace

result<void> check_time_claims(const json::object& claims, std::int64_t now, std::int64_t skew) noexcept {
    // jose's jwt_claims_set: iat's type, then nbf, then exp; comparisons in JavaScript doubles.
    const double lo = static_cast<double>(now) - static_cast<double>(skew);
    const double hi = static_cast<double>(now) + static_cast<double>(skew);
    if (const auto* iat = claims.if_contains("iat"); iat && !number_of(*iat)) return fail(errc::malformed);
    if (const auto* nbf = claims.if_contains("nbf")) {
        const auto t = number_of(*nbf);
        if (!t) return fail(errc::malformed);
        if (*t > hi) return fail(errc::not_yet_valid);
    }
    if (const auto* exp = claims.if_contains("exp")) {
        const auto t = number_of(*exp);
        if (!t) return fail(errc::malformed);
        if (*t <= lo) return fail(errc::expired);
    }
    return {};
}

std::array<char, 36> uuid_v4(std::span<const std::uint8_t, 16> random) noexcept {
    constexpr char digits[] = "0123456789abcdef";
    std::array<std::uint8_t, 16> b;
    std::copy(random.begin(), random.end(), b.begin());
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10xx (RFC 9562 §4.1)
    std::array<char, 36> out;
    std::size_t o = 0;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = digits[b[i] >> 4];
        out[o++] = digits[b[i] & 0x0f];
    }
    return out;
}

result<void> append_claims_json(std::string& out, const json::object& claims, std::int64_t iat, std::int64_t exp,
                                std::string_view jti) {
    // Serialized member by member rather than through a copy of the object: encode is hot and
    // the claims can be large. The three claims next-auth sets are written last.
    json::serializer sr;
    out += '{';
    for (const auto& member : claims) {
        const auto key = member.key();
        if (key == "iat" || key == "exp" || key == "jti") continue;
        if (!readable_back(member.value(), 2)) return fail(errc::invalid_argument);
        // decode (as jose) refuses a token whose nbf is not a number (found by fuzz/authjs_jwt).
        if (key == "nbf" && !number_of(member.value())) return fail(errc::invalid_argument);
        sr.reset(key);
        drain(sr, out);
        out += ':';
        sr.reset(&member.value());
        drain(sr, out);
        out += ',';
    }
    out += R"("iat":)";
    append_int(out, iat);
    out += R"(,"exp":)";
    append_int(out, exp);
    out += R"(,"jti":)";
    sr.reset(json::string_view(jti.data(), jti.size()));
    drain(sr, out);
    out += '}';
    return {};
}

}  // namespace sesh::detail
