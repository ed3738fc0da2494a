// sesh: the command-line tool. Parses options and hands off to the subcommands.
#include <cstdio>
#include <exception>

#include "commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{"sesh: tokens, seals and cookies compatible with next-auth and iron-session; accounts and sessions"};
    app.require_subcommand(1);
    sesh::cli::add_secret_command(app);
    sesh::cli::add_jwt_commands(app);
    sesh::cli::add_iron_commands(app);
    sesh::cli::add_cookie_commands(app);
    sesh::cli::add_user_commands(app);
    sesh::cli::add_sessions_commands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        // Configuration errors (missing secret, unreadable file): one line, no stack of noise.
        std::fprintf(stderr, "sesh: %s\n", e.what());
        return 1;
    }
    return 0;
}
