// The getServerSession of C++: who is signed in on a request, in next-auth's
// {user: {name, email, image}, expires} shape, or nothing — with the typed session behind it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include <sesh/clock.hpp>
#include <sesh/cookie.hpp>
#include <sesh/result.hpp>
#include <sesh/session.hpp>
#include <sesh/session_manager.hpp>

namespace sesh {

/// The user as next-auth's session shows it, from the session data: `name`, `email`, and
/// `picture` (next-auth's JWT claim) shown as `image`. Each empty when absent or not a string.
struct session_user {
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::string> image;
};

/// A signed-in session: next-auth's Session object plus the session it was read from.
struct server_session {
    session_user user;
    /// When the session ends unless renewed: session::expires().
    clock::time_point expires;
    /// The whole session (data, user id, id), to read more from or to change and hand back to
    /// session_manager::save / destroy.
    sesh::session session;
};

/// The user fields of `s`'s data (see session_user). Whether anyone is signed in is not its
/// concern: see get_server_session.
[[nodiscard]] session_user user_of(const session& s);

/// next-auth's session JSON: {"user":{"name","email","image"},"expires":"YYYY-MM-DDTHH:MM:SS.mmmZ"},
/// an absent user field written as null.
[[nodiscard]] boost::json::object to_json(const server_session& s);

/// What next-auth's `GET /api/auth/session` answers for `s`: to_json's shape when someone is
/// signed in (a non-empty user id), else {}.
[[nodiscard]] boost::json::object nextauth_session_json(const session& s);

/// getServerSession: loads the request's session with `manager` (session_manager::load) and
/// gives it back when someone is signed in (a non-empty user id); an empty optional when nobody
/// is (no cookie, an anonymous session, or an expired, tampered, revoked or unknown cookie).
/// Errors: only errc::store_unavailable, as load. The views must outlive the call. Thread-safe.
[[nodiscard]] result<std::optional<server_session>> get_server_session(const session_manager& manager,
                                                                       std::string_view cookie_header,
                                                                       const client_info& client = {});
/// get_server_session, from cookies already parsed with parse_cookie_header.
[[nodiscard]] result<std::optional<server_session>> get_server_session(const session_manager& manager,
                                                                       const std::vector<cookie>& cookies,
                                                                       const client_info& client = {});

/// get_server_session for a coroutine on an event loop: the same contract, the session loaded
/// with session_manager::async_load, so the loop serves other requests while the store answers.
/// `cookie_header` and the views in `client` must stay valid until the await ends.
[[nodiscard]] boost::asio::awaitable<result<std::optional<server_session>>> async_get_server_session(
    const session_manager& manager, std::string_view cookie_header, client_info client = {});

}  // namespace sesh
