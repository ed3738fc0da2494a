// Rows of Auth.js's `sessions` (joined with `users` and sesh_authjs_extras) as session records.
#include "store/postgres/postgres_authjs.hpp"

#include "store/postgres/postgres_rows.hpp"

namespace sesh::detail {
namespace {

enum authjs_profile_column : int { col_authjs_name = 10, col_authjs_email = 11, col_authjs_image = 12 };

std::optional<std::string_view> pg_authjs_profile(const PGresult* res, int row, int c) {
    if (PQgetisnull(res, row, c) != 0) return std::nullopt;
    return std::string_view(PQgetvalue(res, row, c), static_cast<std::size_t>(PQgetlength(res, row, c)));
}

}  // namespace

std::optional<session_record> read_authjs_record(const PGresult* res, int row) {
    auto r = read_record(res, row);  // checks the session columns, and that data is an object
    if (!r) return r;
    if (!add_authjs_profile(*r, pg_authjs_profile(res, row, col_authjs_name), pg_authjs_profile(res, row, col_authjs_email),
                            pg_authjs_profile(res, row, col_authjs_image)))
        return std::nullopt;
    return r;
}

}  // namespace sesh::detail
