// OpenID Connect relying party: discovery, signing keys, ID token verification, the code
// exchange and userinfo (OpenID Connect Core 1.0 §3.1, Discovery 1.0, RFC 7517/7518, RFC 7636).
// seshd's provider sign-in is built on it; a libsesh user builds the authorization redirect with
// authorization_url() and finishes the callback with async_complete().
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/json/object.hpp>

#include <sesh/clock.hpp>
#include <sesh/fetch.hpp>
#include <sesh/random.hpp>
#include <sesh/result.hpp>

namespace sesh {

/// The parts of a provider's discovery document (`/.well-known/openid-configuration`) sesh uses.
struct oidc_metadata {
    std::string issuer;
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::string userinfo_endpoint;  ///< may be empty
    std::string jwks_uri;
};

/// Parses a discovery document. errc::malformed for bad JSON or a missing/non-string
/// authorization_endpoint, token_endpoint, jwks_uri or issuer; errc::claim_mismatch when its
/// `issuer` is not `expected_issuer` exactly (Discovery 1.0 §4.3: a document naming another
/// issuer must not be used).
[[nodiscard]] result<oidc_metadata> parse_oidc_metadata(std::string_view json, std::string_view expected_issuer);

/// Public signing keys of a JWK Set (RFC 7517 §5): RSA (n, e), EC P-256 (x, y) and OKP
/// Ed25519 (x). Keys of another type or curve, with `use` other than "sig", or private parts are
/// skipped. Immutable; thread-safe; copies share the keys.
class jwk_set {
public:
    jwk_set();
    /// errc::malformed for bad JSON or no `keys` array. An empty usable set is not an error.
    [[nodiscard]] static result<jwk_set> parse(std::string_view json);
    /// How many usable keys the set holds.
    [[nodiscard]] std::size_t size() const noexcept;
    /// True when a key has this `kid`.
    [[nodiscard]] bool has_kid(std::string_view kid) const noexcept;

    struct impl;
    [[nodiscard]] const impl& get() const noexcept { return *impl_; }

private:
    std::shared_ptr<const impl> impl_;
};

/// The header and claims of a JWS whose signature verified.
struct verified_jws {
    boost::json::object header;
    boost::json::object claims;
};

/// Verifies a compact JWS (RFC 7515) signed with RS256, PS256, ES256 or EdDSA (Ed25519) by a key
/// of `keys`: the one its `kid` names, else (no kid) each key of the alg's type in turn.
/// Errors: malformed (shape, base64url, JSON, claims not an object, an ES256 signature not 64
/// bytes); unsupported_algorithm (`none`, HS*, any other alg, a `crit` header); unknown_key_id
/// (no key with that kid, or none fitting the alg); bad_mac (the signature does not verify).
[[nodiscard]] result<verified_jws> verify_jws(std::string_view token, const jwk_set& keys);

/// What an ID token must say (OpenID Connect Core §3.1.3.7).
struct id_token_expectations {
    std::string issuer;     ///< `iss` must equal it exactly
    std::string client_id;  ///< in `aud`; `azp`, when present or when `aud` has several entries, must equal it
    std::string nonce;      ///< `nonce` must equal it (an empty expectation refuses every nonce-less check: pass one)
    std::int64_t now = 0;   ///< Unix seconds
    std::chrono::seconds clock_skew{60};
    /// `iat` older than this is refused (a token minted long ago and replayed). Default 10 minutes.
    std::chrono::seconds max_age{600};
};

/// Checks the claims of a verified ID token: `iss`, `aud`, `azp`, `exp` (expired), `iat`
/// (present, a number, not in the future beyond the skew, not older than max_age:
/// not_yet_valid / expired), `nonce`, and a non-empty string `sub`. Errors: malformed (a
/// claim of the wrong type or missing), claim_mismatch, expired, not_yet_valid.
[[nodiscard]] result<void> check_id_token_claims(const boost::json::object& claims, const id_token_expectations& e);

/// A client's registration at one OpenID Provider.
struct oidc_client_options {
    /// The issuer URL exactly as the provider writes it in `iss` (discovery is fetched from
    /// `<issuer>/.well-known/openid-configuration`).
    std::string issuer;
    std::string client_id;
    /// Never logged.
    std::string client_secret;
    /// client_secret_basic (default, RFC 6749 §2.3.1) or client_secret_post.
    bool secret_in_body = false;
    /// Space-separated scopes; `openid` must be among them. Default "openid email profile".
    std::string scope = "openid email profile";
    /// Also call the userinfo endpoint and merge its claims (its `sub` must match the token's).
    bool use_userinfo = false;
    /// Outgoing requests (timeout, size limit, loopback http for a development provider).
    fetch_options fetch;
    /// Discovery and keys are refetched after this. Default 1 hour.
    std::chrono::seconds cache_for = std::chrono::hours(1);
    /// An unknown `kid` refetches the keys at most once per this. Default 60 s.
    std::chrono::seconds key_refetch_interval = std::chrono::seconds(60);
    /// Time for the ID token checks; null = system_clock(). Must outlive the client.
    const sesh::clock* clock = nullptr;
};

/// What a finished callback yields: the ID token's claims (merged with userinfo's when
/// configured) and the provider's tokens, which belong to the caller and must never be logged.
struct oidc_profile {
    std::string subject;  ///< `sub`
    boost::json::object claims;
    std::string access_token;
    std::string id_token;
    std::string refresh_token;  ///< may be empty
    std::int64_t expires_at = 0;  ///< Unix seconds, 0 when the provider gave no expires_in
    std::string token_type;     ///< the token response's token_type (e.g. "Bearer"); may be empty
    std::string scope;          ///< the token response's scope, when the provider sent one
    std::string session_state;  ///< OpenID Session Management's session_state, when sent
};

/// One callback's inputs: the `code` the provider returned, and the check values this client
/// stored when it built the redirect.
struct oidc_callback {
    std::string code;
    std::string code_verifier;
    std::string nonce;
    std::string redirect_uri;
};

/// PKCE (RFC 7636): a verifier of 32 random bytes in base64url (43 characters).
[[nodiscard]] std::string make_pkce_verifier(random_source& random = system_random());
/// Its S256 challenge: base64url(SHA-256(verifier)).
[[nodiscard]] std::string pkce_challenge(std::string_view verifier);
/// A state or nonce: 32 random bytes in base64url.
[[nodiscard]] std::string make_check_value(random_source& random = system_random());

/// A relying party of one provider, with its discovery document and keys cached. Thread-safe;
/// share one per provider for the life of the program.
class oidc_client {
public:
    /// errc::invalid_argument for an empty issuer or client id, or a scope without `openid`.
    [[nodiscard]] static result<std::shared_ptr<oidc_client>> create(oidc_client_options options);

