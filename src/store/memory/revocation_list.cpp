// Deny list and not-before map for the memory store (see revocation_list.hpp).
#include "store/memory/revocation_list.hpp"

#include <algorithm>

namespace sesh::detail {
namespace {

// std::push_heap builds a max-heap; ordering by "later first" turns it into a min-heap on until.
constexpr auto later = [](const auto& a, const auto& b) { return a.first > b.first; };

}  // namespace

void revocation_list::deny(std::string_view jti, std::int64_t until, std::int64_t now) {
    if (jti.empty() || until <= now) return;
    shard& s = shard_for(jti);
    std::lock_guard lock(s.mutex);
    purge_locked(s, now, 2);
    auto it = s.denied.find(jti);
    if (it == s.denied.end()) {
        s.denied.emplace(std::string(jti), until);
    } else if (it->second < until) {
        it->second = until;
    } else {
        return;
    }
    s.expiry_heap.emplace_back(until, std::string(jti));
    std::push_heap(s.expiry_heap.begin(), s.expiry_heap.end(), later);
}

void revocation_list::set_not_before(std::string_view user_id, std::int64_t t) {
    if (user_id.empty()) return;
    shard& s = shard_for(user_id);
    std::lock_guard lock(s.mutex);
    auto it = s.not_before.find(user_id);
    if (it == s.not_before.end()) {
        s.not_before.emplace(std::string(user_id), t);
    } else {
        it->second = std::max(it->second, t);
    }
}

bool revocation_list::revoked(std::string_view jti, std::string_view user_id, std::int64_t issued_at,
                              std::int64_t now) {
    if (!jti.empty()) {
        shard& s = shard_for(jti);
        std::lock_guard lock(s.mutex);
        if (auto it = s.denied.find(jti); it != s.denied.end() && now < it->second) return true;
    }
    if (!user_id.empty()) {
        shard& s = shard_for(user_id);
        std::lock_guard lock(s.mutex);
        if (auto it = s.not_before.find(user_id); it != s.not_before.end() && issued_at < it->second) return true;
    }
    return false;
}

std::size_t revocation_list::purge(std::int64_t now, std::size_t max) {
    std::size_t removed = 0;
    for (shard& s : shards_) {
        if (removed >= max) break;
        std::lock_guard lock(s.mutex);
        removed += purge_locked(s, now, max - removed);
    }
    return removed;
}

std::size_t revocation_list::purge_locked(shard& s, std::int64_t now, std::size_t max) {
    std::size_t removed = 0;
    while (removed < max && !s.expiry_heap.empty() && s.expiry_heap.front().first <= now) {
        std::pop_heap(s.expiry_heap.begin(), s.expiry_heap.end(), later);
        auto& [until, jti] = s.expiry_heap.back();
        if (auto it = s.denied.find(jti); it != s.denied.end() && it->second == until) {
            s.denied.erase(it);
            ++removed;
        }
        s.expiry_heap.pop_back();
    }
    return removed;
}

}  // namespace sesh::detail
