// One non-blocking hiredis connection (redisAsyncContext) driven by an Asio io_context: many
// commands in flight at once (pipelined), each bounded by its own deadline, reconnecting by itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <hiredis/async.h>

#include "store/redis/redis_connection.hpp"

namespace sesh::detail::redis {

/// Called once per command, on the connection's executor thread, with the reply (valid only during
/// the call: hiredis frees it afterwards) or errc::store_unavailable. Must not throw.
using reply_callback = std::function<void(result<const redisReply*>)>;

class async_watcher;

/// One non-blocking hiredis connection (redisAsyncContext) driven by one io_context through an
/// Asio adapter. Thread-safe: every public member may be called from any thread; the work runs on
/// a strand of the io_context, so the context may also run on several threads.
///
/// A deadline that passes without its reply means the server is hung: every command in flight
/// fails at once and the connection is dropped. A lost connection fails everything in flight too.
/// The next run() reconnects, except during the backoff after a failed connect (50 ms doubling to
/// 400 ms, as redis::pool), when run() fails at once. Failures are logged once per transition,
/// with host:port and hiredis's message, never a command's arguments.
///
/// While commands are in flight the connection keeps itself alive (as an Asio operation keeps its
/// socket), so dropping the last shared_ptr never loses a callback. Call close() before the
/// io_context stops for good, or callbacks still in flight are never called; after close() the
/// connection leaves no work on the io_context. Like any Asio I/O object it must be destroyed
/// before its io_context.
class async_connection : public std::enable_shared_from_this<async_connection> {
public:
    /// A connection for `cfg` on `ex` (an io_context executor; the connection's handlers and all
    /// callbacks run on a strand of it). Connects lazily on the first run(). The host name is
    /// resolved by hiredis with a blocking getaddrinfo on connect: give an address or a name in
    /// /etc/hosts. cfg.timeout is not used: each command brings its own deadline.
    [[nodiscard]] static std::shared_ptr<async_connection> create(boost::asio::io_context::executor_type ex,
                                                                  connection_config cfg);

    /// Sends `cmd` and calls `done` with its reply before `deadline`, or with
    /// errc::store_unavailable (deadline passed, connection lost or refused, backoff under way).
    /// Thread-safe: may be called from any thread (dispatched onto the strand, so when called on it,
    /// e.g. from another command's callback, it starts at once). Many commands may be in flight at
    /// once on the one connection: hiredis pipelines them. Error replies (-ERR…) are ordinary
    /// replies here. Commands issued while connecting wait for the SELECT and SCRIPT LOADs, and
    /// keep their deadlines.
    void run(command cmd, steady::time_point deadline, reply_callback done);

    /// EVALSHA of cfg.scripts[i] with `keys_and_args` appended, falling back to EVAL with the script
    /// text once on a NOSCRIPT error reply (after a SCRIPT FLUSH or a failover); otherwise as run().
    /// `i` must be below cfg.scripts.size().
    void run_script(std::size_t i, command keys_and_args, steady::time_point deadline, reply_callback done);

    /// Fails everything in flight with store_unavailable and closes; later run()s reconnect (no
    /// backoff). Thread-safe; dispatched onto the strand like run().
    void close();

    /// Frees the hiredis context if one is open. Nothing is in flight by then (see the class).
    ~async_connection();

    async_connection(const async_connection&) = delete;
    async_connection& operator=(const async_connection&) = delete;

private:
    static constexpr std::size_t no_script = static_cast<std::size_t>(-1);
    /// One command not answered yet.
    struct op {
        command cmd;                     ///< what to send; for a script, its keys and arguments
        steady::time_point deadline;     ///< fail everything in flight if no reply by then
        reply_callback done;             ///< called once
        std::size_t script = no_script;  ///< index into cfg_.scripts, or no_script
        bool fell_back = false;          ///< EVAL sent after a NOSCRIPT reply to EVALSHA
    };
    using strand = boost::asio::strand<boost::asio::io_context::executor_type>;

    async_connection(boost::asio::io_context::executor_type ex, connection_config cfg);

    // Everything below runs on strand_.
    void start(op o);
    bool connect();
    void send(std::uint64_t id, op& o);
    void on_hello(std::size_t i, const redisReply* r);
    void on_reply(std::uint64_t id, const redisReply* r);
    void on_timer();
    void arm_timer(steady::time_point at);
    void tear_down(const char* what, std::string_view why, bool hiredis_frees_it, bool failed_to_connect);
    void log_down(std::string_view what, std::string_view why);

    static void hiredis_on_connect(const redisAsyncContext* ac, int status);
    static void hiredis_on_disconnect(const redisAsyncContext* ac, int status);
    static void hiredis_on_hello(redisAsyncContext* ac, void* reply, void* privdata);
    static void hiredis_on_reply(redisAsyncContext* ac, void* reply, void* privdata);

    const connection_config cfg_;
    strand strand_;
    boost::asio::steady_timer timer_;          // at (or before) the earliest deadline in ops_
    steady::time_point timer_at_ = steady::time_point::max();

    redisAsyncContext* ac_ = nullptr;          // null while down; hiredis owns it once connecting
    std::shared_ptr<async_watcher> watcher_;   // the Asio side of ac_
    std::size_t hello_pending_ = 0;            // hello_commands not answered yet
    bool hello_ok_ = true;                     // no hello command failed on ac_
    std::vector<std::string> shas_;            // of cfg_.scripts, from the last SCRIPT LOADs

    std::map<std::uint64_t, op> ops_;          // every command not answered yet, by id (= send order)
    std::vector<std::uint64_t> queued_;        // ids waiting for the hello, in run() order
    std::uint64_t next_id_ = 1;
    std::shared_ptr<async_connection> self_;   // set while ops_ is not empty (see the class)

    std::string peer_;                         // host:port of the last connect, for log lines
    std::uint64_t generation_ = 0;             // the locator's at the last connect
    steady::time_point next_connect_{};        // no connect before this (backoff)
    steady::duration backoff_;
    bool down_logged_ = false;                 // a failure was logged and no success since
};

}  // namespace sesh::detail::redis
