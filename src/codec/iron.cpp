// iron-session 8 seals: iron's Fe26.2 format as iron-webcrypto 1.2 writes and reads it.
//
// Fe26.2*<id>*<encSalt>*<iv>*<cipher>*<exp>*<macSalt>*<mac>~2. Both keys are
// PBKDF2-HMAC-SHA1(password, salt text, 1 iteration, 32 bytes), where a salt is 32 random bytes
// as 64 lower-case hex characters used as text (iron's generateKey). The HMAC-SHA256 covers the
// first six parts; iron-session appends `~2` after sealing, outside the MAC.
#include <sesh/iron.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <boost/json/serialize.hpp>
#include <openssl/crypto.h>

#include "codec/json_exact.hpp"
#include "codec/iron_passwords.hpp"
#include "core/buffered_random.hpp"
#include "core/crypto.hpp"
#include "core/unix_ms.hpp"
#include "core/utf8.hpp"

namespace sesh {

namespace json = boost::json;

struct iron_codec::impl {
    struct key {
        std::string id;
        // HMAC-SHA1 keyed by the password, precomputed once: the PBKDF2 PRF of both keys.
        detail::hmac prf;
    };
    std::vector<key> keys;
    std::size_t seal_key = 0;
    std::chrono::seconds ttl{};
    std::int64_t ttl_ms = 0;
    std::int64_t skew_ms = 0;
    std::size_t max_seal_bytes = 0;
    const sesh::clock* clock = nullptr;
    random_source* random = nullptr;

    [[nodiscard]] const key* find(std::string_view id) const noexcept {
        for (const auto& k : keys)
            if (k.id == id) return &k;
        return nullptr;
    }
};

namespace {

constexpr std::string_view mac_prefix = "Fe26.2";
// iron-session's currentMajorVersion, written after the seal with versionDelimiter "~".
constexpr std::string_view version_marker = "~2";
constexpr std::size_t salt_bytes = 32;  // iron's saltBits: 256
constexpr std::size_t iv_bytes = 16;
constexpr std::size_t iv_text_size = 22;   // base64url of 16 bytes
constexpr std::size_t mac_text_size = 43;  // base64url of 32 bytes
// JavaScript reads the expiry as a Number: keep it an exact integer there.
constexpr std::int64_t max_safe_integer = (std::int64_t{1} << 53) - 1;
constexpr std::int64_t max_duration_seconds = 1'000'000'000'000;
// Boost.JSON's default is 32; JSON.parse has no such limit and seals are authenticated before
// they are parsed, so allow what a real session might hold.
constexpr unsigned max_json_depth = 1000;

std::size_t base64url_size(std::size_t n) noexcept { return (n * 4 + 2) / 3; }

// PBKDF2-HMAC-SHA1 with one iteration and 32 bytes out (RFC 8018 §5.2), wiped when it goes out
// of scope. That is T1 || T2[0..12) with Ti = HMAC(password, salt || INT(i)); both blocks share
// the salt's compression (iron's 64-character salt is exactly one SHA-1 block), so it is done
// once and the HMAC state copied: two compressions fewer per key than detail::pbkdf2.
struct derived_key {
    std::array<std::uint8_t, 32> bytes;
    derived_key(const detail::hmac& prf, std::string_view salt) noexcept {
        static constexpr std::uint8_t block_1[4] = {0, 0, 0, 1}, block_2[4] = {0, 0, 0, 2};
        std::array<std::uint8_t, 20> t1, t2;
        auto first = prf.begin();
        first.update(as_bytes(salt));
        auto second = first;
        first.update(block_1);
        first.finish(t1.data());
        second.update(block_2);
        second.finish(t2.data());
        std::copy_n(t1.begin(), 20, bytes.begin());
        std::copy_n(t2.begin(), 12, bytes.begin() + 20);
        OPENSSL_cleanse(t1.data(), t1.size());
        OPENSSL_cleanse(t2.data(), t2.size());
    }
    ~derived_key() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
    derived_key(const derived_key&) = delete;
    derived_key& operator=(const derived_key&) = delete;
};

// HMAC-SHA256 of `base` under the key PBKDF2 derives from `salt`: iron's hmacWithPassword.
std::array<std::uint8_t, 32> mac_of(const detail::hmac& prf, std::string_view salt, std::string_view base) noexcept {
    const derived_key integrity(prf, salt);
    std::array<std::uint8_t, 32> mac;
    detail::hmac(detail::hash_alg::sha256, integrity.bytes).compute(as_bytes(base), mac.data());
    return mac;
}

// Per-thread buffers for the intermediate bytes, reused from call to call: a seal or unseal then
// allocates only its result (and a seal its JSON text).
struct scratch {
    bytes binary;
    bytes plain;
    std::string text;
    std::vector<const json::value*> stack;
};

scratch& thread_scratch() {
    thread_local scratch s;
    return s;
}

void append_hex(std::string& out, byte_view in) {
    constexpr char digits[] = "0123456789abcdef";
    for (const std::uint8_t b : in) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15]);
    }
}

