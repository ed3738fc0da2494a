// Session records as text parameters and back, refusing rows that are not what we wrote.
#include "store/postgres/postgres_rows.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

#include <sesh/log.hpp>

#include "core/unix_ms.hpp"
#include "store/json_object.hpp"

namespace sesh::detail {
namespace {

enum pg_column : int { col_key, col_user_id, col_data, col_created, col_last_seen, col_idle_expires,
                       col_absolute_expires, col_expires, col_address, col_user_agent };

std::string_view pg_text(const PGresult* res, int row, int c) noexcept {
    return {PQgetvalue(res, row, c), static_cast<std::size_t>(PQgetlength(res, row, c))};
}

std::optional<std::int64_t> pg_int64(const PGresult* res, int row, int c) noexcept {
    const std::string_view t = pg_text(res, row, c);
    std::int64_t out = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (ec != std::errc() || p != t.data() + t.size()) return std::nullopt;
    return out;
}

std::optional<session_record> corrupt_row(const PGresult* res, int row, std::string_view why) {
    // 8 hex characters of the key find the row for an operator without putting a whole store key
    // (a hash of a live token) in the log.
    sesh::logger()->warn("postgres store: session {}… is corrupt ({}); treated as absent",
                         pg_text(res, row, col_key).substr(0, 8), why);
    return std::nullopt;
}

}  // namespace

std::vector<std::string> record_params(const session_record& r) {
    return {r.key,
            r.user_id,
            r.data,
            std::to_string(to_unix_ms(r.created)),
            std::to_string(to_unix_ms(r.last_seen)),
            std::to_string(to_unix_ms(r.idle_expires)),
            std::to_string(to_unix_ms(r.absolute_expires)),
            std::to_string(to_unix_ms(r.expires())),
            r.address,
            r.user_agent};
}

std::optional<session_record> read_record(const PGresult* res, int row) {
    // The columns are NOT NULL; a NULL here is a hand-made row.
    for (int c = col_key; c <= col_user_agent; ++c)
        if (PQgetisnull(res, row, c) != 0) return corrupt_row(res, row, "a column is NULL");
    session_record r;
    std::array<clock::time_point*, 4> times = {&r.created, &r.last_seen, &r.idle_expires, &r.absolute_expires};
    for (int c = col_created; c <= col_absolute_expires; ++c) {
        const auto ms = pg_int64(res, row, c);
        const auto t = ms ? from_unix_ms(*ms) : std::nullopt;
        if (!t) return corrupt_row(res, row, "a time is out of range");
        *times[static_cast<std::size_t>(c - col_created)] = *t;
    }
    // Queries test expires_ms; the record's own expiry must agree, or a row could be served
    // after its parts say it ended.
    if (pg_int64(res, row, col_expires) != to_unix_ms(r.expires())) return corrupt_row(res, row, "expires_ms disagrees");
    const std::string_view json = pg_text(res, row, col_data);
    if (!is_json_object(json)) return corrupt_row(res, row, "data is not a JSON object");
    r.key = pg_text(res, row, col_key);
    r.user_id = pg_text(res, row, col_user_id);
    r.data = json;
    r.address = pg_text(res, row, col_address);
    r.user_agent = pg_text(res, row, col_user_agent);
    return r;
}

}  // namespace sesh::detail
