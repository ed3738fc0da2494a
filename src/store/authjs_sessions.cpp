// Auth.js `sessions` rows as session records, whichever database holds them.
#include "store/authjs_sessions.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sesh::detail {
namespace {

boost::json::value authjs_profile_value(std::optional<std::string_view> v) {
    if (!v) return nullptr;
    return boost::json::string(*v);
}

}  // namespace

std::optional<std::string> authjs_row_id(std::string_view key) {
    if (!key.starts_with(authjs_id_prefix)) return std::nullopt;
    return std::string(key.substr(authjs_id_prefix.size()));
}

bool add_authjs_profile(session_record& r, std::optional<std::string_view> name, std::optional<std::string_view> email,
                        std::optional<std::string_view> image) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.data, ec);
    if (ec || !v.is_object()) return false;
    auto& o = v.get_object();
    o["name"] = authjs_profile_value(name);
    o["email"] = authjs_profile_value(email);
    o["picture"] = authjs_profile_value(image);
    r.data = boost::json::serialize(v);
    return true;
}

}  // namespace sesh::detail
