// The non-blocking Redis connection: hiredis's async API on an Asio strand, with per-command
// deadlines, a hello (AUTH + SELECT + SCRIPT LOAD) on every connect, and reconnect backoff.
#include "store/redis/redis_async.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <exception>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <sesh/log.hpp>

namespace sesh::detail::redis {

namespace asio = boost::asio;

namespace {

// hiredis 0.14 writes with write(2), which raises SIGPIPE on a socket the server has reset; the
// default action kills the process, and a library must not change the process's disposition.
// Linux has no SO_NOSIGPIPE and hiredis 0.14 no hook to send(MSG_NOSIGNAL) instead, so SIGPIPE is
// blocked in this thread around the write, and one it raised is taken back with sigtimedwait
// before unblocking (the technique libcurl and OpenSSL's s_server use). A SIGPIPE that was already
// pending before is left alone: it is not ours. The write then just fails with EPIPE, which
// hiredis reports as a lost connection. Costs a few system calls per write event.
class sigpipe_guard {
public:
    sigpipe_guard() noexcept {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
        was_pending_ = pending();
    }
    ~sigpipe_guard() {
        if (!was_pending_ && pending()) {
            const timespec zero{};
            const int saved = errno;
            while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
            }
            errno = saved;
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    sigpipe_guard(const sigpipe_guard&) = delete;
    sigpipe_guard& operator=(const sigpipe_guard&) = delete;

private:
    static bool pending() noexcept {
        sigset_t set;
        sigemptyset(&set);
        return sigpending(&set) == 0 && sigismember(&set, SIGPIPE) == 1;
    }

    sigset_t pipe_{};
    sigset_t old_{};
    bool was_pending_ = false;
};

// privdata is the command's id itself: nothing to allocate or free per command.
void* to_privdata(std::uint64_t id) noexcept { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)); }
std::uint64_t from_privdata(void* p) noexcept { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); }

// Queues `cmd` on `ac` (hiredis formats it binary-safe into its output buffer; nothing is
// written yet: that waits for the write event).
bool submit(redisAsyncContext* ac, redisCallbackFn* fn, void* privdata, const command& cmd) {
    std::vector<const char*> argv(cmd.size());
    std::vector<std::size_t> lens(cmd.size());
    for (std::size_t i = 0; i < cmd.size(); ++i) {
        argv[i] = cmd[i].data();
        lens[i] = cmd[i].size();
    }
    return redisAsyncCommandArgv(ac, fn, privdata, static_cast<int>(cmd.size()), argv.data(), lens.data()) == REDIS_OK;
}

}  // namespace

/// The Asio side of one redisAsyncContext: hiredis's ev hooks mapped onto async_wait on the
/// context's socket. It does not own the socket (hiredis closes it) and lives until hiredis's
/// cleanup hook, which hiredis calls just before closing it, whoever frees the context. Runs on the
/// connection's strand; every handler first locks the connection, so a connection destroyed on
/// another thread is never raced (its destructor frees the context only once nothing holds it).
class async_watcher : public std::enable_shared_from_this<async_watcher> {
public:
    /// Installs the hooks on `ac`. Throws (from Asio) if the socket cannot be registered; the
    /// hooks are then untouched.
    static std::shared_ptr<async_watcher> attach(redisAsyncContext* ac, const asio::strand<asio::io_context::executor_type>& ex,
                                                 std::weak_ptr<async_connection> owner) {
        auto w = std::shared_ptr<async_watcher>(new async_watcher(ac, ex, std::move(owner)));
        w->self_ = w;  // hiredis's reference, dropped by cleanup
        ac->ev.data = w.get();
        ac->ev.addRead = [](void* p) { static_cast<async_watcher*>(p)->want(true, true); };
        ac->ev.delRead = [](void* p) { static_cast<async_watcher*>(p)->want(true, false); };
        ac->ev.addWrite = [](void* p) { static_cast<async_watcher*>(p)->want(false, true); };
        ac->ev.delWrite = [](void* p) { static_cast<async_watcher*>(p)->want(false, false); };
        ac->ev.cleanup = [](void* p) { static_cast<async_watcher*>(p)->cleanup(); };
        return w;
    }

private:
    async_watcher(redisAsyncContext* ac, const asio::strand<asio::io_context::executor_type>& ex,
                  std::weak_ptr<async_connection> owner)
        : ac_(ac), fd_(ex, ac->c.fd), owner_(std::move(owner)) {}

