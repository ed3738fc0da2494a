// Packing a session_record into one allocation and back (see packed_record.hpp for the layout).
#include "store/memory/packed_record.hpp"

#include <cstring>
#include <functional>
#include <new>

namespace sesh::detail {
namespace {

// Lower-case hex digit values, -1 for anything else: every lookup decodes 64 of them.
constexpr std::array<signed char, 256> lower_hex_values = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'a' + 10);
    return t;
}();

int lower_hex_nibble(char c) noexcept { return lower_hex_values[static_cast<unsigned char>(c)]; }

constexpr char hex_digits[] = "0123456789abcdef";

std::size_t varint_size(std::size_t n) noexcept {
    std::size_t s = 1;
    while (n >= 0x80) {
        n >>= 7;
        ++s;
    }
    return s;
}

char* put_varint(char* out, std::size_t n) noexcept {
    while (n >= 0x80) {
        *out++ = static_cast<char>((n & 0x7f) | 0x80);
        n >>= 7;
    }
    *out++ = static_cast<char>(n);
    return out;
}

const char* get_varint(const char* in, std::size_t& n) noexcept {
    n = 0;
    for (int shift = 0;; shift += 7) {
        const auto b = static_cast<unsigned char>(*in++);
        n |= static_cast<std::size_t>(b & 0x7f) << shift;
        if (b < 0x80) return in;
    }
}

char* put_string(char* out, std::string_view s) noexcept {
    out = put_varint(out, s.size());
    if (!s.empty()) std::memcpy(out, s.data(), s.size());
    return out + s.size();
}

const char* get_string(const char* in, std::string_view& s) noexcept {
    std::size_t n = 0;
    in = get_varint(in, n);
    s = std::string_view(in, n);
    return in + n;
}

std::size_t string_size(std::string_view s) noexcept { return varint_size(s.size()) + s.size(); }

std::size_t key_size(const memory_key& key) noexcept { return key.compact ? key.raw.size() : string_size(key.text); }

}  // namespace

memory_key::memory_key(std::string_view t) noexcept : text(t) {
    if (t.size() == 2 * raw.size()) {
        compact = true;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            const int hi = lower_hex_nibble(t[2 * i]);
            const int lo = lower_hex_nibble(t[2 * i + 1]);
            if ((hi | lo) < 0) {
                compact = false;
                break;
            }
            raw[i] = static_cast<std::uint8_t>((hi << 4) | lo);
        }
    }
    if (compact) {
        // The key is a SHA-256 output: its first 8 bytes are already uniformly spread.
        std::memcpy(&hash, raw.data(), sizeof hash);
    } else {
        hash = std::hash<std::string_view>{}(t);
    }
}

std::size_t packed_record::size_for(const session_record& r, const memory_key& key) noexcept {
    return sizeof(packed_record) + key_size(key) + string_size(r.user_id) + string_size(r.address) +
           string_size(r.user_agent) + string_size(r.data);
}

packed_record* packed_record::make(const session_record& r, const memory_key& key) {
    void* mem = ::operator new(size_for(r, key));
    auto* p = new (mem) packed_record();
    p->overwrite(r, key);
    return p;
}

void packed_record::destroy(packed_record* p) noexcept {
    if (p == nullptr) return;
    p->~packed_record();
    ::operator delete(static_cast<void*>(p));
}

void packed_record::overwrite(const session_record& r, const memory_key& key) noexcept {
    created = to_unix_ms(r.created);
    last_seen = to_unix_ms(r.last_seen);
    idle_expires = to_unix_ms(r.idle_expires);
    absolute_expires = to_unix_ms(r.absolute_expires);
    compact_key_ = key.compact;
    char* out = tail();
    if (key.compact) {
        std::memcpy(out, key.raw.data(), key.raw.size());
        out += key.raw.size();
    } else {
        out = put_string(out, key.text);
    }
    out = put_string(out, r.user_id);
    out = put_string(out, r.address);
    out = put_string(out, r.user_agent);
    put_string(out, r.data);
}

std::string_view packed_record::key_text_view() const noexcept {
    std::string_view s;
    get_string(tail(), s);
    return s;
}

std::array<std::string_view, 4> packed_record::strings() const noexcept {
    const char* in = tail();
    if (compact_key_) {
        in += 32;
    } else {
        std::string_view skipped;
        in = get_string(in, skipped);
    }
    std::array<std::string_view, 4> out;
    for (auto& s : out) in = get_string(in, s);
    return out;
}

std::size_t packed_record::size() const noexcept {
    const auto s = strings();
    return static_cast<std::size_t>(s[3].data() + s[3].size() - reinterpret_cast<const char*>(this));
}

bool packed_record::has_key(const memory_key& key) const noexcept {
    if (key.compact != compact_key_) return false;
    if (compact_key_) return std::memcmp(tail(), key.raw.data(), key.raw.size()) == 0;
    return key_text_view() == key.text;
}

bool packed_record::same_key(const packed_record& other) const noexcept {
    if (compact_key_ != other.compact_key_) return false;
    if (compact_key_) return std::memcmp(tail(), other.tail(), 32) == 0;
    return key_text_view() == other.key_text_view();
}

std::uint64_t packed_record::key_hash() const noexcept {
    std::uint64_t h = 0;
    if (compact_key_) {
        std::memcpy(&h, tail(), sizeof h);
    } else {
        h = std::hash<std::string_view>{}(key_text_view());
    }
    return h;
}

std::string_view packed_record::user_id() const noexcept {
    const char* in = tail();
    std::string_view s;
    if (compact_key_) {
        in += 32;
    } else {
        in = get_string(in, s);
    }
    get_string(in, s);
    return s;
}

session_record packed_record::unpack(std::string_view key_text) const {
    const auto s = strings();
    session_record r;
    r.key.assign(key_text);
    r.user_id.assign(s[0]);
    r.address.assign(s[1]);
    r.user_agent.assign(s[2]);
    r.data.assign(s[3]);
    r.created = from_unix_ms(created).value_or(clock::time_point::max());
    r.last_seen = from_unix_ms(last_seen).value_or(clock::time_point::max());
    r.idle_expires = from_unix_ms(idle_expires).value_or(clock::time_point::max());
    r.absolute_expires = from_unix_ms(absolute_expires).value_or(clock::time_point::max());
    return r;
}

session_record packed_record::unpack() const {
    if (!compact_key_) return unpack(key_text_view());
    std::string key(64, '\0');
    const auto* raw = reinterpret_cast<const unsigned char*>(tail());
    for (std::size_t i = 0; i < 32; ++i) {
        key[2 * i] = hex_digits[raw[i] >> 4];
        key[2 * i + 1] = hex_digits[raw[i] & 15];
    }
    return unpack(key);
}

}  // namespace sesh::detail
