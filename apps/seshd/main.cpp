// seshd: the session server. Reads flags and SESH_* variables, builds the app, serves until
// SIGTERM or SIGINT.
#include <cstdio>
#include <cstdlib>
#include <map>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sesh/http/server.hpp>
#include <sesh/log.hpp>
#include <sesh/store.hpp>

#include "seshd/app.hpp"
#include "seshd/config_load.hpp"

#include "option_table.hpp"

int main(int argc, char** argv) {
    CLI::App cli{"seshd: sign-in and sessions, next-auth and iron-session compatible.\n"
                 "Every setting is a SESH_* environment variable; its flag, when given, wins."};
    // Each flag sets its environment variable, so there is one reading of the configuration.
    std::map<std::string, std::string> given;
    std::string env_only;
    for (const auto& o : seshd_cli::option_table()) {
        const std::string text =
            std::string(o.meaning) + "\n  default: " + o.default_text + "; environment: " + o.env;
        if (o.flag != nullptr)
            cli.add_option(o.flag, given[o.env], text)->type_name(o.value);
        else
            env_only += std::string("  ") + o.env + "=" + o.value + "  " + o.meaning + "\n    default: " +
                        o.default_text + "\n";
    }
    cli.footer("Environment only:\n" + env_only);
    CLI11_PARSE(cli, argc, argv);
    for (const auto& [var, value] : given)
        if (!value.empty()) ::setenv(var.c_str(), value.c_str(), 1);

    // Logs go to stderr: stdout stays free for whatever runs seshd. The library logs through the
    // same logger, so SESH_LOG_LEVEL governs its lines too.
    spdlog::set_default_logger(spdlog::stderr_color_mt("seshd"));
    sesh::set_logger(spdlog::default_logger());
    auto cfg = sesh::seshd::config_from_env();
    if (!cfg) {
        std::fprintf(stderr, "seshd: %s\n", cfg.error().c_str());
        return 2;
    }
    spdlog::set_level(spdlog::level::from_str(cfg->log_level));
    if (auto done = sesh::seshd::finish_config(*cfg); !done) {
        std::fprintf(stderr, "seshd: %s\n", done.error().c_str());
        return 2;
    }
    auto app = sesh::seshd::make_app(std::move(*cfg));
    if (!app) {
        std::fprintf(stderr, "seshd: %s\n", app.error().c_str());
        return 2;
    }
    auto& a = **app;
    sesh::http::server server(a.config.server, sesh::seshd::make_router(a), a.sessions, a.metrics);
    if (auto listening = server.listen(); !listening) {
        std::fprintf(stderr, "seshd: cannot listen on %s: %s\n", a.config.listen.c_str(), listening.error().message().c_str());
        return 2;
    }
    static constexpr const char* strategy_names[] = {"server", "jwt", "iron", "database"};
    spdlog::info("seshd listening on {} (strategy {}, store {})", a.config.public_url,
                 strategy_names[static_cast<int>(a.config.strategy)], sesh::redact_store_url(a.config.store_url));
    spdlog::info("first account: open {}/signup, or run `sesh user add NAME` with the same SESH_STORE / SESH_DATA_DIR",
                 a.config.public_url);
    server.run();
    spdlog::info("seshd stopped");
    return 0;
}