    // hiredis's hooks are idempotent "keep watching" / "stop watching" switches.
    void want(bool read, bool on) {
        (read ? want_read_ : want_write_) = on;
        arm(read);
    }

    void arm(bool read) {
        bool& armed = read ? read_armed_ : write_armed_;
        if (ac_ == nullptr || armed || !(read ? want_read_ : want_write_)) return;
        armed = true;
        // Asio re-arms the descriptor in epoll on every async_wait, so readiness left over from a
        // partial read (hiredis reads 16 KiB per call) is reported again, not lost to edge
        // triggering.
        fd_.async_wait(read ? asio::posix::stream_descriptor::wait_read : asio::posix::stream_descriptor::wait_write,
                       [self = shared_from_this(), read](const boost::system::error_code& ec) { self->ready(read, ec); });
    }

    void ready(bool read, const boost::system::error_code& ec) {
        const auto owner = owner_.lock();  // pins the connection while hiredis calls into it
        if (!owner) return;
        (read ? read_armed_ : write_armed_) = false;
        if (ec || ac_ == nullptr) return;  // cancelled by cleanup
        if (read) {
            if (want_read_) redisAsyncHandleRead(ac_);  // may free ac_ (EOF): cleanup nulls it
        } else if (want_write_) {
            const sigpipe_guard guard;
            redisAsyncHandleWrite(ac_);
        }
        arm(true);
        arm(false);
    }

    void cleanup() {
        ac_ = nullptr;
        fd_.release();  // hiredis closes the socket; release cancels our waits and leaves epoll
        auto last = std::move(self_);
    }

    redisAsyncContext* ac_;
    asio::posix::stream_descriptor fd_;
    std::weak_ptr<async_connection> owner_;
    bool want_read_ = false;
    bool want_write_ = false;
    bool read_armed_ = false;
    bool write_armed_ = false;
    std::shared_ptr<async_watcher> self_;
};

std::shared_ptr<async_connection> async_connection::create(asio::io_context::executor_type ex, connection_config cfg) {
    return std::shared_ptr<async_connection>(new async_connection(ex, std::move(cfg)));
}

async_connection::async_connection(asio::io_context::executor_type ex, connection_config cfg)
    : cfg_(std::move(cfg)),
      strand_(asio::make_strand(ex)),
      timer_(strand_),
      shas_(cfg_.scripts.size()),
      backoff_(first_backoff) {}

async_connection::~async_connection() {
    // Nothing is in flight (self_ pins the connection until then), so only an idle context is
    // left. Its hiredis callbacks must not reach this object any more.
    if (ac_ != nullptr) {
        ac_->data = nullptr;
        redisAsyncFree(ac_);
    }
}

void async_connection::run(command cmd, steady::time_point deadline, reply_callback done) {
    asio::dispatch(strand_, [self = shared_from_this(), o = op{std::move(cmd), deadline, std::move(done)}]() mutable {
        self->start(std::move(o));
    });
}

void async_connection::run_script(std::size_t i, command keys_and_args, steady::time_point deadline, reply_callback done) {
    asio::dispatch(strand_, [self = shared_from_this(), o = op{std::move(keys_and_args), deadline, std::move(done), i}]() mutable {
        self->start(std::move(o));
    });
}

void async_connection::close() {
    asio::dispatch(strand_, [self = shared_from_this()] {
        self->next_connect_ = {};
        self->tear_down(nullptr, {}, false, false);
    });
}

void async_connection::start(op o) {
    // Nothing sent, nothing hung: fail this command alone.
    if (o.deadline <= steady::now()) return o.done(fail(errc::store_unavailable));
    // The sentinels name another master now: move there (what is in flight on the old one fails).
    if (ac_ != nullptr && cfg_.locator && cfg_.locator->generation() != generation_) tear_down(nullptr, {}, false, false);
    if (ac_ == nullptr) {
        // Redis refused a moment ago: fail now rather than queue behind the backoff or connect
        // again (a connect storm against a server that is coming back).
        if (steady::now() < next_connect_ || !connect()) return o.done(fail(errc::store_unavailable));
    }
    const std::uint64_t id = next_id_++;
    op& slot = ops_.emplace(id, std::move(o)).first->second;
    if (!self_) self_ = shared_from_this();
    arm_timer(slot.deadline);
    if (hello_pending_ > 0) {
        queued_.push_back(id);  // sent after the SELECT: never against the wrong database
    } else {
        send(id, slot);
    }
}

