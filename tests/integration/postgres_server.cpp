// Test helper: initdb (once per machine, then copied), starts, stops, freezes and restarts a real
// PostgreSQL server on 127.0.0.1.
#include "integration/postgres_server.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

namespace sesh::test {
namespace {

namespace fs = std::filesystem;

std::string postgres_bin() {
    const char* env = std::getenv("SESH_POSTGRES_BIN");
    return env != nullptr && *env != '\0' ? env : "/usr/lib/postgresql/15/bin";
}

// Reaps `pid`, waiting at most `limit`; true if it exited, with its status.
bool reap(pid_t pid, std::chrono::milliseconds limit, int& status) {
    const auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR)) return true;
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// Everything a child needs, built before fork: between fork and exec only async-signal-safe calls
// are allowed (gtest may have other threads).
struct child_argv {
    explicit child_argv(const std::vector<std::string>& args) : strings(args) {
        for (auto& a : strings) pointers.push_back(a.data());
        pointers.push_back(nullptr);
    }
    std::vector<std::string> strings;
    std::vector<char*> pointers;
};

// In a child: become the database user (if asked), send output to `log`, and exec. Never returns.
[[noreturn]] void exec_child(child_argv& argv, int log, bool switch_user, uid_t uid, gid_t gid, pid_t parent,
                             int death_signal) {
    if (log >= 0) {
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
    }
    if (switch_user && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)) ::_exit(126);
    // After setuid, which clears it: never outlive a crashed or killed test.
    ::prctl(PR_SET_PDEATHSIG, death_signal);
    if (::getppid() != parent) ::_exit(125);
    ::execv(argv.pointers[0], argv.pointers.data());
    ::_exit(127);
}

}  // namespace

raw_postgres::raw_postgres(int port, const std::string& db) {
    const std::string port_text = std::to_string(port);
    const char* keys[] = {"host", "port", "user", "dbname", "connect_timeout", nullptr};
    const char* values[] = {"127.0.0.1", port_text.c_str(), "postgres", db.c_str(), "5", nullptr};
    conn_ = PQconnectdbParams(keys, values, 0);
}

raw_postgres::~raw_postgres() {
    if (conn_ != nullptr) PQfinish(conn_);
}

