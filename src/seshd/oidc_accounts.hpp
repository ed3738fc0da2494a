// Provider accounts as seshd users (issue 14, first slice): one user per (issuer, subject).
#pragma once

#include <string>
#include <string_view>

#include <sesh/oidc.hpp>
#include <sesh/users.hpp>

#include "seshd/app.hpp"

namespace sesh::seshd {

/// The password hash of a user made by provider sign-in: not an argon2id string, so no password
/// ever verifies against it (a locked password, as `!` in /etc/shadow).
inline constexpr std::string_view provider_password_hash = "!provider";

/// Login names of provider users start with this; sign-up refuses it, so nobody can take the
/// name of a provider account before its owner first signs in (account pre-hijacking).
inline constexpr std::string_view provider_user_prefix = "oidc-";

/// The login name of the account `subject` at `issuer`: the prefix and 40 hex characters of
/// SHA-256(issuer, LF, subject).
[[nodiscard]] std::string provider_user_name(std::string_view issuer, std::string_view subject);

/// The user of a verified provider profile: found by its login name, or created (with the
/// profile's e-mail when it is valid) on first sign-in. Errors: already_exists when that name
/// belongs to a password user (OAuthAccountNotLinked), store_unavailable.
[[nodiscard]] http::awaitable<result<user>> provider_account_user(app& a, std::string_view issuer, const oidc_profile& p);

}  // namespace sesh::seshd
