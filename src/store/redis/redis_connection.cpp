// One blocking hiredis connection: connect + SELECT + SCRIPT LOAD, and deadline-bounded pipelines.
#include "store/redis/redis_connection.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <sesh/log.hpp>

namespace sesh::detail::redis {
namespace {

using std::chrono::milliseconds;

// A zero timeval means "no timeout" to setsockopt: never send one.
timeval to_timeval(milliseconds ms) noexcept {
    ms = std::max(ms, milliseconds(1));
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

milliseconds ceil_ms(steady::duration d) noexcept { return std::chrono::ceil<milliseconds>(d); }

}  // namespace

std::string endpoint_text(const endpoint& e) {
    return e.host.find(':') != std::string::npos ? "[" + e.host + "]:" + std::to_string(e.port)
                                                 : e.host + ":" + std::to_string(e.port);
}

std::optional<target> current_target(const connection_config& cfg) {
    if (!cfg.locator) return target{endpoint{cfg.host, cfg.port}, 0};
    // The generation first: if the master moves in between, the connection is merely stale.
    const auto generation = cfg.locator->generation();
    auto m = cfg.locator->master();
    if (!m) return std::nullopt;
    return target{std::move(*m), generation};
}

// One round trip: the credentials and the DB choice (lost with every connection) and the scripts
// (lost with every Redis restart, so loading them here keeps EVALSHA working after an outage).
std::vector<command> hello_commands(const connection_config& cfg) {
    std::vector<command> out;
    out.reserve(2 + cfg.scripts.size());
    if (!cfg.password.empty())
        out.push_back(cfg.user.empty() ? command{"AUTH", cfg.password} : command{"AUTH", cfg.user, cfg.password});
    out.push_back(command{"SELECT", std::to_string(cfg.db)});
    for (const auto& s : cfg.scripts) out.push_back(command{"SCRIPT", "LOAD", s});
    return out;
}

hello_reply check_hello(const connection_config& cfg, std::size_t i, const redisReply& r) {
    const std::size_t first_script = cfg.password.empty() ? 1 : 2;
    if (i >= first_script) return {r.type == REDIS_REPLY_STRING, "SCRIPT LOAD", i - first_script};
    const bool auth = i == 0 && !cfg.password.empty();
    return {r.type == REDIS_REPLY_STATUS, auth ? "AUTH" : "SELECT " + std::to_string(cfg.db)};
}

result<std::unique_ptr<connection>> connection::open(const connection_config& cfg, steady::time_point deadline) {
    const auto remaining = deadline - steady::now();
    if (remaining <= steady::duration::zero()) return fail(errc::store_unavailable);
    auto t = current_target(cfg);
    if (!t) return fail(errc::store_unavailable);  // no master known: the locator logged it
    const timeval tv = to_timeval(std::min(ceil_ms(remaining), cfg.timeout));
    const std::string peer = endpoint_text(t->where);
    context_ptr ctx(redisConnectWithTimeout(t->where.host.c_str(), t->where.port, tv));
    if (!ctx) {
        sesh::logger()->warn("sesh redis {}: cannot allocate a connection", peer);
        return fail(errc::store_unavailable);
    }
    if (ctx->err != 0) {
        sesh::logger()->warn("sesh redis {}: connect: {}", peer, ctx->errstr);
        if (cfg.locator) cfg.locator->suspect();
        return fail(errc::store_unavailable);
    }
    auto conn = std::make_unique<connection>(std::move(ctx), cfg, std::move(*t));

    auto replies = conn->run(hello_commands(cfg), deadline);
    if (!replies) return fail(replies.error());
    conn->shas_.resize(cfg.scripts.size());
    for (std::size_t i = 0; i < replies->size(); ++i) {
        const auto step = check_hello(cfg, i, *(*replies)[i]);
        if (!step.ok) {
            const std::string_view why = reply_text(*(*replies)[i]);
            sesh::logger()->error("sesh redis {}: {}: {}", peer, step.what, why);
            // NOAUTH: the server wants a password the URL does not give.
            return fail(step.what == "AUTH" || why.starts_with("NOAUTH") ? errc::access_denied : errc::store_unavailable);
        }
        if (step.script < cfg.scripts.size()) conn->shas_[step.script] = reply_text(*(*replies)[i]);
    }
    return conn;
}

result<reply_ptr> connection::run(const command& cmd, steady::time_point deadline) {
    auto replies = run(std::span<const command>(&cmd, 1), deadline);
    if (!replies) return fail(replies.error());
    return std::move(replies->front());
}

result<std::vector<reply_ptr>> connection::run(std::span<const command> cmds, steady::time_point deadline) {
    if (broken_) return fail(errc::store_unavailable);
    const auto remaining = deadline - steady::now();
    // Nothing sent yet, so the connection stays usable for the next caller.
    if (remaining <= steady::duration::zero()) return fail(errc::store_unavailable);
    if (!set_timeout(remaining)) return fail(errc::store_unavailable);

    std::string out;
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const command& c : cmds) {
        argv.clear();
        lens.clear();
        for (std::size_t i = 0; i < c.size(); ++i) {
            argv.push_back(c[i].data());
            lens.push_back(c[i].size());
        }
        char* formatted = nullptr;
        const int n = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), argv.data(), lens.data());
        if (n < 0) {
            sesh::logger()->error("sesh redis {}: out of memory formatting a command", peer_);
            return fail(errc::store_unavailable);
        }
        out.append(formatted, static_cast<std::size_t>(n));
        redisFreeCommand(formatted);
    }
    if (!send_all(out)) return fail(errc::store_unavailable);

    // The output buffer of the context is empty, so redisGetReply only reads.
    std::vector<reply_ptr> replies;
    replies.reserve(cmds.size());
    for (std::size_t i = 0; i < cmds.size(); ++i) {
        void* r = nullptr;
        if (redisGetReply(ctx_.get(), &r) != REDIS_OK || r == nullptr) {
            fail_transport(ctx_->errstr);
            return fail(errc::store_unavailable);
        }
        replies.emplace_back(static_cast<redisReply*>(r));
        // A master turned replica (a failover) or still loading: this connection is done, and the
        // locator asks the sentinels again. The caller sees the error reply (an outage).
        if (cfg_.locator && replies.back()->type == REDIS_REPLY_ERROR && means_no_master(reply_text(*replies.back()))) {
            cfg_.locator->suspect();
            broken_ = true;
        }
    }
    return replies;
}

