// Shared by the page files: reading a posted form with its CSRF check, and the data pages.
#pragma once

#include <optional>

#include <sesh/http/body.hpp>

#include "seshd/app.hpp"

namespace sesh::seshd {

/// The posted form when it parses and carries the request's CSRF token; otherwise nothing, with
/// `refusal` set to the page to answer (400 unreadable, 403 bad or missing token).
[[nodiscard]] http::awaitable<std::optional<http::form>> read_page_form(http::context& ctx, const app& a, http::response& refusal);

/// /cart, /preferences and /sessions: pages whose data lives in the session (pages_data.cpp).
void add_session_data_pages(http::router& r, app& a);

}  // namespace sesh::seshd
