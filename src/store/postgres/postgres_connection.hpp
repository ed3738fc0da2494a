// One libpq connection with a deadline on every step, and the RAII owners of its handles.
#pragma once

#include <libpq-fe.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <sesh/result.hpp>

#include "store/backends.hpp"
#include "store/postgres/postgres_queries.hpp"

namespace sesh::detail {

/// The moment a call gives up on the server.
using postgres_deadline = std::chrono::steady_clock::time_point;

/// Frees a PGresult.
struct pg_result_deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
/// A PGresult of a statement that succeeded (PGRES_TUPLES_OK or PGRES_COMMAND_OK).
using pg_result = std::unique_ptr<PGresult, pg_result_deleter>;

/// One connection to the server of a postgres_address, closed or open. libpq's blocking calls
/// (PQexec, PQconnectdb) would wait as long as the kernel lets them, so every step here is
/// started and then waited for with poll() up to a deadline: a server that is down, frozen or
/// unreachable costs the caller its timeout and nothing more. Any transport failure or timeout
/// closes the connection (the next use opens a new one). Not thread-safe: one user at a time
/// (postgres_pool hands it out).
class postgres_connection {
public:
    /// Closed until connect(). `statement_timeout` is also set on the server (so a statement the
    /// client gave up on does not keep running there).
    postgres_connection(const postgres_address& address, std::chrono::milliseconds statement_timeout);
    ~postgres_connection();
    postgres_connection(const postgres_connection&) = delete;
    postgres_connection& operator=(const postgres_connection&) = delete;

    /// True when open and not broken: an idle connection whose server closed it (a restart, an
    /// administrator's pg_terminate_backend) is noticed here, without blocking, and closed.
    [[nodiscard]] bool usable();
    /// Opens the connection. errc::store_unavailable past the deadline or if the server refuses
    /// (the reason in `why`, never the password).
    [[nodiscard]] result<void> connect(postgres_deadline deadline, std::string& why);
    /// Closes the connection; idempotent.
    void close() noexcept;

    /// Runs one of the store's statements (prepared on this connection at first use) with text
    /// parameters. errc::store_unavailable (logged) on a transport failure, a timeout or an SQL
    /// error; the first two close the connection.
    [[nodiscard]] result<pg_result> run(postgres_query q, const std::vector<std::string>& params,
                                        postgres_deadline deadline);
    /// Runs SQL text of one or more statements without parameters (migrations); the last result.
    /// Errors as run(); `what` names the work in the log line.
    [[nodiscard]] result<pg_result> exec(const std::string& sql, postgres_deadline deadline, std::string_view what);

private:
    [[nodiscard]] result<pg_result> finish(postgres_deadline deadline, std::string_view what);
    [[nodiscard]] bool wait_for(short events, postgres_deadline deadline);
    result<pg_result> failure(std::string_view what, std::string_view why);

    std::vector<std::string> keys_;    ///< PQconnectStartParams' keywords
    std::vector<std::string> values_;  ///< and their values (the password among them)
    PGconn* conn_ = nullptr;
    std::array<bool, postgres_query_count> prepared_{};  ///< on this connection, since it opened
};

}  // namespace sesh::detail