// iron writes salts as lower-case hex; iron-webcrypto would take any text, but an empty one
// makes it draw a random salt (so nothing opens), and no peer writes anything but hex.
bool is_salt(std::string_view s) noexcept {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// iron accepts /^\d+$/ of any length and compares it as a Number; saturating keeps a long
// expiry (only a password holder can write one) "far in the future" here too.
bool parse_expiry(std::string_view text, std::int64_t& out) noexcept {
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    std::int64_t v = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
        const int d = c - '0';
        v = v > (max - d) / 10 ? max : v * 10 + d;
    }
    out = v;
    return !text.empty();
}

// Splits on '*' into exactly eight parts, as iron's `parts.length !== 8` check.
bool split_parts(std::string_view s, std::array<std::string_view, 8>& parts) noexcept {
    std::size_t start = 0;
    for (std::size_t i = 0; i < 7; ++i) {
        const std::size_t star = s.find('*', start);
        if (star == std::string_view::npos) return false;
        parts[i] = s.substr(start, star - start);
        start = star + 1;
    }
    parts[7] = s.substr(start);
    return parts[7].find('*') == std::string_view::npos;
}

bool is_non_finite(const json::value& v) noexcept { return v.is_double() && !std::isfinite(v.get_double()); }

// Caller data may nest deeply, so both walks keep their own stack instead of recursing.
bool has_non_finite(const json::value& root, std::vector<const json::value*>& stack) {
    stack.clear();
    stack.push_back(&root);
    while (!stack.empty()) {
        const json::value* v = stack.back();
        stack.pop_back();
        if (const auto* o = v->if_object()) {
            for (const auto& kv : *o) stack.push_back(&kv.value());
        } else if (const auto* a = v->if_array()) {
            for (const auto& e : *a) stack.push_back(&e);
        } else if (is_non_finite(*v)) {
            return true;
        }
    }
    return false;
}

void replace_non_finite(json::value& root) {
    std::vector<json::value*> stack{&root};
    while (!stack.empty()) {
        json::value* v = stack.back();
        stack.pop_back();
        if (auto* o = v->if_object()) {
            for (auto& kv : *o) stack.push_back(&kv.value());
        } else if (auto* a = v->if_array()) {
            for (auto& e : *a) stack.push_back(&e);
        } else if (is_non_finite(*v)) {
            *v = nullptr;
        }
    }
}

// The plaintext JSON.stringify would produce, up to number spelling. Boost.JSON 1.81 writes
// NaN and Infinity as bare words that JSON.parse rejects; JSON.stringify writes null for them.
std::string plaintext_of(const json::value& data) {
    if (!has_non_finite(data, thread_scratch().stack)) return json::serialize(data);
    json::value copy = data;
    replace_non_finite(copy);
    return json::serialize(copy);
}

// JavaScript's `{...value}` of the v1 `persistent` member: an object is copied, an array or a
// string becomes index keys (a string by UTF-16 code unit; the halves of an astral character,
// lone surrogates that UTF-8 cannot hold, become U+FFFD), anything else contributes nothing.
json::value spread(const json::value* v) {
    json::object out;
    if (!v) return out;
    if (const auto* o = v->if_object()) return *o;
    if (const auto* a = v->if_array()) {
        for (std::size_t i = 0; i < a->size(); ++i) out[std::to_string(i)] = (*a)[i];
    } else if (const auto* s = v->if_string()) {
        // Boost.JSON validated the UTF-8, so every character decodes (the max only guards the loop).
        const std::string_view text = s->subview();
        std::size_t index = 0;
        for (std::size_t i = 0; i < text.size();) {
            const std::size_t n = std::max<std::size_t>(detail::decode_utf8(text, i).length, 1);
            if (n == 4) {
                out[std::to_string(index++)] = "\xEF\xBF\xBD";
                out[std::to_string(index++)] = "\xEF\xBF\xBD";
            } else {
                out[std::to_string(index++)] = text.substr(i, n);
            }
            i += n;
        }
    }
    return out;
}

}  // namespace

