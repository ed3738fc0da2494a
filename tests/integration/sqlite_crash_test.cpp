// kill -9 durability of the SQLite store: a real writer process is killed mid-stream, and every
// session it reported saved must be in the file afterwards, which must pass integrity_check.
#include <sesh/store.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "integration/sqlite_test_support.hpp"

extern char** environ;

namespace sesh::test {
namespace {

// What one run of the writer reported before it died.
struct writer_run {
    std::vector<std::string> keys;  // every "created <key>" line, in order
    bool killed = false;            // it died of our SIGKILL (not an exit of its own)
    std::string trouble;            // why the run went wrong, empty if it did not
};

// Starts sqlite_crash_writer on `path`, lets it report `kill_after` sessions, SIGKILLs it, then
// reads whatever it had already written to the pipe: those sessions were reported too.
writer_run run_and_kill(const std::string& path, std::size_t kill_after) {
    writer_run run;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        run.trouble = "pipe2 failed";
        return run;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);  // dup2 clears CLOEXEC
    const std::string writer = SESH_SQLITE_CRASH_WRITER;
    std::vector<char*> argv = {const_cast<char*>(writer.c_str()), const_cast<char*>(path.c_str()),
                               const_cast<char*>("4"), nullptr};
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, writer.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);  // so the pipe reads end of file once the writer is gone
    if (spawned != 0) {
        ::close(fds[0]);
        run.trouble = "cannot start " + writer;
        return run;
    }

    std::string pending;
    char buffer[64 * 1024];
    bool sent_kill = false;
    for (;;) {
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, 60'000) <= 0) {
            run.trouble = "the writer went quiet for a minute";
            break;
        }
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;  // end of file: the writer is dead
        pending.append(buffer, static_cast<std::size_t>(n));
        std::size_t start = 0;
        for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
            const std::string_view line(pending.data() + start, nl - start);
            if (line.starts_with("created ")) run.keys.emplace_back(line.substr(8));
        }
        pending.erase(0, start);
        if (!sent_kill && run.keys.size() >= kill_after) {
            ::kill(pid, SIGKILL);
            sent_kill = true;
        }
    }
    if (!sent_kill || !run.trouble.empty()) ::kill(pid, SIGKILL);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.killed = sent_kill && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    if (run.trouble.empty() && !run.killed) run.trouble = "the writer stopped before it was killed";
    return run;
}

TEST(sqlite_crash, every_session_reported_saved_survives_kill_9) {
    temp_dir dir;
    const std::string path = dir.file("sesh.db");
    std::vector<std::string> reported;
    // Three kills of growing runs on one file: later runs start by recovering the WAL the
    // previous victim left, and the longest runs through automatic checkpoints.
    for (std::size_t kill_after : {500u, 4000u, 16000u}) {
        SCOPED_TRACE("killed after " + std::to_string(kill_after));
        const writer_run run = run_and_kill(path, kill_after);
        ASSERT_TRUE(run.trouble.empty()) << run.trouble;
        ASSERT_GE(run.keys.size(), kill_after);
        reported.insert(reported.end(), run.keys.begin(), run.keys.end());

        {
            raw_db raw(path);
            EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
            EXPECT_GE(raw.integer("SELECT count(*) FROM sesh_sessions"), static_cast<std::int64_t>(reported.size()));
        }
        auto s = open_store("sqlite:" + path);
        ASSERT_TRUE(s) << s.error().message();
        std::size_t missing = 0;
        for (const std::string& key : reported) {
            auto got = (*s)->get(key);
            if (!got || !*got) ++missing;
        }
        EXPECT_EQ(missing, 0u) << "of " << reported.size() << " sessions reported saved";
    }
}

}  // namespace
}  // namespace sesh::test
