// The SQLite store's one writer, with group commit: the writes of callers that arrive together
// share one transaction.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <sesh/result.hpp>

namespace sesh::detail {

class sqlite_connection;

/// Runs write operations on the writer connection, one thread at a time. Operations that queue
/// up while a transaction is being written are run together in the next one (group commit): a
/// commit costs a dozen system calls (file locks, WAL frames) whatever it holds, so many callers
/// saving at once pay it once, and the hot index pages go to the WAL once per batch. A lone
/// caller runs in autocommit, with no BEGIN/COMMIT added. Thread-safe.
class sqlite_writer {
public:
    /// Takes the writer connection; it must outlive this object.
    explicit sqlite_writer(sqlite_connection& c) noexcept : connection_(c) {}

    /// Runs `op(connection)` (returning some result<T>) in a transaction, maybe with other
    /// callers' operations, and returns its result once that transaction is committed. When any
    /// operation of the batch fails in SQLite (it returns errc::store_unavailable, logged where
    /// it failed) or the commit fails, the whole batch is rolled back and every caller in it gets
    /// errc::store_unavailable: nothing a failed transaction did is reported as done.
    /// `op` runs on another caller's thread; it must only touch the connection and its captures.
    template <class Op>
    [[nodiscard]] auto write(Op&& op) -> std::invoke_result_t<Op&, sqlite_connection&> {
        using result_type = std::invoke_result_t<Op&, sqlite_connection&>;
        std::optional<result_type> out;
        auto run = [&](sqlite_connection& c) {
            out.emplace(op(c));
            return !*out && out->error() == make_error_code(errc::store_unavailable);
        };
        task t{&run, [](void* f, sqlite_connection& c) { return (*static_cast<decltype(run)*>(f))(c); }};
        execute(t);
        if (t.batch_failed) return fail(errc::store_unavailable);
        return std::move(*out);
    }

private:
    // One caller's operation, on the caller's stack while it waits.
    struct task {
        void* op;
        bool (*run)(void* op, sqlite_connection& c);  // true when the operation failed in SQLite
        bool done = false;
        bool batch_failed = false;
    };

    void execute(task& t);
    void run_batch(const std::vector<task*>& batch);

    sqlite_connection& connection_;
    std::mutex mutex_;
    std::condition_variable finished_;
    std::vector<task*> queue_;  // waiting for the next transaction
    bool leading_ = false;      // a caller is writing a batch now
};

}  // namespace sesh::detail
