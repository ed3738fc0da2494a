// jwt_engine: a claims set to a compact JWE under the first key, and a token back to its checked
// claims, choosing the key as next-auth 4 or Auth.js does.
#include "codec/jwe.hpp"

#include "codec/json_exact.hpp"

namespace sesh::detail {
namespace {

namespace json = boost::json;

// Length of the unpadded base64url form of n bytes, and of the bytes behind n characters.
constexpr std::size_t b64_size(std::size_t n) noexcept { return (n * 4 + 2) / 3; }
constexpr std::size_t raw_size(std::size_t n) noexcept { return n * 3 / 4; }

std::int64_t unix_seconds(const sesh::clock& c) noexcept {
    return std::chrono::floor<std::chrono::seconds>(c.now().time_since_epoch()).count();
}

}  // namespace

result<std::string> jwt_engine::encode(const json::object& claims) const {
    const jwe_key& key = keys.front();
    const std::int64_t now = unix_seconds(*clock);

    // One draw for both the IV and the jti.
    std::array<std::uint8_t, 32> rnd;
    random->fill(rnd);
    const auto jti = uuid_v4(std::span<const std::uint8_t, 16>(rnd.data() + 16, 16));

    std::string plain;
    plain.reserve(512);
    if (auto r = append_claims_json(plain, claims, now, now + max_age.count(), {jti.data(), jti.size()}); !r)
        return fail(r.error());

    const std::size_t cipher_size =
        key.enc() == jwe_enc::a256gcm ? plain.size() : (plain.size() / 16 + 1) * 16;  // PKCS#7 always pads
    const std::string& header = key.header_b64();
    const std::size_t total = header.size() + 4 + b64_size(jwe_iv_size(key.enc())) + b64_size(cipher_size) +
                              b64_size(jwe_tag_size(key.enc()));
    if (total > max_token_bytes) return fail(errc::too_large);

    std::string out;
    out.reserve(total);
    out += header;
    out += '.';  // the encrypted key is empty for "dir" (RFC 7516 §5.1 step 5)
    if (auto r = key.seal(plain, {rnd.data(), jwe_iv_size(key.enc())}, header, out); !r) return fail(r.error());
    return out;
}

result<json::object> jwt_engine::decode(std::string_view token) const {
    if (token.size() > max_token_bytes) return fail(errc::too_large);
    auto parts = split_compact(token);
    if (!parts) return fail(parts.error());

    // Tokens sesh or its peer made carry one of our keys' headers byte for byte: no JSON then.
    const jwe_key* known = nullptr;
    for (const auto& k : keys) {
        if (k.header_b64() == parts->protected_header) {
            known = &k;
            break;
        }
    }
    jwe_header header;  // parsed only when no known header matched
    std::optional<std::string_view> kid;
    if (known) {
        header.enc = known->enc();
        if (!known->kid().empty()) kid = known->kid();
    } else {
        auto h = parse_protected_header(parts->protected_header, accepted);
        if (!h) return fail(h.error());
        header = std::move(*h);
        if (header.kid) kid = *header.kid;
    }
    // RFC 7518 §4.5: with "dir" the JWE Encrypted Key is the empty octet sequence.
    if (!parts->encrypted_key.empty()) return fail(errc::malformed);

    // The one key Auth.js would pick (by kid, or its first secret), or every key (next-auth 4 plus
    // sesh's rotation); they are all tried below in order.
    const jwe_key* only = nullptr;
    if (select_by_kid) {
        for (const auto& k : keys) {
            if (k.enc() != header.enc) continue;
            if (!kid || k.kid() == *kid) {
                only = &k;
                break;
            }
        }
        if (!only) return fail(kid ? errc::unknown_key_id : errc::unsupported_algorithm);
    }

    // IV, ciphertext, tag and room for the plaintext, decoded into one buffer.
    const std::size_t iv_n = raw_size(parts->iv.size()), ct_n = raw_size(parts->ciphertext.size()),
                      tag_n = raw_size(parts->tag.size());
    bytes buf;
    buf.reserve(iv_n + tag_n + 2 * ct_n);
    if (!base64url_decode_append(buf, parts->iv) || !base64url_decode_append(buf, parts->ciphertext) ||
        !base64url_decode_append(buf, parts->tag))
        return fail(errc::malformed);
    if (iv_n != jwe_iv_size(header.enc) || tag_n != jwe_tag_size(header.enc) || ct_n == 0)
        return fail(errc::malformed);
    buf.resize(iv_n + ct_n + tag_n + ct_n);
    const byte_view iv(buf.data(), iv_n), cipher(buf.data() + iv_n, ct_n), tag(buf.data() + iv_n + ct_n, tag_n);
    std::uint8_t* plain = buf.data() + iv_n + ct_n + tag_n;

    result<std::size_t> opened = fail(errc::bad_mac);
    for (const auto& k : keys) {
        if (only ? &k != only : k.enc() != header.enc) continue;
        opened = k.open(iv, cipher, tag, parts->protected_header, plain);
        if (opened || opened.error() != make_error_code(errc::bad_mac)) break;
    }
    if (!opened) return fail(opened.error());

    // The exact parser, as JSON.parse reads numbers: Boost.JSON 1.81 may round a double's last
    // bit wrong, so a claim would not survive encode then decode (found by fuzz/nextauth_jwt).
    auto v = parse_json_exact(std::string_view(reinterpret_cast<const char*>(plain), *opened), jwt_max_json_depth);
    // RFC 7519 §7.2 step 10: the claims set is a JSON object.
    if (!v || !v->is_object()) return fail(errc::malformed);
    json::object claims = std::move(v->get_object());

    if (auto r = check_time_claims(claims, unix_seconds(*clock), clock_skew.count()); !r) return fail(r.error());

    // jose's jwtDecrypt: a header that replicates iss, sub or aud (RFC 7519 §5.3) must agree
    // with the claim. Only a parsed header can hold them.
    if (!header.parsed.empty()) {
        for (const char* name : {"iss", "sub", "aud"}) {
            const auto* in_header = header.parsed.if_contains(name);
            if (!in_header) continue;
            const auto* in_claims = claims.if_contains(name);
            if (!in_claims || *in_claims != *in_header) return fail(errc::malformed);
        }
    }
    return claims;
}

}  // namespace sesh::detail
