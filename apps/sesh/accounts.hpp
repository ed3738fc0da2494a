// Opening the account and session stores for `sesh user` and `sesh sessions`, from the same
// settings seshd reads: --store / SESH_STORE, --data-dir / SESH_DATA_DIR.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include <sesh/database.hpp>
#include <sesh/password.hpp>
#include <sesh/store.hpp>
#include <sesh/users.hpp>

namespace sesh::cli {

/// Where the stores are; filled by add_store_options, read by open_accounts.
struct store_location {
    std::string store_url;  ///< --store, else SESH_STORE, else sqlite:<data dir>/sesh.db
    std::string data_dir;   ///< --data-dir, else SESH_DATA_DIR, else ./data
};

/// The open stores of one command.
struct accounts {
    std::shared_ptr<user_store> users;
    std::shared_ptr<store> sessions;
    password_params params;  ///< SESH_ARGON2_OPS / SESH_ARGON2_MEM_KIB, else OWASP's
};

/// Adds --store and --data-dir to `cmd`.
void add_store_options(CLI::App& cmd, store_location& where);
/// Opens both stores (creating a missing SQLite data dir, 0700); fails with one line otherwise.
[[nodiscard]] accounts open_accounts(const store_location& where);
/// The user named `name` (normalized), or a one-line failure.
[[nodiscard]] user find_user_or_fail(accounts& a, const std::string& name);
/// A new password: one line from stdin (`--password-stdin`, or when stdin is not a terminal), or
/// typed twice without echo. Fails with check_new_password's reason when it is refused (length,
/// too common, too guessable, or built on `personal`: the user's name and e-mail).
[[nodiscard]] std::string read_new_password(bool from_stdin, std::span<const std::string_view> personal);
/// Ends every session of a user in every strategy: server records erased, and jwt/iron tokens
/// issued before now refused. Returns how many server records went.
std::size_t revoke_all_sessions(accounts& a, const std::string& user_id);

}  // namespace sesh::cli
