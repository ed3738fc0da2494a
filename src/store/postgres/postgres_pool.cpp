// postgres_pool: leasing connections, reopening broken ones, and logging outages once.
#include "store/postgres/postgres_pool.hpp"

#include <sesh/log.hpp>

#include "store/postgres/postgres_schema.hpp"

namespace sesh::detail {
namespace {

// The first connection migrates the schema, which may wait on another process migrating the same
// database (the advisory lock in postgres_schema.cpp): it gets at least this long, even when the
// call's own timeout is shorter. Only the first call of a process pays it.
constexpr std::chrono::seconds first_migration_time{10};

}  // namespace

postgres_pool::postgres_pool(const postgres_address& address, std::size_t size, std::chrono::milliseconds timeout,
                             std::string label)
    : label_(std::move(label)) {
    for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i) {
        all_.push_back(std::make_unique<postgres_connection>(address, timeout));
        idle_.push_back(all_.back().get());
    }
}

result<postgres_pool::lease> postgres_pool::acquire(postgres_deadline deadline) {
    postgres_connection* c = nullptr;
    {
        std::unique_lock lock(mutex_);
        if (!freed_.wait_until(lock, deadline, [this] { return !idle_.empty(); })) {
            sesh::logger()->warn("postgres store: no connection to {} came free within the timeout", label_);
            return fail(errc::store_unavailable);
        }
        c = idle_.back();
        idle_.pop_back();
    }
    lease out(this, c);
    if (!c->usable()) {
        if (auto r = open(*c, deadline); !r) return fail(r.error());
    }
    return out;
}

result<void> postgres_pool::open(postgres_connection& c, postgres_deadline deadline) {
    std::string why;
    if (auto r = c.connect(deadline, why); !r) {
        if (!down_.exchange(true))
            sesh::logger()->error("postgres store: cannot reach {} ({}); calls fail with store_unavailable until it "
                                  "is back",
                                  label_, why);
        return r;
    }
    if (!migrated_.load(std::memory_order_acquire)) {
        std::lock_guard lock(migrate_mutex_);
        if (!migrated_.load(std::memory_order_relaxed)) {
            const auto until = std::max(deadline, std::chrono::steady_clock::now() + first_migration_time);
            if (auto r = postgres_migrate(c, until, label_); !r) {
                c.close();
                return r;
            }
            migrated_.store(true, std::memory_order_release);
        }
    }
    if (down_.exchange(false)) sesh::logger()->info("postgres store: {} is back", label_);
    return {};
}

void postgres_pool::give_back(postgres_connection* c) noexcept {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(c);
    }
    freed_.notify_one();
}

}  // namespace sesh::detail
