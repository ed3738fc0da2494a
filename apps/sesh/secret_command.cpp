// `sesh secret`: a new 256-bit secret, base64url, long enough for next-auth and iron-session.
#include <array>
#include <cstdio>

#include <sesh/encoding.hpp>
#include <sesh/random.hpp>

#include "commands.hpp"

namespace sesh::cli {

void add_secret_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("secret", "print a new random secret (32 bytes, base64url: 43 characters)");
    cmd->callback([] {
        std::array<std::uint8_t, 32> raw;
        system_random().fill(raw);
        std::printf("%s\n", base64url_encode(raw).c_str());
    });
}

}  // namespace sesh::cli
