// Binding session records and reading them back, refusing rows that are not what we wrote.
#include "store/sqlite/sqlite_rows.hpp"

#include <array>
#include <string_view>

#include <sesh/log.hpp>

#include "store/json_object.hpp"

namespace sesh::detail {
namespace {

enum column : int { key, user_id, data, created, last_seen, idle_expires, absolute_expires, expires, address,
                    user_agent };

std::string_view text_at(sqlite3_stmt* s, int c) noexcept {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s, c))) : std::string_view();
}

std::optional<session_record> corrupt(sqlite3_stmt* s, std::string_view why) {
    // 8 hex characters of the key find the row for an operator without putting a whole store key
    // (a hash of a live token) in the log.
    const std::string_view k = sqlite3_column_type(s, key) == SQLITE_TEXT ? text_at(s, key) : "?";
    sesh::logger()->warn("sqlite store: session {}… is corrupt ({}); treated as absent", k.substr(0, 8), why);
    return std::nullopt;
}

}  // namespace

void bind_record(sqlite_use& q, const session_record& r) noexcept {
    q.bind(1, r.key);
    q.bind(2, r.user_id);
    q.bind(3, r.data);
    q.bind(4, to_unix_ms(r.created));
    q.bind(5, to_unix_ms(r.last_seen));
    q.bind(6, to_unix_ms(r.idle_expires));
    q.bind(7, to_unix_ms(r.absolute_expires));
    q.bind(8, to_unix_ms(r.expires()));
    q.bind(9, r.address);
    q.bind(10, r.user_agent);
}

std::optional<session_record> read_record(sqlite3_stmt* s) {
    for (int c : {key, user_id, data, address, user_agent})
        if (sqlite3_column_type(s, c) != SQLITE_TEXT) return corrupt(s, "a text column holds another type");
    for (int c : {created, last_seen, idle_expires, absolute_expires, expires})
        if (sqlite3_column_type(s, c) != SQLITE_INTEGER) return corrupt(s, "a time column is not an integer");

    session_record r;
    std::array<clock::time_point*, 4> times = {&r.created, &r.last_seen, &r.idle_expires, &r.absolute_expires};
    for (int c = created; c <= absolute_expires; ++c) {
        const auto t = from_unix_ms(sqlite3_column_int64(s, c));
        if (!t) return corrupt(s, "a time is out of range");
        *times[static_cast<std::size_t>(c - created)] = *t;
    }
    // Queries test expires_ms; the record's own expiry must agree, or a row could be served
    // after its parts say it ended.
    if (sqlite3_column_int64(s, expires) != to_unix_ms(r.expires())) return corrupt(s, "expires_ms disagrees");
    const std::string_view json = text_at(s, data);
    if (!is_json_object(json)) return corrupt(s, "data is not a JSON object");

    r.key = text_at(s, key);
    r.user_id = text_at(s, user_id);
    r.data = json;
    r.address = text_at(s, address);
    r.user_agent = text_at(s, user_agent);
    return r;
}

}  // namespace sesh::detail
