// What next-auth's POST routes share: the form, {url} or a redirect, and the callback URL cookie.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <sesh/http/body.hpp>
#include <sesh/http/context.hpp>

#include "seshd/app.hpp"

namespace sesh::seshd {

/// `<public_url>/api/auth`.
[[nodiscard]] std::string nextauth_base_url(const app& a);

/// A posted form, with next-auth's `json=true`.
struct nextauth_form {
    http::form fields;
    bool json = false;
    [[nodiscard]] std::string_view get(std::string_view name) const { return http::form_value(fields, name).value_or(""); }
};
/// The request body as a form; nothing when it is not one.
[[nodiscard]] std::optional<nextauth_form> read_nextauth_form(const http::context& ctx);

/// next-auth answers a redirect as 302, or as {url} when the form said json=true.
[[nodiscard]] http::response redirect_or_json(std::string_view url, bool json, http::status json_status = http::status::ok);

/// The callback URL of a sign-in or sign-out: the form's, else the callback-url cookie's, else
/// the site; only relative or same-origin ones (CVE-2022-24858), or another origin the redirect
/// policy allows (SESH_COOKIE_DOMAIN, SESH_ALLOWED_REDIRECTS). The cookie is read as next-auth's
/// `cookie` package reads it (decodeURIComponent, the text as sent when that fails).
[[nodiscard]] std::string nextauth_callback_url(http::context& ctx, const app& a, std::string_view wanted);

/// Queues next-auth's callback-url cookie (session cookie, HttpOnly, Lax).
void remember_callback_url(http::context& ctx, const app& a, const std::string& url);

}  // namespace sesh::seshd
