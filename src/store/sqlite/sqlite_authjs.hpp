// The database strategy's sessions in a SQLite store: rows of Auth.js's `sessions` table (with
// sesh_authjs_extras beside them) read and written for the keys of store/authjs_sessions.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <sesh/store.hpp>

#include "store/authjs_sessions.hpp"
#include "store/sqlite/sqlite_pool.hpp"

namespace sesh::detail {

/// The store calls for `authjs:` and `authjs-token:` keys, as the PostgreSQL store answers them
/// (its statements, postgres_queries.hpp, are the reference). Times are Unix milliseconds of the
/// store's clock; `now` decides what is live (next-auth's `expires >= now`).
class sqlite_authjs {
public:
    explicit sqlite_authjs(sqlite_pool& pool) noexcept : pool_(pool) {}

    /// The live row holding `token`; an expired one is deleted as it is read (next-auth's
    /// session route does), and answers nothing.
    [[nodiscard]] result<std::optional<session_record>> get(std::string_view token, std::int64_t now);
    /// A new row for `r` (its key `authjs-token:TOKEN`, a user id required), and its extras.
    [[nodiscard]] result<void> create(const session_record& r);
    /// The live row `key` names: its expires and extras; errc::not_found when it is not live.
    [[nodiscard]] result<void> update(std::string_view key, const session_record& r, std::int64_t now);
    /// Moves a live row's expires forward (true), or finds it renewed already (false);
    /// errc::not_found when it is gone.
    [[nodiscard]] result<bool> touch(std::string_view key, std::int64_t last_seen, std::int64_t expires,
                                     std::int64_t now);
    [[nodiscard]] result<void> erase(std::string_view key);
    /// Appends the user's live rows to `out`, oldest first.
    [[nodiscard]] result<void> list_user(std::string_view user_id, std::int64_t now, std::vector<session_record>& out);
    /// Deletes the user's rows but `keep`; answers how many were live.
    [[nodiscard]] result<std::size_t> erase_user(std::string_view user_id, std::string_view keep, std::int64_t now);
    /// On the writer, inside the store's purge: up to `max` expired rows, and the extras of
    /// rows that are gone (a next-auth app's deleteSession does not know them). Uncounted.
    [[nodiscard]] static result<void> purge(sqlite_connection& c, std::int64_t now, std::int64_t max);

private:
    sqlite_pool& pool_;
};

}  // namespace sesh::detail
