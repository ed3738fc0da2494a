// next-auth's cookie chunking (SessionStore): split on write, join on read, clear stale chunks.
#include <sesh/cookie.hpp>

#include <algorithm>
#include <limits>

namespace sesh {
namespace {

constexpr std::size_t no_index = std::numeric_limits<std::size_t>::max();

// The N of `base.N` (leading zeros allowed, as next-auth's parseInt reads them), no_index for a
// suffix too long to be a real index, or nothing when `name` is not a chunk name at all.
std::optional<std::size_t> chunk_index(std::string_view name, std::string_view base) noexcept {
    if (base.empty() || name.size() < base.size() + 2 || !name.starts_with(base) || name[base.size()] != '.')
        return std::nullopt;
    const std::string_view digits = name.substr(base.size() + 1);
    std::size_t n = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        // A header of max_header_bytes cannot hold a billion chunks: saturate, never overflow.
        n = n < 100'000'000 ? n * 10 + static_cast<std::size_t>(c - '0') : no_index;
    }
    return n;
}

// A browser replaces a cookie only with one of the same name, Path and Domain (RFC 6265 §5.3
// step 11), so the deletion copies every attribute of `like` but the value and the lifetime.
set_cookie deletion_of(const set_cookie& like, std::string_view name) {
    set_cookie d = like;
    d.name = name;
    d.value = std::string();
    d.max_age = std::chrono::seconds{0};
    d.expires = std::chrono::system_clock::time_point{};  // the epoch, for agents without Max-Age
    return d;
}

bool has_name(const std::vector<set_cookie>& list, std::string_view name) noexcept {
    return std::any_of(list.begin(), list.end(), [&](const set_cookie& c) { return c.name == name; });
}

// Appends a deletion for every chunk of `like.name` in `seen` that `out` does not name yet.
void append_deletions(std::vector<set_cookie>& out, const set_cookie& like, const std::vector<cookie>& seen) {
    for (const auto& c : seen)
        if (is_chunk_of(c.name, like.name) && !has_name(out, c.name)) out.push_back(deletion_of(like, c.name));
}

}  // namespace

// next-auth collects every cookie whose name merely starts with the base name, so a neighbour
// such as `next-auth.session-tokenX` (or `next-auth.session-token-legacy`) would be glued into the
// session token on read and deleted on write. Only `base` and `base.<digits>` are names a chunked
// value can use, so only those are taken.
bool is_chunk_of(std::string_view name, std::string_view base) noexcept {
    if (base.empty()) return false;
    return name == base || chunk_index(name, base).has_value();
}

std::optional<std::string> join_chunks(const std::vector<cookie>& cookies, std::string_view base) {
    std::size_t count = 0;
    std::size_t highest = 0;
    for (const auto& c : cookies)
        if (const auto i = chunk_index(c.name, base)) {
            ++count;
            highest = std::max(highest, *i);
        }
    if (count == 0) {
        const auto whole = find_cookie(cookies, base);
        return whole ? std::optional<std::string>(std::in_place, *whole) : std::nullopt;
    }
    // Exactly one chunk for each of 0 … count-1, or the value is not one a writer produced.
    if (highest != count - 1) return std::nullopt;
    std::vector<const cookie*> parts(count, nullptr);
    std::size_t total = 0;
    for (const auto& c : cookies)
        if (const auto i = chunk_index(c.name, base)) {
            if (parts[*i]) return std::nullopt;  // `base.1` and `base.01`: which one?
            parts[*i] = &c;
            total += c.value.size();
        }
    std::string out;
    out.reserve(total);
    for (const cookie* p : parts) out += p->value;
    return out;
}

std::vector<set_cookie> chunk_cookie(const set_cookie& whole, const std::vector<cookie>& seen) {
    std::vector<set_cookie> out;
    const std::size_t size = whole.value.size();
    if (size <= cookie_chunk_size) {
        // Also for an empty value, where next-auth's ceil(0 / CHUNK_SIZE) = 0 writes no cookie at
        // all: the caller asked for a cookie, so it gets one.
        out.push_back(whole);
    } else {
        // next-auth: chunkCount = ceil(length / CHUNK_SIZE), chunk i = value.substr(i * CHUNK_SIZE,
        // CHUNK_SIZE). Cookie values are ASCII, so its UTF-16 length is our byte length.
        const std::size_t n = (size + cookie_chunk_size - 1) / cookie_chunk_size;
        out.reserve(n);
        set_cookie like = whole;
        like.value.clear();
        for (std::size_t i = 0; i < n; ++i) {
            set_cookie& part = out.emplace_back(like);
            part.name += '.';
            part.name += std::to_string(i);
            part.value.assign(whole.value, i * cookie_chunk_size, cookie_chunk_size);
        }
    }
    append_deletions(out, whole, seen);
    return out;
}

std::vector<set_cookie> clear_chunks(const set_cookie& like, const std::vector<cookie>& seen) {
    std::vector<set_cookie> out;
    append_deletions(out, like, seen);
    return out;
}

}  // namespace sesh
