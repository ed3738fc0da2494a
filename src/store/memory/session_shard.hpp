// One shard of the memory store: a mutex over a hash table of records, their expiry heap and the
// index from user id to the user's records in this shard.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_set.hpp>

#include <sesh/store.hpp>

#include "store/memory/packed_record.hpp"

namespace sesh::detail {

/// A slice of the memory store's sessions, chosen by key hash. Every method takes the shard's
/// mutex once and holds no other lock, so shards can never deadlock with each other. Times are
/// ms since the epoch (to_unix_ms); `now` is the caller's reading of the store's clock. A record is
/// live while now < expires_ms(). Thread-safe; cache-line aligned so neighbouring shards' mutexes
/// do not share a line.
class alignas(64) session_shard {
public:
    /// `live` counts records across all shards; the shard decrements it for each record it
    /// frees, the store increments it before create (see memory_store::reserve). Must outlive
    /// the shard.
    explicit session_shard(std::atomic<std::size_t>& live) noexcept : live_(live) {}
    ~session_shard();
    session_shard(const session_shard&) = delete;
    session_shard& operator=(const session_shard&) = delete;

    /// The live record under `key`, or nothing (an expired one is freed on the way).
    [[nodiscard]] std::optional<session_record> get(const memory_key& key, std::int64_t now);
    /// Inserts `r` (keyed `key`), replacing an expired record of the same key; errc::already_exists
    /// if a live one holds it. Frees up to two expired records first, so memory held by expired
    /// sessions drains even when nobody calls purge.
    [[nodiscard]] result<void> create(const session_record& r, const memory_key& key, std::int64_t now);
    /// Replaces the live record under `key` with `r`; errc::not_found if absent or expired.
    [[nodiscard]] result<void> update(const session_record& r, const memory_key& key, std::int64_t now);
    /// Sets last_seen and idle_expires if the stored last_seen is older; errc::not_found if absent
    /// or expired; true if it wrote.
    [[nodiscard]] result<bool> touch(const memory_key& key, std::int64_t last_seen, std::int64_t idle_expires,
                                     std::int64_t now);
    /// Frees the record under `key`, if any.
    void erase(const memory_key& key);
    /// Appends the live records of `user_id` in this shard to `out`.
    void collect_user(std::string_view user_id, std::int64_t now, std::vector<session_record>& out);
    /// Frees the records of `user_id` in this shard except the one keyed `keep` (if given);
    /// returns how many live ones it freed (expired ones go too, uncounted).
    std::size_t erase_user(std::string_view user_id, const std::optional<memory_key>& keep, std::int64_t now);
    /// Frees up to `max` expired records, earliest expiry first; returns how many.
    std::size_t purge(std::int64_t now, std::size_t max);

private:
    // The table holds one pointer per record and hashes through it: 8 bytes a slot instead of a
    // key copy. The pointer is mutable so update can swap in a reallocated record of the same key.
    struct record_slot {
        mutable packed_record* p;
    };
    struct record_hash {
        using is_transparent = void;
        std::size_t operator()(const record_slot& s) const noexcept { return s.p->key_hash(); }
        std::size_t operator()(const memory_key& k) const noexcept { return k.hash; }
    };
    struct record_eq {
        using is_transparent = void;
        bool operator()(const record_slot& a, const record_slot& b) const noexcept { return a.p->same_key(*b.p); }
        bool operator()(const record_slot& a, const memory_key& k) const noexcept { return a.p->has_key(k); }
        bool operator()(const memory_key& k, const record_slot& a) const noexcept { return a.p->has_key(k); }
    };
    // A user's records in this shard form a doubly linked list through the records; the index
    // holds only the head, so the user index costs 16 bytes a record plus one slot per user.
    struct user_slot {
        mutable packed_record* head;
    };
    struct user_hash {
        using is_transparent = void;
        std::size_t operator()(const user_slot& s) const noexcept { return (*this)(s.head->user_id()); }
        std::size_t operator()(std::string_view u) const noexcept { return std::hash<std::string_view>{}(u); }
    };
    struct user_eq {
        using is_transparent = void;
        bool operator()(const user_slot& a, const user_slot& b) const noexcept { return a.head->user_id() == b.head->user_id(); }
        bool operator()(const user_slot& a, std::string_view u) const noexcept { return a.head->user_id() == u; }
        bool operator()(std::string_view u, const user_slot& a) const noexcept { return a.head->user_id() == u; }
    };
    // Min-heap on `at`, one entry per record, with at <= the record's expiry: renewal only moves
    // expiry later, so it leaves the heap alone and purge re-files an entry whose record turns
    // out to be renewed. That keeps get/update/touch O(1); only an expiry moved earlier sifts.
    struct heap_entry {
        std::int64_t at;
        packed_record* r;
    };

    /// The table slot of the live record under `key` (valid until the table next changes), or
    /// null; an expired record found on the way is freed.
    [[nodiscard]] const record_slot* find_live(const memory_key& key, std::int64_t now);
    void insert_record(packed_record* p);
    void remove_record(packed_record* p) noexcept;
    void link_user(packed_record* p);
    void unlink_user(packed_record* p) noexcept;
    void replace_user_link(packed_record* old_p, packed_record* new_p) noexcept;
    void heap_push(packed_record* p);
    void heap_remove(packed_record* p) noexcept;
    void heap_lower(packed_record* p) noexcept;
    void heap_place(std::size_t i, heap_entry e) noexcept;
    void sift_up(std::size_t i) noexcept;
    void sift_down(std::size_t i) noexcept;
    std::size_t purge_locked(std::int64_t now, std::size_t max) noexcept;

    std::atomic<std::size_t>& live_;
    std::mutex mutex_;
    boost::unordered_flat_set<record_slot, record_hash, record_eq> records_;
    std::vector<heap_entry> heap_;
    boost::unordered_flat_set<user_slot, user_hash, user_eq> users_;
};

}  // namespace sesh::detail
