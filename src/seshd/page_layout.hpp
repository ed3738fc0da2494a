// The HTML frame every seshd page shares (stylesheet, navigation, theme), and the pages more
// than one area renders (login form, short messages).
#pragma once

#include <string>
#include <string_view>

#include <sesh/http/context.hpp>

#include "seshd/app.hpp"

namespace sesh::seshd {

/// A whole page: `body_html` (already escaped) inside the layout, with the session's theme
/// applied and a navigation bar that shows the signed-in user.
[[nodiscard]] http::awaitable<http::response> render_page(http::context& ctx, const app& a, http::status s, std::string_view title,
                                         std::string_view body_html);

/// The sign-in form posting to `action` with a CSRF token and `callback` (a local path); `error`
/// shown above it when not empty.
[[nodiscard]] http::awaitable<http::response> render_login_page(http::context& ctx, const app& a, std::string_view callback,
                                               std::string_view error, http::status s, std::string_view action = "/login");

/// A short page with a title, one sentence and one link.
[[nodiscard]] http::awaitable<http::response> render_message_page(http::context& ctx, const app& a, http::status s,
                                                 std::string_view title, std::string_view text, std::string_view link,
                                                 std::string_view link_text);

/// A hidden input carrying the request's CSRF token, for every state-changing form.
[[nodiscard]] std::string csrf_field(http::context& ctx, const app& a);

}  // namespace sesh::seshd
