// Provider accounts and the users they sign in as: next-auth 4.24's rules for an OAuth account
// (core/lib/callback-handler.js) over the user store's linked accounts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <sesh/users.hpp>

#include "seshd/app.hpp"

namespace sesh::seshd {

/// The password hash of a user made by provider sign-in: not an argon2id string, so no password
/// ever verifies against it (a locked password, as `!` in /etc/shadow). Such a user may set a
/// password later without giving a current one (/profile).
inline constexpr std::string_view provider_password_hash = "!provider";

/// Login names of provider users start with this; sign-up refuses it, so nobody can take the
/// name of a provider account before its owner first signs in (account pre-hijacking).
inline constexpr std::string_view provider_user_prefix = "oidc-";

/// The login name of the account `subject` at `issuer`: the prefix and 40 hex characters of
/// SHA-256(issuer, LF, subject).
[[nodiscard]] std::string provider_user_name(std::string_view issuer, std::string_view subject);

/// What a provider said about the person, mapped to next-auth's profile (id, name, email,
/// image), with the account record to link (tokens included: never logged).
struct provider_identity {
    linked_account account;  ///< provider, provider_account_id and the tokens; user_id unset
    std::string name;
    std::string email;       ///< lower-cased, valid, or empty
    bool email_verified = false;
    std::string image;
};

/// How a provider callback ends for the session.
struct provider_login {
    user who;
    /// True when the request was signed in already and stays so (a known or newly linked
    /// account of the same user): no new session, no token rotation.
    bool already_signed_in = false;
};

/// next-auth 4.24's callback handler for an OAuth account, in its order. `current` is the
/// signed-in user of the request, if any.
///  - a known account: its user; while signed in as someone else, errc::already_exists
///    (OAuthAccountNotLinked);
///  - signed in: the account is linked to the current user;
///  - a user made by this provider before accounts were recorded (its login name is
///    provider_user_name(name_key, id)): the account is linked to it;
///  - an e-mail some user has: linked to that user only with `allow_email_linking` (next-auth's
///    allowDangerousEmailAccountLinking) and an e-mail the provider calls verified, else
///    errc::already_exists;
///  - else a new user (login name from name_key and the id, the e-mail, a locked password) with
///    the account linked.
/// Other errors: store_unavailable.
[[nodiscard]] http::awaitable<result<provider_login>> provider_account_user(app& a, const provider_signin& p,
                                                                            const provider_identity& id,
                                                                            const std::optional<user>& current);

}  // namespace sesh::seshd
