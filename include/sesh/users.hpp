// Accounts: the users who sign in, kept in the same database as the sessions (SQLite, Redis or
// memory), behind one abstract `user_store` opened with the session store by open_database
// (<sesh/database.hpp>), over the same connections.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sesh/clock.hpp>
#include <sesh/random.hpp>
#include <sesh/result.hpp>
#include <sesh/store.hpp>

namespace sesh {

/// One account.
struct user {
    std::string id;             ///< stable, opaque: 32 hex characters (16 random bytes); the session's user id
    std::string name;           ///< login name, unique, stored lower-case (see is_valid_user_name)
    std::string email;          ///< optional; empty when not given
    std::string password_hash;  ///< hash_password's argon2id string; never logged
    clock::time_point created;
    clock::time_point password_changed;
};

/// A person's account at a sign-in provider, linked to one user: Auth.js's `accounts` row, with
/// the fields next-auth 4.24's linkAccount writes. Holds the provider's tokens: never logged.
struct linked_account {
    std::string provider;             ///< the provider's id in seshd (`oidc`, `github`), non-empty
    std::string provider_account_id;  ///< the provider's id of the person (`sub`, GitHub's user id), non-empty
    std::string user_id;              ///< the user it signs in as, non-empty
    std::string type = "oauth";       ///< next-auth 4 writes "oauth" for OAuth and OpenID providers alike
    std::string access_token;         ///< the provider's tokens as its token endpoint gave them; may be empty
    std::string refresh_token;
    std::string id_token;
    std::string token_type;
    std::string scope;
    std::string session_state;
    std::int64_t expires_at = 0;  ///< Unix seconds the access token expires; 0 when not given
};

/// True for a login name sesh accepts: 1 to 64 characters of [a-z0-9._-], starting with a letter
/// or digit. Callers lower-case what a person typed first (normalize_user_name).
[[nodiscard]] bool is_valid_user_name(std::string_view name) noexcept;
/// `name` in ASCII lower case, surrounding spaces removed: the form stored and looked up.
[[nodiscard]] std::string normalize_user_name(std::string_view name);
/// True for an e-mail address sesh accepts: empty, or `local@domain` with no spaces or control
/// characters, a dot in the domain, at most 254 bytes. (Deliverability is not checked.)
[[nodiscard]] bool is_valid_email(std::string_view email) noexcept;
/// A new user id: 16 random bytes as 32 lower-case hex characters.
[[nodiscard]] std::string make_user_id(random_source& random = system_random());

/// Account storage. Every backend is thread-safe. Errors common to every call:
/// errc::store_unavailable when the database cannot be reached (recovers by itself).
///
/// Two faces, one contract, as sesh::store: the blocking methods below, and the asynchronous
/// operations of <sesh/async_users.hpp> (`co_await async_find_by_name(users, name,
/// use_awaitable)`) for event loops, which rest on the start_* primitives at the end of the class.
/// list() has only the blocking face: it serves the CLI, never a request.
///
/// Accounts at sign-in providers (linked_account) live beside the users: Auth.js's `accounts`
/// table on PostgreSQL and in SQLite, `sesh:account:` keys in Redis.
class user_store {
public:
    virtual ~user_store() = default;
    /// The user with this (normalized) name, or nothing.
    [[nodiscard]] virtual result<std::optional<user>> find_by_name(std::string_view name) = 0;
    /// The user with this id, or nothing.
    [[nodiscard]] virtual result<std::optional<user>> find_by_id(std::string_view id) = 0;
    /// Adds a user. errc::already_exists when the name (or id) is taken; errc::invalid_argument
    /// for an invalid name or email or an empty id or hash.
    [[nodiscard]] virtual result<void> create(const user& u) = 0;
    /// Replaces the password hash of user `id` and sets password_changed to `changed`.
    /// errc::not_found when there is no such user.
    [[nodiscard]] virtual result<void> set_password(std::string_view id, std::string_view hash,
                                                    clock::time_point changed) = 0;
    /// Removes user `id` and its linked accounts; succeeds whether or not it existed. (Its
    /// sessions are the caller's business: session_manager::revoke_user.)
    [[nodiscard]] virtual result<void> erase(std::string_view id) = 0;
    /// Every user, ordered by name.
    [[nodiscard]] virtual result<std::vector<user>> list() = 0;

    // --- Accounts at sign-in providers (issue 14; next-auth's adapter calls) --------------------
    /// The oldest user whose e-mail is `email`, compared without regard to ASCII case
    /// (next-auth's getUserByEmail, for its e-mail account linking); nothing for an empty one.
    [[nodiscard]] virtual result<std::optional<user>> find_by_email(std::string_view email) = 0;
    /// The account (provider, provider_account_id), or nothing (next-auth's getUserByAccount).
    [[nodiscard]] virtual result<std::optional<linked_account>> find_account(std::string_view provider,
                                                                           std::string_view provider_account_id) = 0;
    /// Links `a` to its user (next-auth's linkAccount). errc::already_exists when the pair
    /// (provider, provider_account_id) is linked already, to anyone (one account, one user);
    /// errc::not_found when there is no user a.user_id; errc::invalid_argument for an empty
    /// provider, provider_account_id or user_id.
    [[nodiscard]] virtual result<void> link_account(const linked_account& a) = 0;
    /// The accounts linked to user `user_id`, ordered by provider then provider_account_id.
    [[nodiscard]] virtual result<std::vector<linked_account>> list_accounts(std::string_view user_id) = 0;

    // --- Asynchronous primitives --------------------------------------------------------------
    // What the async_* operations of <sesh/async_users.hpp> start; call those, not these. Each
    // does what its blocking namesake does and reports through `done` (store_callback's
    // contract); `loop` is as in store::start_get. The defaults run the blocking method on the
    // calling thread, which is right only for a backend that never waits (`memory:`); SQLite runs
    // them on its database's workers, Redis on the caller's loop's connection.
    virtual void start_find_by_name(std::string name, boost::asio::io_context* loop,
                                    store_callback<std::optional<user>> done);
    virtual void start_find_by_id(std::string id, boost::asio::io_context* loop,
                                  store_callback<std::optional<user>> done);
    virtual void start_create(user u, boost::asio::io_context* loop, store_callback<void> done);
    virtual void start_set_password(std::string id, std::string hash, clock::time_point changed,
                                    boost::asio::io_context* loop, store_callback<void> done);
    virtual void start_erase(std::string id, boost::asio::io_context* loop, store_callback<void> done);
    virtual void start_find_by_email(std::string email, boost::asio::io_context* loop,
                                     store_callback<std::optional<user>> done);
    virtual void start_find_account(std::string provider, std::string provider_account_id, boost::asio::io_context* loop,
                                    store_callback<std::optional<linked_account>> done);
    virtual void start_link_account(linked_account a, boost::asio::io_context* loop, store_callback<void> done);
    virtual void start_list_accounts(std::string user_id, boost::asio::io_context* loop,
                                     store_callback<std::vector<linked_account>> done);
};

/// Opens the user store that lives beside the session store of the same URL, on connections of
/// its own: `memory:` (its own, process-local), `sqlite:PATH` (Auth.js's `users` table with
/// sesh_passwords beside it, in the same file; the file is created if missing),
/// `redis://HOST:PORT[/DB]` (keys under `sesh:user:`).
/// Same errors as open_store. Only store_options::timeout and pool_size are read. A program that
/// needs both stores opens them together with open_database, over one set of connections.
[[nodiscard]] result<std::unique_ptr<user_store>> open_user_store(std::string_view url,
                                                                  const store_options& options = {});

}  // namespace sesh
