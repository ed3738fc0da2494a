// seshd's configuration: flags and SESH_* environment variables, resolved into one struct.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <sesh/http/server.hpp>
#include <sesh/password.hpp>
#include <sesh/session_manager.hpp>

namespace sesh::seshd {

/// Everything seshd needs to start. Defaults are `make run`'s: loopback, SQLite in ./data.
struct config {
    /// SESH_LISTEN / --listen: `HOST:PORT`. Default 127.0.0.1:3000.
    std::string listen = "127.0.0.1:3000";
    /// SESH_DATA_DIR / --data-dir: created if missing (mode 0700). Default ./data.
    std::string data_dir = "./data";
    /// SESH_STORE / --store: store URL. Default `sqlite:<data_dir>/sesh.db`.
    std::string store_url;
    /// SESH_STRATEGY / --strategy: server | jwt | iron. Default server.
    sesh::strategy strategy = sesh::strategy::server;
    /// SESH_SECRET or SESH_SECRET_FILE / --secret-file. Signs CSRF tokens; the jwt key and the
    /// iron password (id 1). In development a missing secret is generated into
    /// <data_dir>/secret (mode 0600); in production missing or under 32 characters stops start-up.
    std::string secret;
    /// SESH_URL / --url: the public origin, e.g. https://auth.example.com. `https://` turns on
    /// Secure cookies and the __Secure-/__Host- names. Default http://<listen>.
    std::string public_url;
    /// SESH_ENV / --env: development | production. Default development.
    bool production = false;
    /// SESH_IDLE_TIMEOUT / --idle-timeout (seconds): sessions unused this long end. Default 30 days.
    std::chrono::seconds idle_timeout = std::chrono::hours(24 * 30);
    /// SESH_ABSOLUTE_TIMEOUT / --absolute-timeout (seconds). Default 90 days.
    std::chrono::seconds absolute_timeout = std::chrono::hours(24 * 90);
    /// SESH_UPDATE_AGE / --update-age (seconds): sliding renewal interval. Default 1 day.
    std::chrono::seconds update_age = std::chrono::hours(24);
    /// SESH_THREADS / --threads: I/O threads, 0 = one per core.
    unsigned threads = 0;
    /// SESH_LOG_LEVEL / --log-level: trace|debug|info|warn|error. Default info.
    std::string log_level = "info";
    /// argon2id cost (SESH_ARGON2_OPS / SESH_ARGON2_MEM_KIB, for tests that must be quick).
    password_params password;
    /// SESH_SIGNUP_LIMIT: sign-up attempts per client address within SESH_SIGNUP_WINDOW
    /// (seconds); past it, 429 with Retry-After. Defaults 10 per 600 s; 0 turns the limit off.
    std::size_t signup_limit = 10;
    std::chrono::seconds signup_window = std::chrono::minutes(10);
    /// SESH_HASHING_QUEUE: argon2id jobs (sign-ins, sign-ups, password changes) waiting or running
    /// at most; past it, 503 with Retry-After instead of a backlog. Sign-ups never hold more than
    /// all but one of the hashing threads, so a sign-in always finds one. Default 32.
    std::size_t hashing_queue = 32;
    /// HTTP limits and timeouts (SESH_READ_TIMEOUT_MS, SESH_IDLE_CONNECTION_TIMEOUT_MS,
    /// SESH_MAX_CONNECTIONS, SESH_MAX_BODY_BYTES).
    http::server_options server;
};

}  // namespace sesh::seshd
