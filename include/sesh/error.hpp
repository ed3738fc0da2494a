// sesh's own error codes and their std::error_category, in the manner of Beast's http/error.hpp.
#pragma once

#include <string>
#include <system_error>

namespace sesh {

/// Why an operation failed. Values are stable: they may be logged and compared.
enum class errc {
    malformed = 1,          ///< input is not well formed (bad base64, wrong part count, bad JSON)
    bad_mac,                ///< MAC or AEAD tag does not match: wrong key or tampered input
    expired,                ///< the token's expiry (plus allowed skew) is in the past
    not_yet_valid,          ///< the token's not-before time (minus allowed skew) is in the future
    unknown_key_id,         ///< the token names a key id or password id we do not hold
    unsupported_algorithm,  ///< the token asks for an algorithm we refuse (e.g. `none`, `A128GCM`)
    too_large,              ///< input or output exceeds a configured size bound
    invalid_argument,       ///< a caller-supplied option or argument is unusable (e.g. short secret)
    crypto_failure,         ///< the crypto library failed internally (should not happen)
    store_unavailable,      ///< the store cannot be reached or timed out; retry later (HTTP 503)
    store_full,             ///< the store holds its configured maximum of sessions
    not_found,              ///< the record does not exist (or no longer: destroyed or expired)
    already_exists,         ///< a record with this key exists already
    wrong_type,             ///< a session value exists but is not of the type asked for
    access_denied,          ///< the store refused the credentials in its URL (wrong user or password)
    upstream_failure,       ///< a remote peer (an identity provider) could not be reached, timed out or answered garbage
    claim_mismatch,         ///< a signed token is valid but not for us: issuer, audience, nonce or subject differ
};

/// The category of sesh::errc. Thread-safe; the object lives for the whole program.
[[nodiscard]] const std::error_category& error_category() noexcept;

/// Makes a std::error_code in sesh's category.
[[nodiscard]] std::error_code make_error_code(errc e) noexcept;

}  // namespace sesh

template <>
struct std::is_error_code_enum<sesh::errc> : std::true_type {};
