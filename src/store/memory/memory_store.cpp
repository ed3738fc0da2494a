// The `memory:` store: sessions in process memory, sharded by key hash, bounded by max_sessions.
#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <vector>

#include "store/backends.hpp"
#include "store/memory/packed_record.hpp"
#include "store/memory/revocation_list.hpp"
#include "store/memory/session_shard.hpp"

namespace sesh::detail {
namespace {

// 64 shards: with a few dozen threads two of them rarely want the same shard at once (the chance
// is about threads/64 per call, and each hold is one hash lookup), while the cost that grows
// with the count stays small: ~200 bytes of empty tables per shard, and list_user / erase_user
// visiting 64 user indexes (a hash lookup each, a few microseconds in all).
constexpr std::size_t shard_count = 64;

class memory_store final : public store {
public:
    explicit memory_store(const store_options& options)
        : clock_(options.clock != nullptr ? *options.clock : system_clock()),
          max_sessions_(options.max_sessions),
          max_data_bytes_(options.max_data_bytes) {
        shards_.reserve(shard_count);
        for (std::size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<session_shard>(live_));
    }

    result<std::optional<session_record>> get(std::string_view key) override {
        const memory_key k(key);
        return shard_for(k).get(k, now());
    }

    result<void> create(const session_record& r) override {
        if (r.data.size() > max_data_bytes_) return fail(errc::too_large);
        const memory_key k(r.key);
        const std::int64_t t = now();
        session_shard& shard = shard_for(k);
        if (!reserve(t)) {
            // A taken key is the more precise answer: the caller retries with a new token.
            return fail(shard.get(k, t) ? errc::already_exists : errc::store_full);
        }
        auto done = shard.create(r, k, t);
        if (!done) live_.fetch_sub(1, std::memory_order_relaxed);
        return done;
    }

    result<void> update(const session_record& r) override {
        if (r.data.size() > max_data_bytes_) return fail(errc::too_large);
        const memory_key k(r.key);
        return shard_for(k).update(r, k, now());
    }

    result<bool> touch(std::string_view key, clock::time_point last_seen, clock::time_point idle_expires) override {
        const memory_key k(key);
        return shard_for(k).touch(k, to_unix_ms(last_seen), to_unix_ms(idle_expires), now());
    }

    result<void> erase(std::string_view key) override {
        const memory_key k(key);
        shard_for(k).erase(k);
        return {};
    }

    result<std::vector<session_record>> list_user(std::string_view user_id) override {
        std::vector<session_record> out;
        if (user_id.empty()) return out;
        const std::int64_t t = now();
        for (auto& s : shards_) s->collect_user(user_id, t, out);
        std::sort(out.begin(), out.end(), [](const session_record& a, const session_record& b) {
            return a.created != b.created ? a.created < b.created : a.key < b.key;
        });
        return out;
    }

    result<std::size_t> erase_user(std::string_view user_id, std::string_view keep) override {
        if (user_id.empty()) return 0;
        std::optional<memory_key> kept;
        if (!keep.empty()) kept.emplace(keep);
        const std::int64_t t = now();
        std::size_t removed = 0;
        for (auto& s : shards_) removed += s->erase_user(user_id, kept, t);
        return removed;
    }

    result<void> deny(std::string_view jti, clock::time_point until) override {
        revocations_.deny(jti, to_unix_ms(until), now());
        return {};
    }

    result<void> set_not_before(std::string_view user_id, clock::time_point t) override {
        revocations_.set_not_before(user_id, to_unix_ms(t));
        return {};
    }

    result<bool> revoked(std::string_view jti, std::string_view user_id, clock::time_point issued_at) override {
        return revocations_.revoked(jti, user_id, to_unix_ms(issued_at), now());
    }

    result<std::size_t> purge_expired(std::size_t max) override {
        const std::int64_t t = now();
        revocations_.purge(t, max);
        // Start where the last call stopped, so a small `max` still reaches every shard in turn.
        const std::size_t start = purge_cursor_.fetch_add(1, std::memory_order_relaxed);
        std::size_t removed = 0;
        for (std::size_t i = 0; i < shard_count && removed < max; ++i)
            removed += shards_[(start + i) % shard_count]->purge(t, max - removed);
        return removed;
    }

private:
    [[nodiscard]] std::int64_t now() const noexcept { return to_unix_ms(clock_.now()); }
    [[nodiscard]] session_shard& shard_for(const memory_key& k) noexcept { return *shards_[k.hash % shard_count]; }

    // Takes one place under max_sessions for a create; when none is left, expired sessions are
    // purged first: only live sessions may make the store refuse (and none is ever evicted).
    [[nodiscard]] bool reserve(std::int64_t t) {
        if (live_.fetch_add(1, std::memory_order_relaxed) < max_sessions_) return true;
        live_.fetch_sub(1, std::memory_order_relaxed);
        for (auto& s : shards_) s->purge(t, std::numeric_limits<std::size_t>::max());
        if (live_.fetch_add(1, std::memory_order_relaxed) < max_sessions_) return true;
        live_.fetch_sub(1, std::memory_order_relaxed);
        return false;
    }

    const sesh::clock& clock_;
    const std::size_t max_sessions_;
    const std::size_t max_data_bytes_;
    std::atomic<std::size_t> live_{0};  // records held (live or expired but not yet freed)
    std::atomic<std::size_t> purge_cursor_{0};
    std::vector<std::unique_ptr<session_shard>> shards_;
    revocation_list revocations_;
};

}  // namespace

result<std::unique_ptr<store>> make_store(const memory_backend&, const store_options& options) {
    return std::unique_ptr<store>(std::make_unique<memory_store>(options));
}

}  // namespace sesh::detail
