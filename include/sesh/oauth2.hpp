// Plain OAuth 2.0 sign-in (RFC 6749 §4.1 with PKCE, RFC 7636), for providers without OpenID
// Connect (GitHub-style): the authorization redirect, the code exchange, and the person's profile
// read from a profile URL with the access token. No ID token: who the person is rests on the
// TLS connection to the profile URL, as next-auth's OAuth providers have it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <sesh/clock.hpp>
#include <sesh/fetch.hpp>
#include <sesh/result.hpp>

namespace sesh {

/// A client's registration at one OAuth 2.0 provider.
struct oauth2_client_options {
    std::string authorization_endpoint;  ///< absolute URL
    std::string token_endpoint;          ///< absolute URL
    /// GET with `Authorization: Bearer <access token>`; answers the profile as a JSON object
    /// (GitHub's https://api.github.com/user, an OpenID Provider's userinfo endpoint).
    std::string profile_url;
    /// Optional: a list of the person's addresses (GitHub's /user/emails: [{email, primary,
    /// verified}]), read when the profile has no `email`; the primary one (else the first) is
    /// added to the profile as `email`, with its `verified` as `email_verified`.
    std::string emails_url;
    std::string client_id;
    std::string client_secret;  ///< never logged
    bool secret_in_body = false;  ///< client_secret_post instead of client_secret_basic
    std::string scope;            ///< space-separated; may be empty
    fetch_options fetch;
    const sesh::clock* clock = nullptr;  ///< null = system_clock(); must outlive the client
};

/// A finished callback: the profile JSON and the tokens (the caller's; never logged).
struct oauth2_profile {
    boost::json::object profile;
    std::string access_token;
    std::string refresh_token;
    std::string id_token;  ///< when the provider sent one anyway (not verified: not used for identity)
    std::string token_type;
    std::string scope;
    std::int64_t expires_at = 0;  ///< Unix seconds; 0 when not given
};

/// A relying party of one OAuth 2.0 provider. Stateless apart from its options; thread-safe.
class oauth2_client {
public:
    /// errc::invalid_argument for a missing endpoint, profile URL or client id.
    [[nodiscard]] static result<std::shared_ptr<oauth2_client>> create(oauth2_client_options options);

    [[nodiscard]] const oauth2_client_options& options() const noexcept { return options_; }

    /// The authorization request URL (code flow, state, PKCE S256).
    [[nodiscard]] std::string authorization_url(std::string_view redirect_uri, std::string_view state,
                                                std::string_view code_challenge) const;

    /// Exchanges the code with the PKCE verifier and reads the profile (and the e-mail list when
    /// configured). Errors: upstream_failure (the code refused, a profile that is not a JSON
    /// object, a status other than 200), too_large and invalid_argument from fetch.
    [[nodiscard]] boost::asio::awaitable<result<oauth2_profile>> complete(std::string code, std::string code_verifier,
                                                                         std::string redirect_uri);

    explicit oauth2_client(oauth2_client_options options) : options_(std::move(options)) {}

private:
    oauth2_client_options options_;
};

}  // namespace sesh
