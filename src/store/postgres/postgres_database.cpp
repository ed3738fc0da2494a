// postgres_database: the pool and workers of one database, for every store over it.
#include "store/postgres/postgres_database.hpp"

#include <algorithm>

namespace sesh::detail {
namespace {

// The URL as log lines show it: everything but the password.
std::string label_of(const postgres_address& a) {
    const bool v6 = a.host.find(':') != std::string::npos;
    return "postgres://" + a.user + "@" + (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port) + "/" +
           a.database;
}

}  // namespace

postgres_database::postgres_database(std::unique_ptr<postgres_pool> pool, std::size_t workers,
                                     std::chrono::milliseconds timeout)
    : pool_(std::move(pool)),
      workers_(std::make_shared<boost::asio::thread_pool>(std::max<std::size_t>(workers, 1))),
      timeout_(timeout) {}

result<std::shared_ptr<postgres_database>> postgres_database::open(const postgres_address& address,
                                                                   const store_options& options) {
    if (options.timeout <= std::chrono::milliseconds::zero()) return fail(errc::invalid_argument);
    auto pool = std::make_unique<postgres_pool>(address, options.pool_size, options.timeout, label_of(address));
    std::shared_ptr<postgres_database> db(new postgres_database(std::move(pool), options.pool_size, options.timeout));
    // Opens (and migrates) one connection now, so the first request does not pay for it; a
    // failure is logged by the pool and retried by the next call.
    (void)db->pool().acquire(db->deadline());
    return db;
}

}  // namespace sesh::detail
