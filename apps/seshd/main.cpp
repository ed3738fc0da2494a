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

int main(int argc, char** argv) {
    CLI::App cli{"seshd: sign-in and sessions, next-auth and iron-session compatible. "
                 "Every flag has a SESH_* environment variable; flags win."};
    // Each flag sets its environment variable, so there is one reading of the configuration.
    const std::map<std::string, std::string> flags{
        {"--listen", "SESH_LISTEN"},       {"--data-dir", "SESH_DATA_DIR"}, {"--store", "SESH_STORE"},
        {"--strategy", "SESH_STRATEGY"},   {"--secret-file", "SESH_SECRET_FILE"}, {"--url", "SESH_URL"},
        {"--env", "SESH_ENV"},             {"--threads", "SESH_THREADS"},   {"--log-level", "SESH_LOG_LEVEL"},
        {"--idle-timeout", "SESH_IDLE_TIMEOUT"}, {"--absolute-timeout", "SESH_ABSOLUTE_TIMEOUT"},
        {"--update-age", "SESH_UPDATE_AGE"},
    };
    std::map<std::string, std::string> given;
    for (const auto& [flag, var] : flags) cli.add_option(flag, given[var], "overrides " + var);
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