    [[nodiscard]] const oidc_client_options& options() const noexcept { return options_; }

    /// The provider's metadata, fetched on first use and after cache_for. Errors:
    /// upstream_failure, too_large, malformed, claim_mismatch, invalid_argument (from fetch).
    [[nodiscard]] boost::asio::awaitable<result<oidc_metadata>> metadata();

    /// The authorization request URL (code flow with PKCE S256, state and nonce).
    [[nodiscard]] std::string authorization_url(const oidc_metadata& m, std::string_view redirect_uri,
                                                std::string_view state, std::string_view nonce,
                                                std::string_view code_challenge) const;

    /// Exchanges the code (with the PKCE verifier), verifies the ID token (signature by the
    /// provider's keys, refetched once on an unknown kid; then check_id_token_claims), and calls
    /// userinfo when configured. Errors: those of metadata(); upstream_failure (the token
    /// endpoint refused the code or answered garbage); and those of verify_jws and
    /// check_id_token_claims for the ID token.
    [[nodiscard]] boost::asio::awaitable<result<oidc_profile>> complete(oidc_callback cb);

    struct cache;
    explicit oidc_client(oidc_client_options options);
    ~oidc_client();

private:
    boost::asio::awaitable<result<jwk_set>> keys(const oidc_metadata& m, std::string_view wanted_kid);

    oidc_client_options options_;
    std::unique_ptr<cache> cache_;
};

/// complete() with a completion token. Signature void(result<oidc_profile>); runs on `ex`.
/// `client` must stay alive until the handler runs.
template <class CompletionToken>
auto async_complete(boost::asio::any_io_executor ex, oidc_client& client, oidc_callback cb, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(result<oidc_profile>)>(
        [&client](auto handler, boost::asio::any_io_executor e, oidc_callback c) {
            auto target = boost::asio::get_associated_executor(handler, e);
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            boost::asio::co_spawn(e, client.complete(std::move(c)),
                                  [h, target](std::exception_ptr ep, result<oidc_profile> r) {
                                      if (ep) r = fail(errc::upstream_failure);
                                      boost::asio::dispatch(target, [h, r = std::move(r)]() mutable {
                                          std::move(*h)(std::move(r));
                                      });
                                  });
        },
        token, std::move(ex), std::move(cb));
}

}  // namespace sesh
