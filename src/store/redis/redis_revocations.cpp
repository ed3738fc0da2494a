// revocation_mirror: see redis_revocations.hpp. The thread holds one subscribed connection
// (waking every 100 ms to look at its flags), and opens a second connection only to read every
// entry after (re)subscribing.
#include "store/redis/redis_revocations.hpp"

#include <mutex>

#include <sesh/log.hpp>

#include "store/redis/redis_record.hpp"

namespace sesh::detail::redis {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds mirror_tick{100};       // how often the thread looks at its flags
constexpr milliseconds mirror_retry{200};      // after a failed (re)subscribe or read
constexpr auto prune_every = std::chrono::seconds(10);  // expired deny entries dropped
constexpr std::size_t scan_batch = 1000;

// The key prefixes the mirror reads, with the map each fills.
enum class entry { deny, not_before };

}  // namespace

std::string revocation_channel(int db) { return "sesh:revocations:" + std::to_string(db); }

std::string deny_message(std::string_view jti, clock::time_point until) {
    return "d " + encode_time(until) + " " + std::string(jti);
}

std::string not_before_message(std::string_view user_id, clock::time_point t) {
    return "n " + encode_time(t) + " " + std::string(user_id);
}

revocation_mirror::revocation_mirror(connection_config cfg)
    : cfg_([&] {
          cfg.scripts.clear();
          return std::move(cfg);
      }()),
      channel_(revocation_channel(cfg_.db)) {
    watcher_.start([this] { follow(); });
}

revocation_mirror::~revocation_mirror() { watcher_.stop(); }

std::optional<bool> revocation_mirror::revoked(std::string_view jti, std::string_view user_id,
                                               clock::time_point issued_at, clock::time_point now) const {
    if (!current()) return std::nullopt;
    std::shared_lock lock(mutex_);
    if (!jti.empty()) {
        if (const auto it = denied_.find(jti); it != denied_.end() && now < it->second) return true;
    }
    if (!user_id.empty()) {
        if (const auto it = not_before_.find(user_id); it != not_before_.end() && issued_at < it->second)
            return true;
    }
    return false;
}

void revocation_mirror::apply(std::string_view message) {
    std::unique_lock lock(mutex_);
    apply_locked(message);
}

// A message the mirror does not understand is ignored (and logged): it cannot be a revocation
// sesh wrote, and the next full read corrects anything missed.
void revocation_mirror::apply_locked(std::string_view message) {
    const auto space = message.find(' ', 2);
    const auto t = space == std::string_view::npos || message.size() < 2 || message[1] != ' '
                       ? std::nullopt
                       : decode_time(message.substr(2, space - 2));
    if (!t || (message[0] != 'd' && message[0] != 'n')) {
        sesh::logger()->warn("sesh redis: {}: a message that is no revocation, ignored", channel_);
        return;
    }
    std::string id(message.substr(space + 1));
    if (message[0] == 'd') {
        auto& until = denied_[std::move(id)];
        until = std::max(until, *t);
    } else {
        not_before_[std::move(id)] = *t;  // a plain SET in Redis: the last one wins
    }
}

void revocation_mirror::prune(clock::time_point now) {
    std::unique_lock lock(mutex_);
    std::erase_if(denied_, [now](const auto& e) { return e.second <= now; });
}

// Every deny entry and not-before time, read into fresh maps that then replace the old ones (an
// entry deleted by hand in Redis goes too). Messages that arrived meanwhile wait in the
// subscribed socket and are applied afterwards, in order.
bool revocation_mirror::fill(steady::time_point deadline) {
    auto c = connection::open(cfg_, deadline);
    if (!c) return false;
    time_by_text denied, not_before;
    for (const auto kind : {entry::deny, entry::not_before}) {
        const std::string_view prefix = kind == entry::deny ? deny_prefix : not_before_prefix;
        auto& into = kind == entry::deny ? denied : not_before;
        std::string cursor = "0";
        do {
            // A whole read may take longer than one call's timeout: each round trip gets its own.
            auto page = (*c)->run(command{"SCAN", cursor, "MATCH", std::string(prefix) + "*", "COUNT",
                                          std::to_string(scan_batch)},
                                  steady::now() + cfg_.timeout);
            if (!page || (*page)->type != REDIS_REPLY_ARRAY || (*page)->elements != 2 ||
                (*page)->element[1]->type != REDIS_REPLY_ARRAY)
                return false;
            cursor = std::string(reply_text(*(*page)->element[0]));
            const redisReply& keys = *(*page)->element[1];
            if (keys.elements == 0) continue;
            command mget{"MGET"};
            for (std::size_t i = 0; i < keys.elements; ++i) mget.arg(reply_text(*keys.element[i]));
            auto values = (*c)->run(mget, steady::now() + cfg_.timeout);
            if (!values || (*values)->type != REDIS_REPLY_ARRAY || (*values)->elements != keys.elements) return false;
            for (std::size_t i = 0; i < keys.elements; ++i) {
                const auto t = decode_time(reply_text(*(*values)->element[i]));
                if (t) into[std::string(reply_text(*keys.element[i]).substr(prefix.size()))] = *t;
            }
        } while (cursor != "0" && !watcher_.stopping());
    }
    std::unique_lock lock(mutex_);
    denied_ = std::move(denied);
    not_before_ = std::move(not_before);
    return true;
}

void revocation_mirror::follow() {
    std::unique_ptr<connection> sub;
    auto last_prune = steady::now();
    while (!watcher_.stopping()) {
        if (!sub || sub->broken() || sub->stale()) {
            if (sub) sesh::logger()->info("sesh redis: revocations: resubscribing (the connection was lost or the master moved)");
            current_.store(false, std::memory_order_release);
            sub.reset();
            auto c = connection::open(cfg_, steady::now() + cfg_.timeout);
            if (c) {
                auto ok = (*c)->run(command{"SUBSCRIBE", channel_}, steady::now() + cfg_.timeout);
                if (ok && (*ok)->type == REDIS_REPLY_ARRAY && fill(steady::now() + cfg_.timeout)) sub = std::move(*c);
            }
            if (!sub) {
                (void)watcher_.wait(-1, mirror_retry);
                continue;
            }
            current_.store(true, std::memory_order_release);
        }
        const bool readable = watcher_.wait(sub->fd(), mirror_tick);
        if (watcher_.stopping()) break;
        if (readable) {
            auto messages = sub->read_pushed();
            if (!messages) continue;  // broken: resubscribed above
            std::unique_lock lock(mutex_);
            for (const auto& m : *messages) {
                // ["message", CHANNEL, TEXT]
                if (m->type == REDIS_REPLY_ARRAY && m->elements == 3 && reply_text(*m->element[0]) == "message")
                    apply_locked(reply_text(*m->element[2]));
            }
        }
        if (steady::now() - last_prune >= prune_every) {
            prune(system_clock().now());  // Redis expires the keys on its own (real) clock too
            last_prune = steady::now();
        }
    }
}

}  // namespace sesh::detail::redis
