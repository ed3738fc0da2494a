// Test helper: starts, kills, freezes and restarts a real redis-server on 127.0.0.1.
#include "integration/redis_server.hpp"

#include <sesh/http/message.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

namespace sesh::test {
namespace {

std::string redis_server_binary() {
    const char* env = std::getenv("SESH_REDIS_SERVER");
    return env != nullptr && *env != '\0' ? env : "/usr/bin/redis-server";
}

}  // namespace

raw_redis::raw_redis(int port, int db, const std::string& password) {
    const timeval tv{2, 0};
    ctx_ = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (ctx_ == nullptr || ctx_->err != 0) return;
    redisSetTimeout(ctx_, tv);
    if (!password.empty()) {
        auto r = run({"AUTH", password});
        if (!r || r->type != REDIS_REPLY_STATUS) ctx_->err = REDIS_ERR_OTHER;
    }
    if (db != 0) {
        auto r = run({"SELECT", std::to_string(db)});
        if (!r || r->type != REDIS_REPLY_STATUS) ctx_->err = REDIS_ERR_OTHER;
    }
}

raw_redis::~raw_redis() {
    if (ctx_ != nullptr) redisFree(ctx_);
}

bool raw_redis::ok() const noexcept { return ctx_ != nullptr && ctx_->err == 0; }

raw_reply raw_redis::run(const std::vector<std::string>& args) {
    if (!ok()) return nullptr;
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    return raw_reply(static_cast<redisReply*>(redisCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data())));
}

long long raw_redis::integer(const std::vector<std::string>& args) {
    auto r = run(args);
    return r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1000;
}

std::string raw_redis::text(const std::vector<std::string>& args) {
    auto r = run(args);
    if (!r) return "<no connection>";
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) return std::string(r->str, r->len);
    if (r->type == REDIS_REPLY_ERROR) return "<error: " + std::string(r->str, r->len) + ">";
    return "<nil>";
}

redis_server::redis_server(redis_accounts accounts) : accounts_(std::move(accounts)), port_(free_loopback_port()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sesh-redis-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) dir_ = tmpl;
}

redis_server::~redis_server() {
    kill();
    if (!dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
}

std::string redis_server::url(int db) const { return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db); }

std::string redis_server::url_as(const std::string& user, const std::string& password, int db) const {
    // Everything but unreserved characters escaped, so a password may hold ':', '@', '/' or '%'.
    return "redis://" + http::url_encode(user) + ":" + http::url_encode(password) + "@127.0.0.1:" +
           std::to_string(port_) + "/" + std::to_string(db);
}

void redis_server::make_sentinel(const std::string& config) {
    std::ofstream(dir_ + "/sentinel.conf") << config;
    sentinel_ = true;
}

bool redis_server::start() {
    if (running()) return true;
    if (dir_.empty() || port_ == 0) return false;
    // Another process may take the port between free_loopback_port() and bind: on the first start
    // take another one; a restart must keep its port (the store under test points at it).
    for (int attempt = 0; attempt < (started_once_ ? 1 : 5); ++attempt) {
        if (attempt > 0) port_ = free_loopback_port();
        if (spawn() && wait_ready()) {
            started_once_ = true;
            return true;
        }
        kill();
    }
    std::ifstream log(dir_ + "/redis.log");
    std::cerr << "redis-server did not start on port " << port_ << "; its log:\n"
              << std::string(std::istreambuf_iterator<char>(log), {}) << '\n';
    return false;
}

bool redis_server::spawn() {
    // Everything the child needs is built before fork: between fork and exec only
    // async-signal-safe calls are allowed (gtest may have other threads).
    const std::string binary = redis_server_binary();
    const std::string port = std::to_string(port_);
    const std::string log_path = dir_ + "/redis.log";
    std::vector<std::string> args = {binary, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                     "no", "--dir", dir_, "--daemonize", "no", "--databases", "16",
                                     "--loglevel", "warning"};
    if (sentinel_)
        args = {binary, dir_ + "/sentinel.conf", "--sentinel", "--port", port, "--bind", "127.0.0.1",
                "--dir", dir_, "--daemonize", "no", "--loglevel", "warning"};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    if (!accounts_.default_password.empty()) args.insert(args.end(), {"--requirepass", accounts_.default_password});
    if (!accounts_.user.empty())
        args.insert(args.end(), {"--user", accounts_.user, "on", ">" + accounts_.user_password, "~*", "&*", "+@all"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed or killed test
        const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (log >= 0) {
            ::dup2(log, STDOUT_FILENO);
            ::dup2(log, STDERR_FILENO);
        }
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    pid_ = pid;
    return true;
}

bool redis_server::wait_ready() {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken or bad arguments
            pid_ = -1;
            return false;
        }
        // Our server, not another test's that got the port first: match its process id.
        raw_redis client(port_, 0, accounts_.default_password);
        if (client.ok() && client.text({"INFO", "server"}).find("process_id:" + std::to_string(pid_) + "\r") != std::string::npos)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

void redis_server::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

void redis_server::pause() {
    if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void redis_server::resume() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
}

}  // namespace sesh::test
