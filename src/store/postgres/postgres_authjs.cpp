// Rows of Auth.js's `sessions` (joined with `users` and sesh_authjs_extras) as session records.
#include "store/postgres/postgres_authjs.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/postgres/postgres_rows.hpp"

namespace sesh::detail {
namespace {

enum authjs_profile_column : int { col_authjs_name = 10, col_authjs_email = 11, col_authjs_image = 12 };

boost::json::value authjs_profile_value(const PGresult* res, int row, int c) {
    if (PQgetisnull(res, row, c) != 0) return nullptr;
    return boost::json::string(std::string_view(PQgetvalue(res, row, c), static_cast<std::size_t>(PQgetlength(res, row, c))));
}

}  // namespace

std::optional<session_record> read_authjs_record(const PGresult* res, int row) {
    auto r = read_record(res, row);  // checks the session columns, and that data is an object
    if (!r) return r;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r->data, ec);
    if (ec || !v.is_object()) return std::nullopt;
    auto& o = v.get_object();
    o["name"] = authjs_profile_value(res, row, col_authjs_name);
    o["email"] = authjs_profile_value(res, row, col_authjs_email);
    o["picture"] = authjs_profile_value(res, row, col_authjs_image);
    r->data = boost::json::serialize(v);
    return r;
}

}  // namespace sesh::detail
