// Test helper: a real redis-server on 127.0.0.1, and a raw client to look at what a store wrote.
// The server runs on a free port in its own temporary directory without persistence; it can be
// killed, frozen and restarted on the same port, and it is always stopped with the helper.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hiredis/hiredis.h>

#include "integration/free_port.hpp"

namespace sesh::test {

/// Frees a reply tree.
struct raw_reply_deleter {
    void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
/// A reply from raw_redis, null when the connection failed.
using raw_reply = std::unique_ptr<redisReply, raw_reply_deleter>;

/// A plain hiredis connection to one database, independent of the store under test.
class raw_redis {
public:
    /// Connects to 127.0.0.1:`port`, AUTHs as the default user when `password` is set, and
    /// SELECTs `db`; ok() tells whether that worked.
    raw_redis(int port, int db = 0, const std::string& password = {});
    ~raw_redis();
    raw_redis(const raw_redis&) = delete;
    raw_redis& operator=(const raw_redis&) = delete;

    /// True when connected.
    [[nodiscard]] bool ok() const noexcept;
    /// Runs one command given as binary-safe arguments; null on a transport error.
    raw_reply run(const std::vector<std::string>& args);
    /// Runs a command expected to answer an integer (PTTL, EXISTS, DBSIZE …); -1000 otherwise.
    long long integer(const std::vector<std::string>& args);
    /// Runs a command expected to answer a string or status (GET, TYPE …); "<nil>" or
    /// "<error: …>" otherwise.
    std::string text(const std::vector<std::string>& args);

private:
    redisContext* ctx_ = nullptr;
};

/// Who may connect to a redis_server: with `default_password`, the default user needs it (and
/// raw_redis(port, db, default_password) gives it); `user` (with `user_password`) is one more ACL
/// user allowed every command and key.
struct redis_accounts {
    std::string default_password;
    std::string user;
    std::string user_password;
};

/// One redis-server child process. Not thread-safe; use it from the test's thread.
class redis_server {
public:
    /// Picks a free loopback port and makes a temporary directory; does not start the server.
    explicit redis_server(redis_accounts accounts = {});
    /// Kills the server (if running) and removes the directory.
    ~redis_server();
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;

    /// Starts the server on port() and waits until it answers PING (up to 10 s). On the first
    /// start a port taken meanwhile by someone else is replaced by another free one; later
    /// starts reuse the port. False if it did not come up (its log is printed to stderr).
    bool start();
    /// Kills the server with SIGKILL and reaps it: the outage of a crash, not a clean shutdown.
    void kill();
    /// Freezes the server (SIGSTOP): connections stay open but nothing answers.
    void pause();
    /// Thaws a paused server (SIGCONT).
    void resume();

    /// True while the child process exists (running or paused).
    [[nodiscard]] bool running() const noexcept { return pid_ > 0; }
    /// The loopback TCP port.
    [[nodiscard]] int port() const noexcept { return port_; }
    /// `redis://127.0.0.1:PORT/DB`.
    [[nodiscard]] std::string url(int db = 0) const;
    /// `redis://USER:PASSWORD@127.0.0.1:PORT/DB`, user and password percent-encoded (an empty
    /// user: `redis://:PASSWORD@…`).
    [[nodiscard]] std::string url_as(const std::string& user, const std::string& password, int db = 0) const;
    /// Arguments added to the command line from the next start() on (e.g. {"--replicaof", …}).
    void add_args(std::vector<std::string> args) { extra_args_ = std::move(args); }
    /// Makes this a Redis Sentinel (redis-server --sentinel) with `config` as its configuration
    /// file (Sentinel rewrites it); call before start().
    void make_sentinel(const std::string& config);
    /// The accounts the server was made with.
    [[nodiscard]] const redis_accounts& accounts() const noexcept { return accounts_; }

private:
    bool spawn();
    bool wait_ready();

    redis_accounts accounts_;
    int port_ = 0;
    pid_t pid_ = -1;
    bool started_once_ = false;
    std::string dir_;
    std::vector<std::string> extra_args_;
    bool sentinel_ = false;
};

}  // namespace sesh::test
