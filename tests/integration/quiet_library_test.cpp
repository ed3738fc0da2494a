// A quiet library (issue 16): libsesh's log lines go to sesh::logger(), which the host can replace
// or silence, and never to stdout, which belongs to the host program.
#include <sesh/log.hpp>
#include <sesh/session_manager.hpp>
#include <sesh/store.hpp>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "integration/sqlite_test_support.hpp"

namespace {

using sesh::test::raw_db;
using sesh::test::temp_dir;

// Points file descriptor 1 at a temporary file until finish(), which returns what was written.
class stdout_capture {
public:
    stdout_capture() {
        std::cout.flush();
        std::fflush(stdout);
        saved_ = ::dup(1);
        file_ = std::tmpfile();
        ::dup2(::fileno(file_), 1);
    }
    stdout_capture(const stdout_capture&) = delete;
    stdout_capture& operator=(const stdout_capture&) = delete;
    ~stdout_capture() { (void)finish(); }

    std::string finish() {
        if (file_ == nullptr) return text_;
        std::cout.flush();
        std::fflush(stdout);
        ::dup2(saved_, 1);
        ::close(saved_);
        std::rewind(file_);
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file_)) > 0;) text_.append(buf, n);
        std::fclose(file_);
        file_ = nullptr;
        return text_;
    }

private:
    int saved_ = -1;
    std::FILE* file_ = nullptr;
    std::string text_;
};

// Library calls that log at every level: a SQLite schema migration (info), a file of a newer
// schema refused (error), a malformed next-auth cookie ignored (debug).
void run_library_calls_that_log(const temp_dir& dir) {
    ASSERT_TRUE(sesh::open_store("sqlite:" + dir.file("fresh.db")));
    {
        raw_db raw(dir.file("future.db"));
        ASSERT_TRUE(raw.exec("PRAGMA user_version = 999"));
    }
    EXPECT_FALSE(sesh::open_store("sqlite:" + dir.file("future.db")));
    sesh::session_options o;
    o.strategy = sesh::strategy::jwt;
    o.secrets = {"a quiet library secret, 32 characters long"};
    o.secure = false;
    auto mgr = sesh::session_manager::create(o);
    ASSERT_TRUE(mgr);
    EXPECT_TRUE(mgr->load("next-auth.session-token=not.a.token", {}));
}

// Restores the library's logger (and its level) when a test ends.
struct logger_restore {
    std::shared_ptr<spdlog::logger> saved = sesh::logger();
    spdlog::level::level_enum level = saved->level();
    ~logger_restore() {
        saved->set_level(level);
        sesh::set_logger(saved);
    }
};

TEST(quiet_library, the_default_logger_is_sesh_at_warn) {
    EXPECT_EQ(sesh::logger()->name(), "sesh");
    EXPECT_EQ(sesh::logger()->level(), spdlog::level::warn);
}

TEST(quiet_library, writes_nothing_to_stdout_even_at_trace_level) {
    logger_restore restore;
    sesh::logger()->set_level(spdlog::level::trace);
    temp_dir dir;
    stdout_capture out;
    run_library_calls_that_log(dir);
    EXPECT_EQ(out.finish(), "");
}

TEST(quiet_library, a_host_logger_gets_every_line) {
    logger_restore restore;
    std::ostringstream lines;
    auto host = std::make_shared<spdlog::logger>("host", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
    host->set_level(spdlog::level::trace);
    sesh::set_logger(host);
    EXPECT_EQ(sesh::logger(), host);
    temp_dir dir;
    stdout_capture out;
    run_library_calls_that_log(dir);
    EXPECT_EQ(out.finish(), "");
    const std::string text = lines.str();
    EXPECT_NE(text.find("migrated from schema version 0"), std::string::npos) << text;
    EXPECT_NE(text.find("newer than this build"), std::string::npos) << text;
    EXPECT_NE(text.find("cookie refused"), std::string::npos) << text;
    EXPECT_EQ(text.find("not.a.token"), std::string::npos) << "a token was logged: " << text;
}

TEST(quiet_library, a_null_logger_silences_the_library) {
    logger_restore restore;
    sesh::set_logger(nullptr);
    ASSERT_NE(sesh::logger(), nullptr);
    EXPECT_TRUE(sesh::logger()->sinks().empty());
    temp_dir dir;
    stdout_capture out;
    run_library_calls_that_log(dir);
    EXPECT_EQ(out.finish(), "");
}

}  // namespace