result<iron_codec> iron_codec::create(iron_options options) {
    if (options.passwords.empty()) return fail(errc::invalid_argument);
    for (const auto& [id, password] : options.passwords) {
        const std::size_t length = detail::utf16_length(password);
        if (!detail::is_iron_password_id(id) || length == std::string_view::npos ||
            length < detail::iron_min_password_length)
            return fail(errc::invalid_argument);
    }
    const auto in_range = [](std::chrono::seconds s) { return s.count() >= 0 && s.count() <= max_duration_seconds; };
    if (!in_range(options.ttl) || !in_range(options.clock_skew) || options.max_seal_bytes == 0 ||
        options.max_seal_bytes > (std::size_t{1} << 30))
        return fail(errc::invalid_argument);

    auto p = std::make_shared<impl>();
    const std::string& seal_id = detail::iron_seal_id(options.passwords);
    p->keys.reserve(options.passwords.size());
    for (const auto& [id, password] : options.passwords) {
        if (id == seal_id) p->seal_key = p->keys.size();
        p->keys.push_back(impl::key{id, detail::hmac(detail::hash_alg::sha1, as_bytes(password))});
    }
    p->ttl = options.ttl;
    p->ttl_ms = options.ttl.count() * 1000;
    p->skew_ms = options.clock_skew.count() * 1000;
    p->max_seal_bytes = options.max_seal_bytes;
    p->clock = options.clock ? options.clock : &system_clock();
    // Salts and IVs are public and many: draw them through a buffer (see core/buffered_random.hpp).
    p->random = &detail::codec_random(options.random);
    return iron_codec(std::move(p));
}

result<std::string> iron_codec::seal(const json::value& data) const {
    const impl& m = *impl_;
    const impl::key& key = m.keys[m.seal_key];

    // iron: `ttl ? now + ttl : ""`.
    std::array<char, 24> exp_text{};
    std::size_t exp_size = 0;
    if (m.ttl_ms > 0) {
        const std::int64_t now = detail::to_unix_ms(m.clock->now());
        // A clock before 1970 would write "-…", which iron's /^\d+$/ refuses. The upper bound
        // cannot trip with a nanosecond system_clock and ttl <= 10^12 s; it keeps the invariant local.
        if (now < 0 || now > max_safe_integer - m.ttl_ms) return fail(errc::invalid_argument);
        exp_size = static_cast<std::size_t>(
            std::to_chars(exp_text.data(), exp_text.data() + exp_text.size(), now + m.ttl_ms).ptr - exp_text.data());
    }

    const std::string plain = plaintext_of(data);
    const std::size_t cipher_size = (plain.size() / 16 + 1) * 16;  // PKCS#7 always adds 1..16 bytes
    const std::size_t total = mac_prefix.size() + 1 + key.id.size() + 1 + 2 * salt_bytes + 1 + iv_text_size + 1 +
                              base64url_size(cipher_size) + 1 + exp_size + 1 + 2 * salt_bytes + 1 + mac_text_size +
                              version_marker.size();
    if (total > m.max_seal_bytes) return fail(errc::too_large);

    // One draw for everything: encryption salt, IV, MAC salt.
    std::array<std::uint8_t, 2 * salt_bytes + iv_bytes> random;
    m.random->fill(random);
    const byte_view enc_salt_raw{random.data(), salt_bytes};
    const byte_view iv{random.data() + salt_bytes, iv_bytes};
    const byte_view mac_salt_raw{random.data() + salt_bytes + iv_bytes, salt_bytes};

    std::string out;
    out.reserve(total);
    out.append(mac_prefix);
    out += '*';
    out.append(key.id);
    out += '*';
    const std::size_t enc_salt_at = out.size();
    append_hex(out, enc_salt_raw);
    bytes& cipher = thread_scratch().binary;
    cipher.resize(cipher_size);
    {
        const derived_key enc(key.prf, std::string_view(out).substr(enc_salt_at, 2 * salt_bytes));
        const auto n = detail::aes256_cbc_encrypt(enc.bytes, iv, as_bytes(plain), cipher.data());
        if (!n) return fail(n.error());
        cipher.resize(*n);
    }
    out += '*';
    base64url_append(out, iv);
    out += '*';
    base64url_append(out, cipher);
    out += '*';
    out.append(exp_text.data(), exp_size);

    const std::size_t mac_base_size = out.size();
    out += '*';
    const std::size_t mac_salt_at = out.size();
    append_hex(out, mac_salt_raw);
    const std::string_view text(out);
    const auto mac = mac_of(key.prf, text.substr(mac_salt_at, 2 * salt_bytes), text.substr(0, mac_base_size));
    out += '*';
    base64url_append(out, mac);
    out.append(version_marker);
    return out;
}

