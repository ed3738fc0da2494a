// Test helper: a real PostgreSQL 15 server on 127.0.0.1, and a raw client to look at what a store
// wrote. The server runs on a free port in its own temporary directory; it can be stopped, frozen
// and restarted on the same port with its data, and it is always stopped with the helper.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <libpq-fe.h>

#include "integration/free_port.hpp"

namespace sesh::test {

/// A plain libpq connection, independent of the store under test.
class raw_postgres {
public:
    /// Connects to 127.0.0.1:`port` as the superuser `postgres` (trust authentication), database
    /// `db`; ok() tells whether that worked.
    explicit raw_postgres(int port, const std::string& db = "postgres");
    ~raw_postgres();
    raw_postgres(const raw_postgres&) = delete;
    raw_postgres& operator=(const raw_postgres&) = delete;

    /// True when connected.
    [[nodiscard]] bool ok() const noexcept;
    /// Runs SQL (one or more statements); true if every one succeeded (else the error on stderr).
    bool exec(const std::string& sql);
    /// The first column of the first row of a query; "<null>", "<none>" (no row) or
    /// "<error: …>" otherwise.
    std::string value(const std::string& sql);

private:
    PGconn* conn_ = nullptr;
};

/// One PostgreSQL server (a postmaster and its backends) as a child process. When the test
/// runs as root, initdb and postgres run as the `postgres` system user (PostgreSQL refuses root).
/// The cluster is copied from a template made once per machine with initdb (superuser
/// `postgres`, trust authentication, UTF8, locale C), which saves each test a two-second initdb.
/// Not thread-safe; use it from the test's thread.
class postgres_server {
public:
    /// Picks a free loopback port and makes a temporary directory; does not start the server.
    postgres_server();
    /// Stops the server (if running) and removes the directory.
    ~postgres_server();
    postgres_server(const postgres_server&) = delete;
    postgres_server& operator=(const postgres_server&) = delete;

    /// Starts the server on port() and waits until it answers (up to 30 s); the first start
    /// creates the cluster. On the first start a port taken meanwhile by someone else is replaced
    /// by another free one; later starts reuse the port and the data. False if it did not come up
    /// (its log is printed to stderr).
    bool start();
    /// A fast shutdown (SIGINT: sessions ended, data kept), waited for.
    void stop();
    /// Freezes the server and its backends (SIGSTOP to each): connections stay open but nothing
    /// answers.
    void pause();
    /// Thaws a paused server (SIGCONT).
    void resume();

    /// True while the postmaster exists (running or paused).
    [[nodiscard]] bool running() const noexcept { return pid_ > 0; }
    /// The loopback TCP port.
    [[nodiscard]] int port() const noexcept { return port_; }
    /// `postgres://postgres@127.0.0.1:PORT/DB`.
    [[nodiscard]] std::string url(const std::string& db = "postgres") const;

private:
    bool ensure_cluster();
    bool spawn();
    bool wait_ready();
    /// Sends `sig` to the postmaster and each of its children.
    void signal_all(int sig) const;
    /// Starts args[0] as the database user, its output appended to `log_path`, sent
    /// `death_signal` if this process dies first; its pid, or -1.
    pid_t start_child(const std::vector<std::string>& args, const std::string& log_path, int death_signal) const;
    /// Runs args[0] to its end as the database user; true if it exited 0.
    bool run_as_db_user(const std::vector<std::string>& args, const std::string& log_path) const;

    int port_ = 0;
    pid_t pid_ = -1;
    bool started_once_ = false;
    std::string dir_;        ///< temporary directory: the socket directory and the log
    std::string data_dir_;   ///< dir_/data, the cluster
    uid_t uid_ = 0;          ///< whom initdb and postgres run as (the postgres user under root)
    gid_t gid_ = 0;
    bool switch_user_ = false;
};

}  // namespace sesh::test
