// The memory store's compact session record: one allocation holding times, links and strings.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <sesh/store.hpp>

#include "core/unix_ms.hpp"

namespace sesh::detail {

/// A key as the memory store compares and hashes it. A 64-character lower-case hex key (the
/// SHA-256 store key of every opaque token) is held as its 32 raw bytes; any other string is
/// kept as text. Only lower-case hex is compacted, so a compact key re-encodes to exactly the
/// text it came from and "ABC…" stays a different key from "abc…".
struct memory_key {
    /// Views `text`, which must outlive the memory_key.
    explicit memory_key(std::string_view text) noexcept;

    bool compact = false;                ///< true when `raw` holds the key
    std::array<std::uint8_t, 32> raw{};  ///< the decoded key when compact
    std::string_view text;               ///< the key as given (always set)
    std::uint64_t hash = 0;              ///< shard and table hash
};

/// One stored session. The fixed fields below are followed in the same allocation by the key
/// (32 raw bytes when compact, else a varint length and the text), then user id, address, user
/// agent and data, each a varint length and its bytes. One allocation per session, no
/// std::string headers: at 1M sessions every 8 bytes here is 8 MB.
/// Not thread-safe: the owning shard's mutex guards every field.
class packed_record {
public:
    /// A new record holding `r`'s fields; free it with destroy(). `heap_index` and the user links
    /// are left for the shard to set.
    [[nodiscard]] static packed_record* make(const session_record& r, const memory_key& key);
    /// Frees a record made by make().
    static void destroy(packed_record* p) noexcept;
    /// Bytes make() would allocate for `r` (so an update of the same size can rewrite in place).
    [[nodiscard]] static std::size_t size_for(const session_record& r, const memory_key& key) noexcept;

    /// Rewrites this record with `r`'s fields; size_for(r, key) must equal size().
    void overwrite(const session_record& r, const memory_key& key) noexcept;
    /// The allocated size in bytes.
    [[nodiscard]] std::size_t size() const noexcept;

    /// True when this record's key equals `key`.
    [[nodiscard]] bool has_key(const memory_key& key) const noexcept;
    /// True when this record's key equals `other`'s.
    [[nodiscard]] bool same_key(const packed_record& other) const noexcept;
    /// The table hash of this record's key (memory_key::hash of its text).
    [[nodiscard]] std::uint64_t key_hash() const noexcept;
    [[nodiscard]] std::string_view user_id() const noexcept;
    /// The full record; `key_text` is the key as the caller spelled it (equal to the stored one).
    [[nodiscard]] session_record unpack(std::string_view key_text) const;
    /// The full record with the key re-encoded from storage (for list_user).
    [[nodiscard]] session_record unpack() const;

    /// The earlier of idle and absolute expiry, in ms.
    [[nodiscard]] std::int64_t expires_ms() const noexcept { return idle_expires < absolute_expires ? idle_expires : absolute_expires; }

    std::int64_t created = 0;           ///< ms since the epoch
    std::int64_t last_seen = 0;         ///< ms since the epoch
    std::int64_t idle_expires = 0;      ///< ms since the epoch
    std::int64_t absolute_expires = 0;  ///< ms since the epoch
    packed_record* prev_of_user = nullptr;  ///< the user's previous record in this shard (intrusive list)
    packed_record* next_of_user = nullptr;  ///< the user's next record in this shard
    std::uint32_t heap_index = 0;       ///< position in the shard's expiry heap

private:
    packed_record() = default;
    [[nodiscard]] const char* tail() const noexcept { return reinterpret_cast<const char*>(this) + sizeof(packed_record); }
    [[nodiscard]] char* tail() noexcept { return reinterpret_cast<char*>(this) + sizeof(packed_record); }
    /// The user id, address, user agent and data, in that order, after the key.
    [[nodiscard]] std::array<std::string_view, 4> strings() const noexcept;
    [[nodiscard]] std::string_view key_text_view() const noexcept;  ///< only when !compact_key_

    bool compact_key_ = false;
};

}  // namespace sesh::detail