result<std::vector<reply_ptr>> connection::read_pushed() {
    std::vector<reply_ptr> out;
    if (broken_) return fail(errc::store_unavailable);
    if (redisBufferRead(ctx_.get()) != REDIS_OK) {
        fail_transport(ctx_->errstr);
        return fail(errc::store_unavailable);
    }
    void* r = nullptr;
    while (true) {
        if (redisGetReplyFromReader(ctx_.get(), &r) != REDIS_OK) {
            fail_transport(ctx_->errstr);
            return fail(errc::store_unavailable);
        }
        if (r == nullptr) return out;
        out.emplace_back(static_cast<redisReply*>(r));
        r = nullptr;
    }
}

bool connection::closed_by_peer() const noexcept {
    char byte = 0;
    const ssize_t n = ::recv(ctx_->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

// The socket timeout is the configured one, or less when the caller's deadline is nearer (it
// waited for a pooled connection): a call never outlives its deadline by a whole timeout. The 90%
// band keeps the common case free of setsockopt calls.
bool connection::set_timeout(steady::duration remaining) {
    milliseconds want = cfg_.timeout;
    if (remaining < cfg_.timeout * 9 / 10) want = std::max(ceil_ms(remaining), milliseconds(1));
    if (want == socket_timeout_) return true;
    if (redisSetTimeout(ctx_.get(), to_timeval(want)) != REDIS_OK) {
        fail_transport(ctx_->errstr);
        return false;
    }
    socket_timeout_ = want;
    return true;
}

// hiredis 0.14 writes with write(2), which raises SIGPIPE on a socket the server has reset and
// would kill the process during an outage. send(MSG_NOSIGNAL) turns that into EPIPE instead,
// without touching the process's signal handlers. SO_SNDTIMEO bounds each send (EAGAIN).
bool connection::send_all(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(ctx_->fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string why = std::error_code(errno, std::system_category()).message();
            fail_transport(why);
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void connection::fail_transport(std::string_view what) {
    broken_ = true;
    sesh::logger()->warn("sesh redis {}: connection lost: {}", peer_, what);
    if (cfg_.locator) cfg_.locator->suspect();
}

}  // namespace sesh::detail::redis