bool async_connection::connect() {
    auto t = current_target(cfg_);
    if (!t) {
        // No master known (the locator logged it): back off as after a refused connect.
        tear_down(nullptr, {}, true, true);
        return false;
    }
    peer_ = endpoint_text(t->where);
    generation_ = t->generation;
    redisAsyncContext* ac = redisAsyncConnect(t->where.host.c_str(), t->where.port);
    if (ac == nullptr || ac->err != 0) {
        tear_down("connect", ac != nullptr ? ac->errstr : "cannot allocate a connection", true, true);
        if (ac != nullptr) redisAsyncFree(ac);  // no hooks, no callbacks yet: just closes
        return false;
    }
    try {
        watcher_ = async_watcher::attach(ac, strand_, weak_from_this());
    } catch (const std::exception& e) {
        tear_down("connect", e.what(), true, true);
        redisAsyncFree(ac);
        return false;
    }
    ac->data = this;
    ac_ = ac;
    // The connect callback is set after the hooks: setting it asks for the first write event.
    redisAsyncSetConnectCallback(ac, &hiredis_on_connect);
    redisAsyncSetDisconnectCallback(ac, &hiredis_on_disconnect);

    // The hello (hello_commands), pipelined behind the connect.
    hello_ok_ = true;
    const auto hello = hello_commands(cfg_);
    hello_pending_ = hello.size();
    bool queued = true;
    for (std::size_t i = 0; i < hello.size(); ++i)
        queued = queued && submit(ac, &hiredis_on_hello, to_privdata(i), hello[i]);
    if (!queued) {
        tear_down("connect", "cannot queue the hello", false, true);
        return false;
    }
    return true;
}

void async_connection::send(std::uint64_t id, op& o) {
    command script_cmd;
    const command* cmd = &o.cmd;
    if (o.script != no_script) {
        // No SHA if SCRIPT LOAD was never answered: cannot happen after a hello, but EVAL is right.
        const std::string& sha = shas_[o.script];
        script_cmd = o.fell_back || sha.empty() ? command{"EVAL", cfg_.scripts[o.script]} : command{"EVALSHA", sha};
        cmd = &script_cmd.append(o.cmd);
    }
    if (!submit(ac_, &hiredis_on_reply, to_privdata(id), *cmd)) {
        // hiredis refuses only while it is tearing the context down (or out of memory).
        tear_down("send", "hiredis refused a command", false, false);
        return;
    }
    if (o.script == no_script) o.cmd = command();  // hiredis has its own copy now
}

void async_connection::on_hello(std::size_t i, const redisReply* r) {
    if (r == nullptr) return tear_down("connect", ac_ != nullptr ? ac_->errstr : "", true, true);
    --hello_pending_;
    const auto step = check_hello(cfg_, i, *r);
    if (!step.ok) {
        log_down(step.what, reply_text(*r));
        hello_ok_ = false;
    } else if (step.script < shas_.size()) {
        shas_[step.script] = reply_text(*r);
    }
    if (hello_pending_ > 0) return;
    // A refused AUTH, SELECT or script is a configuration error: retried with backoff, never ignored.
    if (!hello_ok_) return tear_down(nullptr, {}, false, true);

    backoff_ = first_backoff;
    next_connect_ = {};
    if (down_logged_) sesh::logger()->info("sesh redis {}: connected again", peer_);
    down_logged_ = false;
    const auto ids = std::exchange(queued_, {});
    for (const std::uint64_t id : ids) {
        if (ac_ == nullptr) break;  // a send failed and tore it all down
        if (auto it = ops_.find(id); it != ops_.end()) send(id, it->second);
    }
}

