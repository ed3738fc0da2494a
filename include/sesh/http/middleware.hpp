// Route protection for C++ handlers: require a signed-in session before the handler runs.
#pragma once

#include <string>

#include <sesh/http/router.hpp>

namespace sesh::http {

/// What require_session answers when there is no signed-in session.
struct require_options {
    /// Paths under this prefix are API routes: they get 401 JSON `{"message": api_message}`.
    std::string api_prefix = "/api/";
    std::string api_message = "Not authenticated";
    /// Pages are redirected (302) here, with `?callbackUrl=<the page's path and query>` so the
    /// login can send the user back.
    std::string login_path = "/login";
};

/// Wraps `inner` so it runs only when the request's session has a user (session::user_id not
/// empty). Otherwise 401 JSON for API paths, a redirect to the login page for pages; 503 JSON
/// when the store is unavailable.
[[nodiscard]] handler require_session(handler inner, require_options options = {});

}  // namespace sesh::http