result<json::value> iron_codec::unseal(std::string_view sealed) const {
    const impl& m = *impl_;
    if (sealed.size() > m.max_seal_bytes) return fail(errc::too_large);

    // iron-session's parseSeal splits at '~'; see the header for the markers sesh refuses.
    bool versioned = false;
    if (const std::size_t tilde = sealed.find('~'); tilde != std::string_view::npos) {
        if (sealed.substr(tilde) != version_marker) return fail(errc::malformed);
        sealed.remove_suffix(version_marker.size());
        versioned = true;
    }

    std::array<std::string_view, 8> part;
    if (!split_parts(sealed, part)) return fail(errc::malformed);
    const auto [prefix, id, enc_salt, iv_text, cipher_text, exp_text, mac_salt, mac_text] = part;
    std::int64_t exp = 0;
    if (prefix != mac_prefix || !is_salt(enc_salt) || !is_salt(mac_salt) || iv_text.size() != iv_text_size ||
        mac_text.size() != mac_text_size || (!exp_text.empty() && !parse_expiry(exp_text, exp)))
        return fail(errc::malformed);

    // iron: `passwordId = passwordId || "default"`.
    const impl::key* key = m.find(id.empty() ? std::string_view("default") : id);
    if (!key) return fail(errc::unknown_key_id);

    scratch& s = thread_scratch();
    // iron compares the base64url text of the MAC, in fixed time; so does this.
    const std::size_t mac_base_size = static_cast<std::size_t>(exp_text.data() + exp_text.size() - sealed.data());
    s.text.clear();
    base64url_append(s.text, mac_of(key->prf, mac_salt, sealed.substr(0, mac_base_size)));
    if (!detail::constant_time_equal(as_bytes(s.text), as_bytes(mac_text))) return fail(errc::bad_mac);

    if (!exp_text.empty() && exp <= detail::to_unix_ms(m.clock->now()) - m.skew_ms) return fail(errc::expired);

    // The IV and the ciphertext share one buffer: IV first, then the ciphertext.
    s.binary.clear();
    if (!base64url_decode_append(s.binary, iv_text) || s.binary.size() != iv_bytes ||
        !base64url_decode_append(s.binary, cipher_text))
        return fail(errc::malformed);
    const byte_view iv{s.binary.data(), iv_bytes};
    const byte_view cipher{s.binary.data() + iv_bytes, s.binary.size() - iv_bytes};
    s.plain.resize(cipher.size());
    const derived_key enc(key->prf, enc_salt);
    const auto n = detail::aes256_cbc_decrypt(enc.bytes, iv, cipher, s.plain.data());
    if (!n) return fail(n.error());

    // iron: `if (decrypted) return JSON.parse(decrypted); return null`; then iron-session's
    // `?? {}`.
    json::value data;
    if (*n > 0) {
        auto parsed = detail::parse_json_exact(std::string_view(reinterpret_cast<const char*>(s.plain.data()), *n),
                                               max_json_depth);
        OPENSSL_cleanse(s.plain.data(), *n);
        if (!parsed) return fail(parsed.error());
        data = std::move(*parsed);
    }
    if (data.is_null()) data = json::object();
    if (versioned) return data;
    // iron-session's unsealData: a seal without a version is v1, read as `{...data.persistent}`.
    const auto* object = data.if_object();
    return spread(object ? object->if_contains("persistent") : nullptr);
}

std::chrono::seconds iron_codec::cookie_max_age() const noexcept {
    // iron-session's computeCookieMaxAge: its fixed 60 s skew, not this codec's clock_skew.
    if (impl_->ttl.count() == 0) return std::chrono::seconds(2147483647);
    return std::max(impl_->ttl - std::chrono::seconds(60), std::chrono::seconds(0));
}

}  // namespace sesh
