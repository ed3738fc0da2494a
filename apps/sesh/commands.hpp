// The sesh CLI's subcommands: each registers its options on the app and runs when chosen.
#pragma once

#include <CLI/CLI.hpp>

namespace sesh::cli {

/// `sesh secret`
void add_secret_command(CLI::App& app);
/// `sesh jwt encode|decode`
void add_jwt_commands(CLI::App& app);
/// `sesh iron seal|unseal`
void add_iron_commands(CLI::App& app);
/// `sesh cookie parse`
void add_cookie_commands(CLI::App& app);
/// `sesh user add|del|list|passwd`
void add_user_commands(CLI::App& app);
/// `sesh sessions list|revoke`
void add_sessions_commands(CLI::App& app);

/// Everything on stdin, refusing more than `limit` bytes (a bad input, reported as such).
std::string read_stdin(std::size_t limit = 1024 * 1024);

/// Reports a failure: one line on stderr, then exit status 1.
[[noreturn]] void fail_with(const std::string& why);

}  // namespace sesh::cli
