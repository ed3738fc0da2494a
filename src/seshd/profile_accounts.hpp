// /profile's sign-in methods: linked providers, "Link <name>" buttons, a first password.
#pragma once

#include <string>

#include "seshd/app.hpp"

namespace sesh::seshd {

/// The "Sign-in methods" section of /profile for the session's user (escaped HTML): whether a
/// password is set, each provider linked or a "Link <name>" button (posting to its signin route
/// with callbackUrl=/profile), and the first-password form for a provider user without one.
/// Empty when the session names no user of the store.
[[nodiscard]] http::awaitable<std::string> render_sign_in_methods(http::context& ctx, app& a, const session& s);

/// POST /profile/password: a first password for a provider user (form: csrfToken, newPassword);
/// 409 for a user who has one.
void add_profile_account_routes(http::router& r, app& a);

}  // namespace sesh::seshd
