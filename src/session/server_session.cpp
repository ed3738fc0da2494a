// get_server_session and next-auth's session JSON: the one mapping from a session to
// {user: {name, email, image}, expires}, shared by library users and seshd's /api/auth/session.
#include <sesh/server_session.hpp>

#include "core/iso8601.hpp"

namespace sesh {
namespace {

std::optional<std::string> string_field(const session& s, std::string_view key) {
    auto v = s.get_string(key);
    if (!v) return std::nullopt;
    return std::string(*v);
}

boost::json::value or_null(const std::optional<std::string>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object session_object(const session_user& u, clock::time_point expires) {
    return {{"user", boost::json::object{{"name", or_null(u.name)}, {"email", or_null(u.email)}, {"image", or_null(u.image)}}},
            {"expires", detail::iso8601_ms(expires)}};
}

result<std::optional<server_session>> signed_in(result<session> s) {
    if (!s) return fail(s.error());
    if (s->user_id().empty()) return std::optional<server_session>();
    session_user user = user_of(*s);
    const auto expires = s->expires();
    return std::optional<server_session>(server_session{std::move(user), expires, std::move(*s)});
}

}  // namespace

// next-auth's session route: user: {name: token.name, email: token.email, image: token.picture}.
session_user user_of(const session& s) {
    return {string_field(s, "name"), string_field(s, "email"), string_field(s, "picture")};
}

boost::json::object to_json(const server_session& s) { return session_object(s.user, s.expires); }

boost::json::object nextauth_session_json(const session& s) {
    if (s.user_id().empty()) return {};
    return session_object(user_of(s), s.expires());
}

result<std::optional<server_session>> get_server_session(const session_manager& manager, std::string_view cookie_header,
                                                         const client_info& client) {
    return signed_in(manager.load(cookie_header, client));
}

result<std::optional<server_session>> get_server_session(const session_manager& manager,
                                                         const std::vector<cookie>& cookies, const client_info& client) {
    return signed_in(manager.load(cookies, client));
}

boost::asio::awaitable<result<std::optional<server_session>>> async_get_server_session(
    const session_manager& manager, std::string_view cookie_header, client_info client) {
    auto loaded = co_await manager.async_load(cookie_header, client);
    co_return signed_in(std::move(loaded));
}

}  // namespace sesh
