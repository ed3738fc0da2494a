// One blocking hiredis connection, with the RAII owners of redisContext and redisReply.
// Also binary-safe commands, and pipelined round trips bounded by a deadline.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <hiredis/hiredis.h>

#include "store/redis/redis_sentinel.hpp"

#include <sesh/result.hpp>

namespace sesh::detail::redis {

using steady = std::chrono::steady_clock;

/// Frees a redisContext (closes its socket).
struct context_deleter {
    void operator()(redisContext* c) const noexcept { redisFree(c); }
};
/// The one owner of a redisContext.
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

/// Frees a reply tree.
struct reply_deleter {
    void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
/// The one owner of a reply tree; elements are borrowed from it.
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

/// The text of a string, status or error reply (empty for other types).
[[nodiscard]] inline std::string_view reply_text(const redisReply& r) noexcept {
    return r.str != nullptr ? std::string_view(r.str, r.len) : std::string_view();
}

/// One command as binary-safe arguments, kept in one buffer. Arguments are sent as they are:
/// never formatted into a command string, so keys may hold spaces, CR LF or NUL.
class command {
public:
    command() = default;
    /// A command from its arguments, e.g. {"HMGET", key, "u"}.
    command(std::initializer_list<std::string_view> args) {
        for (auto a : args) arg(a);
    }

    /// Appends one argument.
    command& arg(std::string_view a) {
        buf_.append(a);
        ends_.push_back(buf_.size());
        return *this;
    }
    /// Appends `prefix` and `rest` as one argument (a namespaced key).
    command& arg(std::string_view prefix, std::string_view rest) {
        buf_.append(prefix).append(rest);
        ends_.push_back(buf_.size());
        return *this;
    }
    /// Appends a decimal integer.
    command& arg(long long n) { return arg(std::to_string(n)); }
    /// Appends every argument of `other`.
    command& append(const command& other) {
        for (std::size_t i = 0; i < other.size(); ++i) arg(other[i]);
        return *this;
    }

    /// Number of arguments.
    [[nodiscard]] std::size_t size() const noexcept { return ends_.size(); }
    /// The i-th argument; valid until the command is changed.
    [[nodiscard]] std::string_view operator[](std::size_t i) const noexcept {
        const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
        return std::string_view(buf_).substr(begin, ends_[i] - begin);
    }

private:
    std::string buf_;
    std::vector<std::size_t> ends_;
};

/// After a failed connect, the pool and the loops' connections wait this long before the next
/// try, doubling up to max_backoff: recovery follows Redis's return within about half a second.
inline constexpr steady::duration first_backoff = std::chrono::milliseconds(50);
inline constexpr steady::duration max_backoff = std::chrono::milliseconds(400);

/// Where and how to connect.
struct connection_config {
    std::string host;                  ///< host name or address
    int port = 6379;                   ///< TCP port
    int db = 0;                        ///< database SELECTed on every (re)connect
    std::chrono::milliseconds timeout; ///< connect and per-command socket timeout
    std::vector<std::string> scripts;  ///< Lua scripts to SCRIPT LOAD on connect (see script_sha)
    std::string user;                  ///< ACL user for AUTH; empty: the default user
    std::string password;              ///< AUTH on every (re)connect when set; never logged
    /// With Sentinel: where the master is (host and port above are then unused), asked on every
    /// (re)connect; connections made under an older generation are dropped.
    std::shared_ptr<master_locator> locator;
};

/// Where cfg's connections go now: host:port, or the locator's master (nothing while none is
/// known), with the locator generation it was read under (0 without one).
struct target {
    endpoint where;
    std::uint64_t generation = 0;
};
[[nodiscard]] std::optional<target> current_target(const connection_config& cfg);

/// "host:port" (or "[v6]:port") for log lines.
[[nodiscard]] std::string endpoint_text(const endpoint& e);

/// What every (re)connect sends first, in one pipeline: AUTH (when cfg has a password), SELECT
/// cfg.db, then SCRIPT LOAD of each of cfg.scripts. Shared by the blocking and the async client.
[[nodiscard]] std::vector<command> hello_commands(const connection_config& cfg);

/// How one reply to hello_commands(cfg)[i] went.
struct hello_reply {
    bool ok = false;
    /// For a log line when !ok: "AUTH", "SELECT 3" or "SCRIPT LOAD" — never an argument of AUTH.
    std::string what;
    /// For an ok SCRIPT LOAD, the index of its script in cfg.scripts; npos otherwise.
    std::size_t script = static_cast<std::size_t>(-1);
};
/// Checks the reply to hello_commands(cfg)[i].
[[nodiscard]] hello_reply check_hello(const connection_config& cfg, std::size_t i, const redisReply& r);

/// A connected, SELECTed context. Not thread-safe: one caller at a time (the pool hands it out).
/// After a transport error (timeout, reset, EOF, protocol error) broken() is true for good and
/// every run() fails: the reply stream can no longer be trusted, so the owner drops it.
class connection {
public:
    /// Connects to cfg.host:cfg.port, AUTHs, SELECTs cfg.db and loads cfg.scripts, all before
    /// `deadline` (and within cfg.timeout). errc::access_denied when Redis refuses the
    /// credentials (or wants some and the config has none), errc::store_unavailable on any other
    /// failure; hiredis's or Redis's message is logged. `cfg` must outlive the connection.
    [[nodiscard]] static result<std::unique_ptr<connection>> open(const connection_config& cfg,
                                                                  steady::time_point deadline);

