// postgres_connection: libpq's asynchronous calls, each waited for with poll() up to a deadline.
#include "store/postgres/postgres_connection.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include <sesh/log.hpp>

namespace sesh::detail {
namespace {

// libpq's messages end in a newline; a log line should not.
std::string_view trimmed(const char* message) {
    std::string_view m = message != nullptr ? message : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.remove_suffix(1);
    return m;
}

// libpq's default notice processor writes to stderr; the library's output goes to its logger.
// Notices (CREATE TABLE IF NOT EXISTS skipping one) are routine; a server's goodbye is worth
// more, but the caller logs the failure it causes.
void log_notice(void*, const char* message) { sesh::logger()->debug("postgres store: server says: {}", trimmed(message)); }

}  // namespace

postgres_connection::postgres_connection(const postgres_address& a, std::chrono::milliseconds statement_timeout) {
    auto add = [this](std::string key, std::string value) {
        keys_.push_back(std::move(key));
        values_.push_back(std::move(value));
    };
    add("host", a.host);
    add("port", std::to_string(a.port));
    add("user", a.user);
    add("dbname", a.database);
    if (!a.password.empty()) add("password", a.password);
    if (!a.sslmode.empty()) add("sslmode", a.sslmode);
    add("application_name", "sesh");
    add("client_encoding", "UTF8");
    add("options", "-c statement_timeout=" + std::to_string(std::max<long long>(statement_timeout.count(), 1)));
}

postgres_connection::~postgres_connection() { close(); }

void postgres_connection::close() noexcept {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    prepared_.fill(false);
}

bool postgres_connection::usable() {
    if (conn_ == nullptr) return false;
    if (PQstatus(conn_) != CONNECTION_OK) {
        close();
        return false;
    }
    // An idle connection has nothing to read (sesh never LISTENs): something readable is the
    // server's goodbye (a FATAL message at shutdown or pg_terminate_backend, then end of file),
    // which may not have reached its end yet. Reading it could still leave the connection looking
    // open, so it is closed and the call gets a fresh one.
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (::poll(&p, 1, 0) != 0) {
        (void)PQconsumeInput(conn_);  // hands the server's message to the notice processor (the log)
        close();
        return false;
    }
    return true;
}

bool postgres_connection::wait_for(short events, postgres_deadline deadline) {
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{PQsocket(conn_), events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 60'000)));
        if (n > 0) return true;  // ready, or an error/hang-up that the next libpq call reports
        if (n < 0 && errno != EINTR) return false;
    }
}

result<void> postgres_connection::connect(postgres_deadline deadline, std::string& why) {
    close();
    std::vector<const char*> keys, values;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
        keys.push_back(keys_[i].c_str());
        values.push_back(values_[i].c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    // expand_dbname = 0: the database name is a name, never a second connection string.
    conn_ = PQconnectStartParams(keys.data(), values.data(), 0);
    if (conn_ == nullptr) {
        why = "out of memory";
        return fail(errc::store_unavailable);
    }
    PQsetNoticeProcessor(conn_, log_notice, nullptr);  // also for what the handshake hears
    // libpq's own loop (PQconnectdb) but with our deadline instead of connect_timeout, which
    // counts whole seconds and at least two of them.
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (PQstatus(conn_) != CONNECTION_BAD && state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED) {
        if (!wait_for(state == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline)) {
            why = "timed out";
            close();
            return fail(errc::store_unavailable);
        }
        state = PQconnectPoll(conn_);
    }
    if (state != PGRES_POLLING_OK || PQstatus(conn_) != CONNECTION_OK) {
        why = trimmed(PQerrorMessage(conn_));
        close();
        return fail(errc::store_unavailable);
    }
    return {};
}

result<pg_result> postgres_connection::failure(std::string_view what, std::string_view why) {
    sesh::logger()->warn("postgres store: {} failed: {}", what, why);
    return fail(errc::store_unavailable);
}

result<pg_result> postgres_connection::finish(postgres_deadline deadline, std::string_view what) {
    // The first result that is not a success is the one to report; every result is read, so the
    // connection is idle again for the next call.
    pg_result out;
    std::string error;
    for (;;) {
        while (PQisBusy(conn_) != 0) {
            if (!wait_for(POLLIN, deadline)) {
                // The server may still answer later; a connection with an answer in flight cannot
                // take the next call, so it goes.
                close();
                return failure(what, "timed out");
            }
            if (PQconsumeInput(conn_) == 0) {
                error = trimmed(PQerrorMessage(conn_));
                close();
                return failure(what, error);
            }
        }
        pg_result r(PQgetResult(conn_));
        if (!r) break;
        const ExecStatusType status = PQresultStatus(r.get());
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
            if (error.empty()) out = std::move(r);
        } else if (error.empty()) {
            const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
            error = std::string(trimmed(PQresultErrorMessage(r.get()))) + " (SQLSTATE " + (state ? state : "?") + ")";
        }
    }
    if (PQstatus(conn_) != CONNECTION_OK) {
        if (error.empty()) error = trimmed(PQerrorMessage(conn_));
        close();
    }
    if (!error.empty()) return failure(what, error);
    if (!out) return failure(what, "no result");
    return out;
}

result<pg_result> postgres_connection::run(postgres_query q, const std::vector<std::string>& params,
                                           postgres_deadline deadline) {
    const auto index = static_cast<std::size_t>(q);
    const std::string name = "sesh_" + std::to_string(index);
    const std::string what = "statement " + name + " (postgres_queries.hpp)";
    if (conn_ == nullptr) return failure(what, "not connected");
    if (!prepared_[index]) {
        const std::string sql(postgres_query_sql[index]);
        if (PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr) == 0) {
            const std::string error(trimmed(PQerrorMessage(conn_)));
            close();
            return failure("preparing " + what, error);
        }
        auto prepared = finish(deadline, "preparing " + what);
        if (!prepared) return fail(prepared.error());
        prepared_[index] = true;
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.c_str());
    // Text parameters: the server parses them by the casts in the SQL.
    if (PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0) ==
        0) {
        const std::string error(trimmed(PQerrorMessage(conn_)));
        close();
        return failure(what, error);
    }
    return finish(deadline, what);
}

result<pg_result> postgres_connection::exec(const std::string& sql, postgres_deadline deadline,
                                            std::string_view what) {
    if (conn_ == nullptr) return failure(what, "not connected");
    if (PQsendQuery(conn_, sql.c_str()) == 0) {
        const std::string error(trimmed(PQerrorMessage(conn_)));
        close();
        return failure(what, error);
    }
    return finish(deadline, what);
}

}  // namespace sesh::detail
