// `sesh iron seal|unseal`: iron-session 8 seals from the shell.
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sesh/iron.hpp>

#include "commands.hpp"
#include "secrets.hpp"

namespace sesh::cli {
namespace {

struct iron_args {
    std::optional<std::int64_t> ttl;
    std::optional<std::string> secret_file;
    std::string seal;
};

iron_codec make_codec(const iron_args& a) {
    iron_options o;
    o.passwords = parse_iron_passwords(read_secret_text(a.secret_file, "SESH_PASSWORD"));
    if (a.ttl) {
        if (*a.ttl < 0) fail_with("--ttl must be zero (no expiry) or positive");
        o.ttl = std::chrono::seconds(*a.ttl);
    }
    auto made = iron_codec::create(std::move(o));
    if (!made) fail_with("bad password: " + made.error().message() + " (each needs at least 32 characters)");
    return std::move(*made);
}

}  // namespace

void add_iron_commands(CLI::App& app) {
    auto* iron = app.add_subcommand("iron", "seal or unseal iron-session data (password from SESH_PASSWORD)");
    iron->require_subcommand(1);
    static iron_args args;

    auto* seal = iron->add_subcommand("seal", "JSON on stdin -> seal on stdout");
    seal->add_option("--ttl", args.ttl, "lifetime in seconds (default 14 days; 0 never expires)");
    seal->add_option("--secret-file", args.secret_file, "read the password (or JSON map) from this file");
    seal->callback([] {
        const iron_codec c = make_codec(args);
        boost::system::error_code ec;
        const auto data = boost::json::parse(read_stdin(), ec);
        if (ec) fail_with("stdin is not JSON");
        auto sealed = c.seal(data);
        if (!sealed) fail_with("cannot seal: " + sealed.error().message());
        std::printf("%s\n", sealed->c_str());
    });

    auto* unseal = iron->add_subcommand("unseal", "seal -> JSON on stdout");
    unseal->add_option("--secret-file", args.secret_file, "read the password (or JSON map) from this file");
    unseal->add_option("seal", args.seal, "the sealed cookie value")->required();
    unseal->callback([] {
        const iron_codec c = make_codec(args);
        auto data = c.unseal(args.seal);
        if (!data) fail_with("cannot unseal: " + data.error().message());
        std::printf("%s\n", boost::json::serialize(*data).c_str());
    });
}

}  // namespace sesh::cli
