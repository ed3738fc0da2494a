// Auth.js's `sessions` rows in a SQLite file, for the database strategy (sqlite_authjs.hpp).
#include "store/sqlite/sqlite_authjs.hpp"

#include <charconv>

#include "store/sqlite/sqlite_rows.hpp"

namespace sesh::detail {
namespace {

// Columns after the ten session columns of authjs_get and authjs_list_user.
enum authjs_sqlite_column : int { col_sqlite_authjs_name = 10, col_sqlite_authjs_email, col_sqlite_authjs_image, col_sqlite_authjs_id };

// The rowid in an `authjs:ID` key; nothing for any other key (no row has it).
std::optional<std::int64_t> sqlite_authjs_id(std::string_view key) {
    if (!key.starts_with(authjs_id_prefix)) return std::nullopt;
    const auto digits = key.substr(authjs_id_prefix.size());
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return id;
}

std::optional<std::string_view> sqlite_authjs_profile(sqlite3_stmt* s, int c) {
    if (sqlite3_column_type(s, c) == SQLITE_NULL) return std::nullopt;
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
    return std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, c)));
}

std::optional<session_record> read_sqlite_authjs_record(sqlite3_stmt* s) {
    auto r = read_record(s);  // checks the session columns, and that data is an object
    if (!r) return r;
    if (!add_authjs_profile(*r, sqlite_authjs_profile(s, col_sqlite_authjs_name), sqlite_authjs_profile(s, col_sqlite_authjs_email),
                            sqlite_authjs_profile(s, col_sqlite_authjs_image)))
        return std::nullopt;
    return r;
}

// Steps a write statement once: the rows it changed, or errc::store_unavailable (logged).
result<int> authjs_step(sqlite_connection& c, sqlite_use& q, std::string_view what) {
    if (const int rc = q.step(); rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, what));
    return sqlite3_changes(c.db());
}

// The extras of row `id` go with it.
result<void> erase_authjs_extras(sqlite_connection& c, std::int64_t id) {
    sqlite_use q(c.statement(sqlite_query::authjs_erase_extras));
    q.bind(1, id);
    if (auto n = authjs_step(c, q, "authjs erase"); !n) return fail(n.error());
    return {};
}

}  // namespace

result<std::optional<session_record>> sqlite_authjs::get(std::string_view token, std::int64_t now) {
    std::int64_t expired = 0;
    {
        auto c = pool_.reader();
        sqlite_use q(c->statement(sqlite_query::authjs_get));
        q.bind(1, token);
        const int rc = q.step();
        if (rc == SQLITE_DONE) return std::nullopt;
        if (rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "authjs get"));
        if (sqlite3_column_int64(q.get(), 7) >= now) return read_sqlite_authjs_record(q.get());
        expired = sqlite3_column_int64(q.get(), col_sqlite_authjs_id);
    }  // the reader goes back before the writer is awaited
    // next-auth's session route deletes an expired row as it reads it. Only a token that names
    // an expired row costs a write; an unknown one costs a read.
    auto d = pool_.writer().write([&](sqlite_connection& c) -> result<void> {
        sqlite_use q(c.statement(sqlite_query::authjs_delete));
        q.bind(1, expired);
        q.bind(2, now);
        auto n = authjs_step(c, q, "authjs get");
        if (!n) return fail(n.error());
        if (*n > 0) return erase_authjs_extras(c, expired);
        return {};
    });
    if (!d) return fail(d.error());
    return std::nullopt;
}

result<void> sqlite_authjs::create(const session_record& r) {
    // Auth.js's sessions row needs a user ("userId" NOT NULL).
    if (r.user_id.empty()) return fail(errc::invalid_argument);
    const std::string_view token = std::string_view(r.key).substr(authjs_token_prefix.size());
    return pool_.writer().write([&](sqlite_connection& c) -> result<void> {
        {
            sqlite_use q(c.statement(sqlite_query::authjs_create));
            q.bind(1, token);
            q.bind(2, r.user_id);
            q.bind(3, to_unix_ms(r.expires()));
            const int rc = q.step();
            // A token some row holds already: only this statement is undone, not the batch.
            if ((rc & 0xff) == SQLITE_CONSTRAINT) return fail(errc::already_exists);
            if (rc != SQLITE_DONE) return fail(sqlite_failure(c.db(), rc, "authjs create"));
        }
        sqlite_use q(c.statement(sqlite_query::authjs_create_extras));
        q.bind(1, static_cast<std::int64_t>(sqlite3_last_insert_rowid(c.db())));
        q.bind(2, r.data);
        q.bind(3, to_unix_ms(r.created));
        q.bind(4, to_unix_ms(r.last_seen));
        q.bind(5, r.address);
        q.bind(6, r.user_agent);
        if (auto n = authjs_step(c, q, "authjs create"); !n) return fail(n.error());
        return {};
    });
}