    /// Sends `cmds` in one write and reads one reply per command (a pipeline), before `deadline`.
    /// Error replies are ordinary replies here. errc::store_unavailable on a transport error or a
    /// passed deadline; on a transport error the connection is broken.
    [[nodiscard]] result<std::vector<reply_ptr>> run(std::span<const command> cmds, steady::time_point deadline);

    /// One command; as run() for a pipeline of one.
    [[nodiscard]] result<reply_ptr> run(const command& cmd, steady::time_point deadline);

    /// True once a transport error happened, or a reply said the server is no master (it is then
    /// reported to the locator): the connection must be dropped.
    [[nodiscard]] bool broken() const noexcept { return broken_; }

    /// True when the locator has moved to another master since this connection was made.
    [[nodiscard]] bool stale() const noexcept {
        return cfg_.locator && cfg_.locator->generation() != generation_;
    }

    /// True when the server has already hung up (or sent bytes nobody asked for) while the
    /// connection sat idle: Redis restarted, or closed it after its `timeout` setting. Costs one
    /// non-blocking recv; sends nothing, so a dead connection is found before a call uses it.
    [[nodiscard]] bool closed_by_peer() const noexcept;

    /// For a subscriber (after SUBSCRIBE): the socket to poll(2) for pushed messages.
    [[nodiscard]] int fd() const noexcept { return ctx_->fd; }
    /// For a subscriber, once poll(2) says fd() is readable: the messages that have arrived whole.
    /// errc::store_unavailable on a transport error (the connection is then broken).
    [[nodiscard]] result<std::vector<reply_ptr>> read_pushed();

    /// The SHA1 Redis gave cfg.scripts[i] on SCRIPT LOAD, for EVALSHA.
    [[nodiscard]] std::string_view script_sha(std::size_t i) const noexcept { return shas_[i]; }

    connection(context_ptr ctx, const connection_config& cfg, target t)
        : ctx_(std::move(ctx)), cfg_(cfg), peer_(endpoint_text(t.where)), generation_(t.generation) {}

private:
    bool set_timeout(steady::duration remaining);
    bool send_all(std::string_view bytes);
    void fail_transport(std::string_view what);

    context_ptr ctx_;
    const connection_config& cfg_;
    std::string peer_;               // host:port, for log lines
    std::uint64_t generation_ = 0;   // the locator's, when connected
    std::vector<std::string> shas_;
    std::chrono::milliseconds socket_timeout_{0};  // what SO_RCVTIMEO/SO_SNDTIMEO hold now
    bool broken_ = false;
};

}  // namespace sesh::detail::redis
