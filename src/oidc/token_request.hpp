// The authorization code grant's token request and response (RFC 6749 §4.1.3-4.1.4, RFC 7636
// §4.5), shared by the OpenID Connect and the plain OAuth 2.0 clients.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sesh/fetch.hpp>
#include <sesh/result.hpp>

namespace sesh::detail {

/// How the client authenticates at the token endpoint: client_secret_basic (RFC 6749 §2.3.1,
/// the default) or client_secret_post (`in_body`).
struct client_credentials {
    std::string_view client_id;
    std::string_view client_secret;
    bool in_body = false;
};

/// The POST that exchanges `code` (with the PKCE verifier; none when empty) at `token_endpoint`.
[[nodiscard]] fetch_request code_token_request(std::string_view token_endpoint, const client_credentials& client,
                                               std::string_view code, std::string_view redirect_uri,
                                               std::string_view code_verifier);

/// What a token endpoint answered (RFC 6749 §5.1; OpenID Connect adds id_token).
struct token_set {
    std::string access_token;
    std::string refresh_token;
    std::string id_token;
    std::string token_type;
    std::string scope;
    std::string session_state;
    std::int64_t expires_at = 0;  ///< now + expires_in, Unix seconds; 0 when not given
};

/// Reads a token response: 200 with a JSON object holding a non-empty access_token. `now` is
/// Unix seconds. errc::upstream_failure for anything else (a refused code, garbage).
[[nodiscard]] result<token_set> read_token_response(const fetch_response& res, std::int64_t now);

/// application/x-www-form-urlencoded (RFC 6749 appendix B) of one value.
[[nodiscard]] std::string form_encode(std::string_view text);

}  // namespace sesh::detail
