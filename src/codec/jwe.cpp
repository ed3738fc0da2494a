// The shared JWE/JWT engine: compact split, protected header checks, dir keys, claims building and checks.
#include "codec/jwe.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include <openssl/evp.h>

#include "codec/json_exact.hpp"
#include "core/cipher_pool.hpp"

namespace sesh::detail {
namespace {

namespace json = boost::json;

constexpr std::size_t gcm_iv_size = 12;   // RFC 7518 §5.3: 96-bit IV
constexpr std::size_t gcm_tag_size = 16;  // RFC 7518 §5.3: 128-bit tag
constexpr std::size_t cbc_iv_size = 16;   // RFC 7518 §5.2.2.1: 128-bit IV
constexpr std::size_t cbc_tag_size = 32;  // RFC 7518 §5.2.5: T_LEN = 32 for A256CBC-HS512

constexpr std::size_t iv_size(jwe_enc enc) noexcept { return enc == jwe_enc::a256gcm ? gcm_iv_size : cbc_iv_size; }
constexpr std::size_t tag_size(jwe_enc enc) noexcept { return enc == jwe_enc::a256gcm ? gcm_tag_size : cbc_tag_size; }

// Length of the unpadded base64url form of n bytes, and of the bytes behind n characters.
// Nesting bound for claims, both ways (boost::json's default is 32; sessions may nest a little
// deeper, and the parser keeps its own stack, so depth costs memory, not recursion).
constexpr std::size_t max_json_depth = 64;

constexpr std::size_t b64_size(std::size_t n) noexcept { return (n * 4 + 2) / 3; }
constexpr std::size_t raw_size(std::size_t n) noexcept { return n * 3 / 4; }

std::span<const std::uint8_t> bytes_of(const std::string& s) noexcept { return as_bytes(s); }
std::span<std::uint8_t> writable(std::string& s) noexcept {
    return {reinterpret_cast<std::uint8_t*>(s.data()), s.size()};
}

std::string_view view_of(const json::string& s) noexcept { return {s.data(), s.size()}; }

std::optional<jwe_enc> enc_from_name(std::string_view name) noexcept {
    if (name == "A256GCM") return jwe_enc::a256gcm;
    if (name == "A256CBC-HS512") return jwe_enc::a256cbc_hs512;
    return std::nullopt;
}

// A JSON number as the double JavaScript would see; nullopt for any other kind of value.
std::optional<double> number_of(const json::value& v) noexcept {
    if (const auto* i = v.if_int64()) return static_cast<double>(*i);
    if (const auto* u = v.if_uint64()) return static_cast<double>(*u);
    if (const auto* d = v.if_double()) return *d;
    return std::nullopt;
}

// True when `v` serializes to JSON that decode (and JSON.parse) reads back: boost::json writes a
// non-finite double as a bare Infinity or NaN, and decode refuses nesting past max_json_depth.
bool readable_back(const json::value& v, std::size_t depth) noexcept {
    if (const auto* d = v.if_double()) return std::isfinite(*d);
    if (!v.is_structured()) return true;
    if (depth > max_json_depth) return false;
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

// HMAC-SHA-512 over AAD || IV || ciphertext || AL, truncated to 32 bytes (RFC 7518 §5.2.2.1).
std::array<std::uint8_t, 64> cbc_tag(const hmac& mac, std::string_view aad, byte_view iv, byte_view cipher) noexcept {
    const std::uint64_t aad_bits = static_cast<std::uint64_t>(aad.size()) * 8;
    std::array<std::uint8_t, 8> al;
    for (int i = 0; i < 8; ++i) al[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(aad_bits >> (56 - 8 * i));
    std::array<std::uint8_t, 64> full;
    auto s = mac.begin();
    s.update(as_bytes(aad));
    s.update(iv);
    s.update(cipher);
    s.update(al);
    s.finish(full.data());
    return full;
}

}  // namespace

std::string_view jwe_enc_name(jwe_enc enc) noexcept {
    return enc == jwe_enc::a256gcm ? "A256GCM" : "A256CBC-HS512";
}

std::string oct_jwk_thumbprint(byte_view key) {
    // RFC 7638 §3.2: the required members of an "oct" JWK, in lexicographic order, no spaces.
    std::string jwk = R"({"k":")";
    base64url_append(jwk, key);
    jwk += R"(","kty":"oct"})";
    std::string out;
    if (key.size() == 64) {
        base64url_append(out, sha512(as_bytes(jwk)));
    } else {
        base64url_append(out, sha256(as_bytes(jwk)));
    }
    return out;
}

