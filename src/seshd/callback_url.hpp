// Which callback URLs seshd will redirect to: relative paths and its own origin (next-auth's
// open-redirect advisory, CVE-2022-24858), plus, for gateways, hosts under the cookie domain and
// the origins the operator allowed (issue 15).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace sesh::seshd {

/// `wanted` as an absolute URL on `origin` (e.g. "http://127.0.0.1:3000") when it is a relative
/// path ("/x", not "//x" or "/\x") or an absolute URL on that same origin; otherwise `fallback`.
[[nodiscard]] std::string safe_callback_url(std::string_view wanted, std::string_view origin, std::string_view fallback);

/// `wanted` as a local path ("/x?y") when safe_callback_url would accept it; otherwise `fallback`.
[[nodiscard]] std::string safe_local_path(std::string_view wanted, std::string_view origin, std::string_view fallback);

/// The origin browsers send in `Origin` for pages under `url` (RFC 6454 §6.2): scheme://host[:port]
/// in lower case, without the scheme's default port and without path; nothing for a URL that is
/// not absolute http(s) with a host.
[[nodiscard]] std::optional<std::string> origin_of(std::string_view url);

/// Where seshd may send a browser after sign-in or sign-out: its own origin, and other origins
/// only when the operator said so (SESH_COOKIE_DOMAIN, SESH_ALLOWED_REDIRECTS). Immutable once
/// made; thread-safe to read.
class redirect_policy {
public:
    /// `own_origin`: seshd's public origin (SESH_URL without a trailing '/'). `cookie_domain`:
    /// empty, or a domain whose hosts (itself and every subdomain) may be returned to with
    /// own_origin's scheme. `allowed_origins`: comma-separated origins (`https://app.example.com,
    /// http://127.0.0.1:8080`), or empty. Returns a message naming an entry that is no origin.
    [[nodiscard]] static tl::expected<redirect_policy, std::string> make(std::string_view own_origin,
                                                                         std::string_view cookie_domain,
                                                                         std::string_view allowed_origins);

    /// True when `url` is an absolute http(s) URL on another origin this policy allows: no user
    /// information, no spaces, control characters or backslashes, a plain host name or address.
    [[nodiscard]] bool allows_other_origin(std::string_view url) const;

    /// For next-auth's routes: `wanted` as an absolute URL when safe_callback_url accepts it or
    /// allows_other_origin does; otherwise `fallback`.
    [[nodiscard]] std::string callback_url(std::string_view wanted, std::string_view fallback) const;

    /// For seshd's pages: `wanted` as a local path when safe_local_path accepts it, as given when
    /// allows_other_origin does; otherwise `fallback`.
    [[nodiscard]] std::string page_target(std::string_view wanted, std::string_view fallback) const;

    [[nodiscard]] const std::string& own_origin() const noexcept { return own_origin_; }

    /// The CSP `form-action` sources that let a sign-in form's redirect reach every origin this
    /// policy allows (browsers check form-action on the redirects after a form post too):
    /// `'self'`, the allowed origins, and `scheme://domain:*` `scheme://*.domain:*` for the
    /// cookie domain.
    [[nodiscard]] std::string form_action_sources() const;

private:
    std::string own_origin_;
    std::string own_scheme_;      ///< "http" or "https": the scheme hosts under cookie_domain_ must use
    std::string cookie_domain_;   ///< lower case, without a leading '.'; empty for none
    std::vector<std::string> allowed_;  ///< normalized origins
};

}  // namespace sesh::seshd
