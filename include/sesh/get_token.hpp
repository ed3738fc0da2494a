// The getToken of C++: the session cookie of next-auth v4, Auth.js v5 or iron-session, read from a
// request's Cookie header (chunks joined) and decoded, in one call.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include <sesh/clock.hpp>
#include <sesh/cookie.hpp>
#include <sesh/iron.hpp>
#include <sesh/result.hpp>

namespace sesh {

/// Whose session cookie get_token reads.
enum class token_kind {
    nextauth,      ///< next-auth v4: `next-auth.session-token`, read with nextauth_jwt_codec
    authjs,        ///< Auth.js v5 (@auth/core): `authjs.session-token`, read with authjs_jwt_codec
    iron_session,  ///< iron-session 8: the cookie named cookie_name, read with iron_codec
};

/// Options of get_token and token_reader: next-auth's getToken parameters, plus iron-session's
/// cookieName and password for token_kind::iron_session.
struct get_token_options {
    /// Which peer wrote the cookie. Default next-auth v4.
    token_kind kind = token_kind::nextauth;
    /// nextauth, authjs: the secret(s) (NEXTAUTH_SECRET / AUTH_SECRET), each tried on decode.
    /// Required for those kinds unless `raw`; none empty.
    std::vector<std::string> secrets;
    /// iron_session: the passwords (see parse_password_map). Required for that kind unless `raw`.
    password_map passwords;
    /// getToken's `secureCookie`: read the `__Secure-` name. Unset means what the peer does:
    /// next-auth v4 looks at the environment (true when NEXTAUTH_URL starts with "https://";
    /// when NEXTAUTH_URL is not set, true when VERCEL is non-empty), read once by
    /// token_reader::create; Auth.js reads the plain name. Ignored for iron_session.
    std::optional<bool> secure_cookie;
    /// getToken's `cookieName` / iron-session's `cookieName`: empty means
    /// `[__Secure-]next-auth.session-token` (nextauth) or `[__Secure-]authjs.session-token`
    /// (authjs), by secure_cookie. Required for iron_session. Chunks `name.0`, `name.1`, … are
    /// joined for nextauth and authjs (iron-session never chunks, so neither does its reader).
    std::string cookie_name;
    /// The key derivation salt. Unset means the peer's: "" for next-auth v4 (its getToken
    /// decodes without one), the cookie name for Auth.js. Ignored for iron_session.
    std::optional<std::string> salt;
    /// getToken's `raw`: hand back the token as read, not decoded (no secret needed).
    bool raw = false;
    /// Time source for expiry; null means sesh::system_clock(). Must outlive the reader.
    const sesh::clock* clock = nullptr;
};

/// What get_token found.
struct token {
    /// The token as read: the cookie value (chunks joined) or the Bearer token. Never logged by
    /// sesh; treat it as a credential.
    std::string raw;
    /// The decoded claims (iron_session: the sealed object); empty when `raw` was asked for.
    boost::json::object claims;
};

/// Reads one peer's session cookie from requests. Create it once (keys are derived here) and
/// call read() per request. Immutable; copies share state; thread-safe.
class token_reader {
public:
    /// errc::invalid_argument for a missing or unusable secret or password (unless `raw`), a
    /// cookie name that is not a cookie token, or iron_session without a cookie_name.
    [[nodiscard]] static result<token_reader> create(get_token_options options);

    /// The cookie name read (chunks aside), e.g. `__Secure-next-auth.session-token`.
    [[nodiscard]] const std::string& cookie_name() const noexcept;

    /// The token of a request, as getToken({req}) finds it: the cookie (chunks joined in suffix
    /// order, see join_chunks); for nextauth and authjs, when there is no cookie, the
    /// `Authorization: Bearer <token>` value (percent-decoded, as the peers do) given in
    /// `authorization` (the whole header value; empty when absent). Errors: not_found (no such
    /// cookie, an empty one, chunks that do not join, and no Bearer token); too_large (a Cookie
    /// header over cookie_limits); with `raw` nothing else. Otherwise the codec's errors: bad_mac
    /// (wrong secret or password, or tampered), expired, not_yet_valid, malformed (including a
    /// Bearer value that is not valid percent-encoding, and iron data that is not a JSON object:
    /// iron-session's session is always one), unknown_key_id, unsupported_algorithm. Where the
    /// peer answers null (or iron-session an empty session), this answers an error saying why.
    /// Thread-safe.
    [[nodiscard]] result<token> read(std::string_view cookie_header, std::string_view authorization = {}) const;
    /// read, from cookies already parsed with parse_cookie_header.
    [[nodiscard]] result<token> read(const std::vector<cookie>& cookies, std::string_view authorization = {}) const;

    struct impl;

private:
    explicit token_reader(std::shared_ptr<const impl> p) noexcept : impl_(std::move(p)) {}
    std::shared_ptr<const impl> impl_;
};

/// One request's token in one call: token_reader::create(options) then read(). Prefer a
/// token_reader kept across requests, which derives the keys once. Errors as those two.
[[nodiscard]] result<token> get_token(std::string_view cookie_header, get_token_options options,
                                      std::string_view authorization = {});

}  // namespace sesh