// ---- keys ----

jwe_key::jwe_key(jwe_enc enc, std::string kid) noexcept : enc_(enc), kid_(std::move(kid)) {}
jwe_key::jwe_key(jwe_key&&) noexcept = default;
jwe_key& jwe_key::operator=(jwe_key&&) noexcept = default;
jwe_key::~jwe_key() = default;

result<jwe_key> jwe_key::make(jwe_enc enc, byte_view key, std::string kid) {
    if (key.size() != jwe_key_size(enc)) return fail(errc::invalid_argument);
    jwe_key k(enc, std::move(kid));
    // RFC 7518 §5.2.2.1: for A256CBC-HS512 the first half is the MAC key, the second the ENC key.
    const byte_view enc_key = enc == jwe_enc::a256gcm ? key : key.subspan(32);
    const aes256_mode mode = enc == jwe_enc::a256gcm ? aes256_mode::gcm : aes256_mode::cbc;
    k.encrypt_ = cipher_pool::make(mode, enc_key, true);
    k.decrypt_ = cipher_pool::make(mode, enc_key, false);
    if (!k.encrypt_ || !k.decrypt_) return fail(errc::crypto_failure);
    if (enc == jwe_enc::a256cbc_hs512) k.mac_.emplace(hash_alg::sha512, key.first(32));

    std::string header = R"({"alg":"dir","enc":")";
    header += jwe_enc_name(enc);
    header += '"';
    if (!k.kid_.empty()) {
        header += R"(,"kid":)";
        header += json::serialize(json::string_view(k.kid_));
    }
    header += '}';
    base64url_append(k.header_b64_, as_bytes(header));
    return k;
}

result<void> jwe_key::seal(std::string& plain, byte_view iv, std::string_view aad, std::string& out) const {
    if (iv.size() != iv_size(enc_) || !fits_openssl_int(plain.size() + 16) || !fits_openssl_int(aad.size()))
        return fail(errc::invalid_argument);
    auto lease = encrypt_->take();
    if (!lease.restart(iv)) return fail(errc::crypto_failure);
    EVP_CIPHER_CTX* ctx = lease.get();
    std::array<std::uint8_t, 64> tag;
    int n = 0, m = 0;
    const int len = static_cast<int>(plain.size());
    if (enc_ == jwe_enc::a256gcm) {
        // In place: OpenSSL allows the output to be exactly the input.
        auto* p = writable(plain).data();
        if (EVP_EncryptUpdate(ctx, nullptr, &n, reinterpret_cast<const std::uint8_t*>(aad.data()),
                              static_cast<int>(aad.size())) != 1 ||
            EVP_EncryptUpdate(ctx, p, &n, p, len) != 1 || EVP_EncryptFinal_ex(ctx, p + n, &m) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, gcm_tag_size, tag.data()) != 1) {
            lease.discard();
            return fail(errc::crypto_failure);
        }
    } else {
        plain.resize(plain.size() + 16);  // room for the PKCS#7 block; encrypted in place as above
        auto* p = writable(plain).data();
        if (EVP_EncryptUpdate(ctx, p, &n, p, len) != 1 || EVP_EncryptFinal_ex(ctx, p + n, &m) != 1) {
            lease.discard();
            return fail(errc::crypto_failure);
        }
        plain.resize(static_cast<std::size_t>(n + m));
        tag = cbc_tag(*mac_, aad, iv, bytes_of(plain));
    }
    out += '.';
    base64url_append(out, iv);
    out += '.';
    base64url_append(out, bytes_of(plain));
    out += '.';
    base64url_append(out, {tag.data(), tag_size(enc_)});
    return {};
}

