// master_locator: see redis_sentinel.hpp. The watcher thread keeps one subscription to a sentinel
// (poll(2) on its socket, so it wakes every 100 ms to see whether a connection suspects the
// master or the locator is stopping) and re-asks the sentinels every few seconds anyway: a missed
// +switch-master message (the subscribed sentinel restarted) costs a few seconds, never forever.
#include "store/redis/redis_sentinel.hpp"

#include <sys/time.h>

#include <sesh/log.hpp>

#include "store/redis/redis_connection.hpp"

namespace sesh::detail::redis {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds tick{100};                 // how often the watcher looks at its flags
constexpr milliseconds recheck{2000};             // re-asking with a master known
constexpr milliseconds recheck_without{200};      // re-asking while none is

context_ptr sentinel_connect(const endpoint& e, milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    context_ptr c(redisConnectWithTimeout(e.host.c_str(), e.port, tv));
    if (!c || c->err != 0) return nullptr;
    if (redisSetTimeout(c.get(), tv) != REDIS_OK) return nullptr;
    return c;
}

reply_ptr sentinel_run(redisContext& c, const command& cmd) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (std::size_t i = 0; i < cmd.size(); ++i) {
        argv.push_back(cmd[i].data());
        lens.push_back(cmd[i].size());
    }
    return reply_ptr(static_cast<redisReply*>(redisCommandArgv(&c, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

}  // namespace

bool means_no_master(std::string_view error_reply) noexcept {
    return error_reply.starts_with("READONLY") || error_reply.starts_with("LOADING") ||
           error_reply.starts_with("MASTERDOWN");
}

master_locator::master_locator(std::vector<endpoint> sentinels, std::string master_name, std::string user,
                               std::string password, milliseconds timeout)
    : sentinels_(std::move(sentinels)),
      name_(std::move(master_name)),
      user_(std::move(user)),
      password_(std::move(password)),
      timeout_(timeout),
      label_("redis-sentinel " + name_) {
    discover();
    watcher_.start([this] { watch(); });
}

master_locator::~master_locator() { watcher_.stop(); }

std::optional<endpoint> master_locator::master() const {
    std::lock_guard lock(mutex_);
    return master_;
}

void master_locator::suspect() noexcept { suspected_.store(true, std::memory_order_release); }

// Asks each sentinel in turn for the master's address and checks it with ROLE: a sentinel that
// has not seen a failover yet may still name the old master, which now answers "slave".
bool master_locator::discover() {
    for (const endpoint& s : sentinels_) {
        auto sc = sentinel_connect(s, timeout_);
        if (!sc) continue;
        auto r = sentinel_run(*sc, command{"SENTINEL", "get-master-addr-by-name", name_});
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) continue;
        endpoint candidate{std::string(reply_text(*r->element[0])), 0};
        try {
            candidate.port = std::stoi(std::string(reply_text(*r->element[1])));
        } catch (const std::exception&) {
            continue;
        }
        auto mc = sentinel_connect(candidate, timeout_);
        if (!mc) continue;
        if (!password_.empty()) {
            auto auth = sentinel_run(*mc, user_.empty() ? command{"AUTH", password_} : command{"AUTH", user_, password_});
            if (!auth || auth->type == REDIS_REPLY_ERROR) continue;  // the data connections log the refusal
        }
        auto role = sentinel_run(*mc, command{"ROLE"});
        if (!role || role->type != REDIS_REPLY_ARRAY || role->elements == 0 || reply_text(*role->element[0]) != "master")
            continue;
        set_master(std::move(candidate));
        return true;
    }
    set_master(std::nullopt);
    return false;
}

void master_locator::set_master(std::optional<endpoint> m) {
    {
        std::lock_guard lock(mutex_);
        if (m == master_) return;
        master_ = m;
        generation_.fetch_add(1, std::memory_order_acq_rel);
    }
    if (m)
        sesh::logger()->info("sesh {}: the master is {}", label_, endpoint_text(*m));
    else
        sesh::logger()->warn("sesh {}: no master known (no sentinel reachable, or a failover under way); "
                             "requests that need the store get 503 until one is", label_);
}

void master_locator::watch() {
    context_ptr sub;
    auto last_check = std::chrono::steady_clock::now();
    std::size_t next_sentinel = 0;
    while (!watcher_.stopping()) {
        if (!sub) {
            // Subscribe to +switch-master on the next sentinel that answers.
            for (std::size_t i = 0; i < sentinels_.size() && !sub; ++i) {
                const auto& s = sentinels_[(next_sentinel + i) % sentinels_.size()];
                sub = sentinel_connect(s, timeout_);
                if (!sub) continue;
                auto ok = sentinel_run(*sub, command{"SUBSCRIBE", "+switch-master"});
                if (!ok || ok->type != REDIS_REPLY_ARRAY) sub.reset();
            }
            ++next_sentinel;
        }
        bool changed = false;
        const bool readable = watcher_.wait(sub ? sub->fd : -1, tick);
        if (watcher_.stopping()) break;
        if (sub && readable) {
            if (redisBufferRead(sub.get()) != REDIS_OK) {
                sub.reset();
                changed = true;  // the subscription is lost: a message may be too
            } else {
                void* r = nullptr;
                while (redisGetReplyFromReader(sub.get(), &r) == REDIS_OK && r != nullptr) {
                    reply_ptr msg(static_cast<redisReply*>(r));
                    // ["message", "+switch-master", "NAME OLDHOST OLDPORT NEWHOST NEWPORT"]
                    if (msg->type == REDIS_REPLY_ARRAY && msg->elements == 3 &&
                        reply_text(*msg->element[2]).starts_with(name_ + " "))
                        changed = true;
                    r = nullptr;
                }
            }
        }
        const auto now = std::chrono::steady_clock::now();
        const bool known = master().has_value();
        if (changed || suspected_.exchange(false) || now - last_check >= (known ? recheck : recheck_without)) {
            discover();
            last_check = std::chrono::steady_clock::now();
        }
    }
}

}  // namespace sesh::detail::redis