result<void> sqlite_authjs::update(std::string_view key, const session_record& r, std::int64_t now) {
    const auto id = sqlite_authjs_id(key);
    if (!id) return fail(errc::not_found);
    return pool_.writer().write([&](sqlite_connection& c) -> result<void> {
        {
            sqlite_use q(c.statement(sqlite_query::authjs_update));
            q.bind(1, *id);
            q.bind(2, to_unix_ms(r.expires()));
            q.bind(3, now);
            auto n = authjs_step(c, q, "authjs update");
            if (!n) return fail(n.error());
            if (*n == 0) return fail(errc::not_found);
        }
        sqlite_use q(c.statement(sqlite_query::authjs_update_extras));
        q.bind(1, *id);
        q.bind(2, r.data);
        q.bind(3, to_unix_ms(r.created));
        q.bind(4, to_unix_ms(r.last_seen));
        q.bind(5, r.address);
        q.bind(6, r.user_agent);
        if (auto n = authjs_step(c, q, "authjs update"); !n) return fail(n.error());
        return {};
    });
}

result<bool> sqlite_authjs::touch(std::string_view key, std::int64_t last_seen, std::int64_t expires, std::int64_t now) {
    const auto id = sqlite_authjs_id(key);
    if (!id) return fail(errc::not_found);
    return pool_.writer().write([&](sqlite_connection& c) -> result<bool> {
        {
            sqlite_use q(c.statement(sqlite_query::authjs_touch));
            q.bind(1, *id);
            q.bind(2, expires);
            q.bind(3, now);
            auto n = authjs_step(c, q, "authjs touch");
            if (!n) return fail(n.error());
            if (*n == 1) {
                sqlite_use x(c.statement(sqlite_query::authjs_touch_extras));
                x.bind(1, *id);
                x.bind(2, last_seen);
                if (auto m = authjs_step(c, x, "authjs touch"); !m) return fail(m.error());
                return true;
            }
        }
        // Nothing written: renewed already by someone else, or gone (still the writer's turn).
        sqlite_use q(c.statement(sqlite_query::authjs_is_live));
        q.bind(1, *id);
        q.bind(2, now);
        const int rc = q.step();
        if (rc == SQLITE_ROW) return false;
        if (rc == SQLITE_DONE) return fail(errc::not_found);
        return fail(sqlite_failure(c.db(), rc, "authjs touch"));
    });
}

result<void> sqlite_authjs::erase(std::string_view key) {
    const auto id = sqlite_authjs_id(key);
    if (!id) return {};
    return pool_.writer().write([&](sqlite_connection& c) -> result<void> {
        {
            sqlite_use q(c.statement(sqlite_query::authjs_erase));
            q.bind(1, *id);
            if (auto n = authjs_step(c, q, "authjs erase"); !n) return fail(n.error());
        }
        return erase_authjs_extras(c, *id);
    });
}

result<void> sqlite_authjs::list_user(std::string_view user_id, std::int64_t now, std::vector<session_record>& out) {
    auto c = pool_.reader();
    sqlite_use q(c->statement(sqlite_query::authjs_list_user));
    q.bind(1, user_id);
    q.bind(2, now);
    for (;;) {
        const int rc = q.step();
        if (rc == SQLITE_DONE) return {};
        if (rc != SQLITE_ROW) return fail(sqlite_failure(c->db(), rc, "authjs list_user"));
        if (auto r = read_sqlite_authjs_record(q.get())) out.push_back(std::move(*r));
    }
}

result<std::size_t> sqlite_authjs::erase_user(std::string_view user_id, std::string_view keep, std::int64_t now) {
    return pool_.writer().write([&](sqlite_connection& c) -> result<std::size_t> {
        {
            sqlite_use q(c.statement(sqlite_query::authjs_erase_user_extras));
            q.bind(1, user_id);
            q.bind(2, keep);
            if (auto n = authjs_step(c, q, "authjs erase_user"); !n) return fail(n.error());
        }
        std::size_t live = 0;
        {
            sqlite_use q(c.statement(sqlite_query::authjs_erase_user_live));
            q.bind(1, user_id);
            q.bind(2, keep);
            q.bind(3, now);
            auto n = authjs_step(c, q, "authjs erase_user");
            if (!n) return fail(n.error());
            live = static_cast<std::size_t>(*n);
        }
        sqlite_use q(c.statement(sqlite_query::authjs_erase_user_rest));
        q.bind(1, user_id);
        q.bind(2, keep);
        if (auto n = authjs_step(c, q, "authjs erase_user"); !n) return fail(n.error());
        return live;
    });
}

result<void> sqlite_authjs::purge(sqlite_connection& c, std::int64_t now, std::int64_t max) {
    {
        sqlite_use q(c.statement(sqlite_query::authjs_purge));
        q.bind(1, now);
        q.bind(2, max);
        if (auto n = authjs_step(c, q, "purge"); !n) return fail(n.error());
    }
    sqlite_use q(c.statement(sqlite_query::authjs_purge_extras));
    q.bind(1, max);
    if (auto n = authjs_step(c, q, "purge"); !n) return fail(n.error());
    return {};
}

}  // namespace sesh::detail