result<std::size_t> jwe_key::open(byte_view iv, byte_view cipher_text, byte_view tag, std::string_view aad,
                                  std::uint8_t* out) const {
    if (iv.size() != iv_size(enc_) || tag.size() != tag_size(enc_)) return fail(errc::malformed);
    if (!fits_openssl_int(cipher_text.size()) || !fits_openssl_int(aad.size())) return fail(errc::too_large);
    if (enc_ == jwe_enc::a256cbc_hs512) {
        // RFC 7518 §5.2.2.2: verify the tag first, in constant time, and only then decrypt, so bad
        // padding can never be told apart from a bad tag (no padding oracle).
        const auto expected = cbc_tag(*mac_, aad, iv, cipher_text);
        if (!constant_time_equal({expected.data(), cbc_tag_size}, tag)) return fail(errc::bad_mac);
        if (cipher_text.empty() || cipher_text.size() % 16 != 0) return fail(errc::malformed);
    }
    auto lease = decrypt_->take();
    if (!lease.restart(iv)) return fail(errc::crypto_failure);
    EVP_CIPHER_CTX* ctx = lease.get();
    int n = 0, m = 0;
    const int len = static_cast<int>(cipher_text.size());
    if (enc_ == jwe_enc::a256gcm) {
        if (EVP_DecryptUpdate(ctx, nullptr, &n, reinterpret_cast<const std::uint8_t*>(aad.data()),
                              static_cast<int>(aad.size())) != 1 ||
            EVP_DecryptUpdate(ctx, out, &n, cipher_text.data(), len) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, gcm_tag_size, const_cast<std::uint8_t*>(tag.data())) != 1) {
            lease.discard();
            return fail(errc::crypto_failure);
        }
        // A tag mismatch leaves the context reusable: the next message restarts it.
        if (EVP_DecryptFinal_ex(ctx, out + n, &m) != 1) return fail(errc::bad_mac);
        return cipher_text.size();
    }
    if (EVP_DecryptUpdate(ctx, out, &n, cipher_text.data(), len) != 1) {
        lease.discard();
        return fail(errc::crypto_failure);
    }
    // Bad PKCS#7 padding under a valid tag: the sender holds the key but made no valid token.
    if (EVP_DecryptFinal_ex(ctx, out + n, &m) != 1) return fail(errc::malformed);
    return static_cast<std::size_t>(n + m);
}

// ---- compact serialization and header ----

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

// ---- claims ----

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

// ---- the engine ----

result<std::string> jwt_engine::encode(const json::object& claims) const {
    const jwe_key& key = keys.front();
    const std::int64_t now = std::chrono::floor<std::chrono::seconds>(clock->now().time_since_epoch()).count();

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
    const std::size_t total =
        header.size() + 4 + b64_size(iv_size(key.enc())) + b64_size(cipher_size) + b64_size(tag_size(key.enc()));
    if (total > max_token_bytes) return fail(errc::too_large);

    std::string out;
    out.reserve(total);
    out += header;
    out += '.';  // the encrypted key is empty for "dir" (RFC 7516 §5.1 step 5)
    if (auto r = key.seal(plain, {rnd.data(), iv_size(key.enc())}, header, out); !r) return fail(r.error());
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
    if (iv_n != iv_size(header.enc) || tag_n != tag_size(header.enc) || ct_n == 0) return fail(errc::malformed);
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
    auto v = detail::parse_json_exact(std::string_view(reinterpret_cast<const char*>(plain), *opened), max_json_depth);
    // RFC 7519 §7.2 step 10: the claims set is a JSON object.
    if (!v || !v->is_object()) return fail(errc::malformed);
    json::object claims = std::move(v->get_object());

    const std::int64_t now = std::chrono::floor<std::chrono::seconds>(clock->now().time_since_epoch()).count();
    if (auto r = check_time_claims(claims, now, clock_skew.count()); !r) return fail(r.error());

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