void async_connection::on_reply(std::uint64_t id, const redisReply* r) {
    // A null reply: hiredis is freeing the context (EOF, reset, protocol error).
    if (r == nullptr) return tear_down("connection lost", ac_ != nullptr ? ac_->errstr : "", true, hello_pending_ > 0);
    const auto it = ops_.find(id);
    if (it == ops_.end()) return;
    op& o = it->second;
    // After a SCRIPT FLUSH (or a failover to a replica without the script), EVAL sends the text
    // once and Redis caches it again, as redis_store's eval() does.
    if (o.script != no_script && !o.fell_back && r->type == REDIS_REPLY_ERROR && reply_text(*r).starts_with("NOSCRIPT")) {
        o.fell_back = true;
        return send(id, o);
    }
    const auto done = std::move(o.done);
    ops_.erase(it);
    // Our caller pins this object; the pin is dropped so a connection nobody else holds can go.
    const auto unpin = ops_.empty() ? std::move(self_) : nullptr;
    // A master turned replica (a failover) or still loading: the caller sees the error reply (an
    // outage), the locator asks the sentinels again, and the next command reconnects.
    const bool no_master = cfg_.locator && r->type == REDIS_REPLY_ERROR && means_no_master(reply_text(*r));
    done(r);
    if (no_master) {
        cfg_.locator->suspect();
        tear_down(nullptr, {}, false, false);
    }
}

void async_connection::arm_timer(steady::time_point at) {
    if (at >= timer_at_) return;
    timer_at_ = at;
    timer_.expires_at(at);
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (ec == asio::error::operation_aborted) return;
        if (const auto self = weak.lock()) self->on_timer();
    });
}

// A missed deadline means the server (or the path to it) is hung: replies come in order, so
// every later command would wait behind the missing reply. Failing them all now answers each
// caller within its own deadline instead of one timeout after another.
void async_connection::on_timer() {
    timer_at_ = steady::time_point::max();
    const auto now = steady::now();
    auto earliest = steady::time_point::max();
    for (const auto& [id, o] : ops_) {
        if (o.deadline <= now) return tear_down("no reply before a deadline", "dropping the connection", false, hello_pending_ > 0);
        earliest = std::min(earliest, o.deadline);
    }
    if (earliest != steady::time_point::max()) arm_timer(earliest);
}

void async_connection::tear_down(const char* what, std::string_view why, bool hiredis_frees_it, bool failed_to_connect) {
    if (what != nullptr) log_down(what, why);
    if (redisAsyncContext* ac = std::exchange(ac_, nullptr)) {
        ac->data = nullptr;  // its remaining callbacks (null replies, disconnect) are ignored
        // Inside one of its callbacks hiredis defers this until the callback returns.
        if (!hiredis_frees_it) redisAsyncFree(ac);
    }
    watcher_.reset();  // it lives on until hiredis's cleanup hook
    hello_pending_ = 0;
    queued_.clear();
    if (failed_to_connect) {
        next_connect_ = steady::now() + backoff_;
        backoff_ = std::min(backoff_ * 2, max_backoff);
    }
    timer_.cancel();
    timer_at_ = steady::time_point::max();
    // State first, callbacks last: a callback may run() again (reconnecting) or drop the last
    // reference (the pin is released after the loop, and our caller holds another).
    auto failed = std::exchange(ops_, {});
    const auto unpin = std::move(self_);
    for (auto& [id, o] : failed) o.done(fail(errc::store_unavailable));
}

void async_connection::log_down(std::string_view what, std::string_view why) {
    if (down_logged_) return;  // once per outage, not once per command
    down_logged_ = true;
    sesh::logger()->warn("sesh redis {}: {}: {}", peer_, what, why);
    if (cfg_.locator) cfg_.locator->suspect();
}

void async_connection::hiredis_on_connect(const redisAsyncContext* ac, int status) {
    auto* self = static_cast<async_connection*>(ac->data);
    // hiredis frees the context right after this callback; its errstr is set before.
    if (self != nullptr && status != REDIS_OK) self->tear_down("connect", ac->c.errstr, true, true);
}

void async_connection::hiredis_on_disconnect(const redisAsyncContext* ac, int /*status*/) {
    // Reached with ac->data set only when hiredis dropped an idle connection (EOF, reset): with
    // commands pending, their null replies tore it down first.
    auto* self = static_cast<async_connection*>(ac->data);
    if (self != nullptr) self->tear_down("connection lost", ac->c.errstr, true, self->hello_pending_ > 0);
}

void async_connection::hiredis_on_hello(redisAsyncContext* ac, void* reply, void* privdata) {
    auto* self = static_cast<async_connection*>(ac->data);
    if (self != nullptr) self->on_hello(static_cast<std::size_t>(from_privdata(privdata)), static_cast<const redisReply*>(reply));
}

void async_connection::hiredis_on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
    auto* self = static_cast<async_connection*>(ac->data);
    if (self != nullptr) self->on_reply(from_privdata(privdata), static_cast<const redisReply*>(reply));
}

}  // namespace sesh::detail::redis
