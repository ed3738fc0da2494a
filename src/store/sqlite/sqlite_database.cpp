// sqlite_database: opening one file's pool and workers, for every store over it.
#include "store/sqlite/sqlite_database.hpp"

#include <algorithm>

namespace sesh::detail {

sqlite_database::sqlite_database(std::unique_ptr<sqlite_pool> pool, std::size_t workers)
    : pool_(std::move(pool)), workers_(std::make_shared<boost::asio::thread_pool>(std::max<std::size_t>(workers, 1))) {}

result<std::shared_ptr<sqlite_database>> sqlite_database::open(const std::string& path, const store_options& options) {
    // store_options::timeout bounds a call waiting on the file lock another process holds.
    auto pool = sqlite_pool::open(path, options.pool_size, options.timeout);
    if (!pool) return fail(pool.error());
    // As many workers as readers: awaited reads all run at once, awaited writes meet in the
    // writer's group commit.
    return std::shared_ptr<sqlite_database>(new sqlite_database(std::move(*pool), options.pool_size));
}

}  // namespace sesh::detail
