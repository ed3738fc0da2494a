// The Set-Cookie values a save or destroy sends: the token under the session cookie's name,
// chunked as next-auth chunks, and deletions for whatever the request carried that must go.
#include <algorithm>

#include "session/manager_impl.hpp"

namespace sesh::detail {

namespace {

// The request's cookies of this strategy, as the cookie.hpp helpers take them (names only).
std::vector<cookie> seen_of(const session_manager::impl& m, const std::vector<std::string>& chunks, bool base) {
    std::vector<cookie> seen;
    seen.reserve(chunks.size() + 1);
    if (base) seen.push_back({m.cookie.name, {}});
    for (const auto& n : chunks) seen.push_back({n, {}});
    return seen;
}

result<std::vector<std::string>> serialize_all(const std::vector<set_cookie>& list) {
    std::vector<std::string> out;
    out.reserve(list.size());
    for (const auto& c : list) {
        auto line = serialize(c);
        if (!line) return fail(line.error());
        out.push_back(std::move(*line));
    }
    return out;
}

}  // namespace

std::chrono::seconds session_ops::cookie_age(const impl& m, clock::time_point now,
                                             clock::time_point absolute_expires) noexcept {
    if (absolute_expires <= now) return std::chrono::seconds{0};
    const auto left = std::chrono::floor<std::chrono::seconds>(absolute_expires - now);
    return std::min(m.cookie_max_age, left);
}

result<std::vector<std::string>> session_ops::write_cookie(const impl& m, const session& s, std::string_view value,
                                                           std::chrono::seconds max_age) {
    set_cookie whole = m.cookie;
    whole.value = value;
    whole.max_age = max_age;
    // The common case, one cookie over one cookie: no list of seen names to build.
    if (s.seen_chunks_.empty() && (!m.chunking || value.size() <= cookie_chunk_size)) {
        auto line = serialize(whole);  // too_large past 4096 bytes: the no-chunking refusal
        if (!line) return fail(line.error());
        return std::vector<std::string>{std::move(*line)};
    }
    if (m.chunking) return serialize_all(chunk_cookie(whole, seen_of(m, s.seen_chunks_, s.saw_base_cookie_)));
    // Chunking off: the plain cookie replaces its chunks, which must go.
    std::vector<set_cookie> list{whole};
    for (auto& d : clear_chunks(whole, seen_of(m, s.seen_chunks_, false))) list.push_back(std::move(d));
    return serialize_all(list);
}

std::vector<std::string> session_ops::clear_cookies(const impl& m, const session& s, bool always_base) {
    auto list = clear_chunks(m.cookie, seen_of(m, s.seen_chunks_, always_base || s.saw_base_cookie_));
    // The template passed serialize at create(), and a deletion only empties the value: these
    // cannot fail, and one that somehow did is better skipped than failing a logout.
    std::vector<std::string> out;
    out.reserve(list.size());
    for (const auto& c : list)
        if (auto line = serialize(c)) out.push_back(std::move(*line));
    return out;
}

}  // namespace sesh::detail