bool raw_postgres::ok() const noexcept { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

bool raw_postgres::exec(const std::string& sql) {
    if (!ok()) return false;
    PGresult* r = PQexec(conn_, sql.c_str());
    const auto status = PQresultStatus(r);
    const bool good = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (!good) std::cerr << "raw_postgres: " << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
    return good;
}

std::string raw_postgres::value(const std::string& sql) {
    if (!ok()) return "<no connection>";
    PGresult* r = PQexec(conn_, sql.c_str());
    std::string out;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        out = "<error: " + std::string(PQresultErrorMessage(r)) + ">";
    else if (PQntuples(r) == 0)
        out = "<none>";
    else if (PQgetisnull(r, 0, 0) != 0)
        out = "<null>";
    else
        out = PQgetvalue(r, 0, 0);
    PQclear(r);
    return out;
}

postgres_server::postgres_server() : port_(free_loopback_port()) {
    if (::geteuid() == 0) {
        // PostgreSQL refuses to run as root; Debian's postgresql package makes this user.
        const passwd* pw = ::getpwnam("postgres");
        if (pw == nullptr) {
            std::cerr << "postgres_server: running as root and there is no `postgres` user to run the server as\n";
            return;
        }
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        switch_user_ = true;
    } else {
        uid_ = ::geteuid();
        gid_ = ::getegid();
    }
    std::string tmpl = (fs::temp_directory_path() / "sesh-postgres-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) return;
    if (switch_user_ && ::chown(tmpl.c_str(), uid_, gid_) != 0) return;
    dir_ = tmpl;
    data_dir_ = dir_ + "/data";
}

postgres_server::~postgres_server() {
    stop();
    if (!dir_.empty()) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
}

std::string postgres_server::url(const std::string& db) const {
    return "postgres://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

pid_t postgres_server::start_child(const std::vector<std::string>& args, const std::string& log_path,
                                   int death_signal) const {
    child_argv argv(args);
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) exec_child(argv, log, switch_user_, uid_, gid_, parent, death_signal);
    if (log >= 0) ::close(log);
    return pid;
}

bool postgres_server::run_as_db_user(const std::vector<std::string>& args, const std::string& log_path) const {
    const pid_t pid = start_child(args, log_path, SIGKILL);
    if (pid < 0) return false;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool postgres_server::ensure_cluster() {
    if (fs::exists(data_dir_ + "/PG_VERSION")) return true;
    // One template per machine and user, made by whichever test gets there first: initdb into a
    // private directory, then rename it into place (atomic; a loser of the race drops its copy).
    const std::string template_dir =
        (fs::temp_directory_path() / ("sesh-postgres-template-15-" + std::to_string(uid_))).string();
    if (!fs::exists(template_dir + "/PG_VERSION")) {
        std::string staging = (fs::temp_directory_path() / "sesh-postgres-initdb-XXXXXX").string();
        if (::mkdtemp(staging.data()) == nullptr) return false;
        if (switch_user_ && ::chown(staging.c_str(), uid_, gid_) != 0) return false;
        const bool made = run_as_db_user({postgres_bin() + "/initdb", "-D", staging + "/data", "-U", "postgres",
                                          "--auth=trust", "-E", "UTF8", "--locale=C", "-N"},
                                         dir_ + "/initdb.log");
        if (made) {
            std::error_code ec;
            fs::rename(staging + "/data", template_dir, ec);  // fails harmlessly if another won
        }
        std::error_code ec;
        fs::remove_all(staging, ec);
        if (!made) {
            std::ifstream log(dir_ + "/initdb.log");
            std::cerr << "initdb failed; its log:\n" << std::string(std::istreambuf_iterator<char>(log), {}) << '\n';
            return false;
        }
    }
    // cp -a as the database user: the copy keeps the owner and the 0700 mode postgres insists on.
    return run_as_db_user({"/bin/cp", "-a", template_dir, data_dir_}, dir_ + "/initdb.log");
}

bool postgres_server::start() {
    if (running()) return true;
    if (dir_.empty() || port_ == 0) return false;
    if (!ensure_cluster()) return false;
    // Another process may take the port between free_loopback_port() and bind: on the first start
    // take another one; a restart must keep its port (the store under test points at it).
    for (int attempt = 0; attempt < (started_once_ ? 1 : 5); ++attempt) {
        if (attempt > 0) port_ = free_loopback_port();
        if (spawn() && wait_ready()) {
            started_once_ = true;
            return true;
        }
        stop();
    }
    std::ifstream log(dir_ + "/postgres.log");
    std::cerr << "postgres did not start on port " << port_ << "; its log:\n"
              << std::string(std::istreambuf_iterator<char>(log), {}) << '\n';
    return false;
}

bool postgres_server::spawn() {
    // A server for tests: durability off (fsync, synchronous commit) for speed, few connections.
    // SIGQUIT if the test dies: PostgreSQL's immediate shutdown, which takes the backends too.
    const pid_t pid = start_child({postgres_bin() + "/postgres", "-D", data_dir_, "-p", std::to_string(port_), "-k",
                                   dir_, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
                                   "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=60",
                                   "-c", "shared_buffers=16MB"},
                                  dir_ + "/postgres.log", SIGQUIT);
    if (pid < 0) return false;
    pid_ = pid;
    return true;
}

bool postgres_server::wait_ready() {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken or bad arguments
            pid_ = -1;
            return false;
        }
        // Our server, not another test's that got the port first: match its data directory.
        raw_postgres client(port_);
        if (client.ok()) return client.value("SHOW data_directory") == data_dir_;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

void postgres_server::stop() {
    if (pid_ <= 0) return;
    signal_all(SIGCONT);  // a paused server cannot shut down
    ::kill(pid_, SIGINT);
    int status = 0;
    if (!reap(pid_, std::chrono::seconds(20), status)) {
        signal_all(SIGKILL);
        reap(pid_, std::chrono::seconds(5), status);
    }
    pid_ = -1;
}

void postgres_server::signal_all(int sig) const {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);  // first, so it forks no new backend meanwhile
    // Each backend makes itself a session leader (setsid in InitPostmasterChild), so the group
    // signal does not reach them: find the postmaster's children by their parent id.
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        std::getline(stat, line);
        // pid (comm) state ppid …; comm may hold spaces or parentheses, so read after the last ')'.
        const auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 1));
        std::string state;
        pid_t ppid = 0;
        if (rest >> state >> ppid && ppid == pid_) ::kill(static_cast<pid_t>(std::stoi(name)), sig);
    }
}

void postgres_server::pause() { signal_all(SIGSTOP); }

void postgres_server::resume() { signal_all(SIGCONT); }

}  // namespace sesh::test
