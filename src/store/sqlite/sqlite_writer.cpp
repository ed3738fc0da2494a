// Group commit for the SQLite store's writer: the first waiting caller writes everyone's batch.
#include "store/sqlite/sqlite_writer.hpp"

#include "store/sqlite/sqlite_pool.hpp"

namespace sesh::detail {
namespace {

// Steps a kept transaction-control statement once; errors are logged by sqlite_failure.
bool control(sqlite_connection& c, sqlite_query q, std::string_view what) {
    sqlite_use s(c.statement(q));
    if (const int rc = s.step(); rc != SQLITE_DONE) {
        (void)sqlite_failure(c.db(), rc, what);
        return false;
    }
    return true;
}

}  // namespace

void sqlite_writer::execute(task& t) {
    std::unique_lock lock(mutex_);
    queue_.push_back(&t);
    while (!t.done) {
        if (leading_) {
            finished_.wait(lock);
            continue;
        }
        // Nobody is writing: this caller writes every queued operation, its own among them.
        leading_ = true;
        std::vector<task*> batch;
        batch.swap(queue_);
        lock.unlock();
        run_batch(batch);
        lock.lock();
        for (task* b : batch) b->done = true;
        leading_ = false;
        finished_.notify_all();  // the batch's callers return; one of the rest leads the next
    }
}

void sqlite_writer::run_batch(const std::vector<task*>& batch) {
    sqlite_connection& c = connection_;
    if (batch.size() == 1) {
        // Alone: the statement's own autocommit transaction is the cheapest; a failed statement
        // has changed nothing, and its error is already the caller's result.
        batch.front()->run(batch.front()->op, c);
        return;
    }
    bool failed = !control(c, sqlite_query::begin, "begin");
    for (task* b : batch) {
        if (failed) break;
        failed = b->run(b->op, c);
    }
    if (!failed) failed = !control(c, sqlite_query::commit, "commit");
    if (failed) {
        // SQLite may have rolled back already (after IOERR or FULL it can); roll back only what
        // is still open.
        if (sqlite3_get_autocommit(c.db()) == 0) (void)control(c, sqlite_query::rollback, "rollback");
        for (task* b : batch) b->batch_failed = true;
    }
}

}  // namespace sesh::detail
