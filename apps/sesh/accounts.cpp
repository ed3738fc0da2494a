// Store opening, password input and revocation shared by `sesh user` and `sesh sessions`.
#include "accounts.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sesh/store.hpp>

#include "commands.hpp"

namespace sesh::cli {
namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : nullptr;
}

std::string read_line_quietly(const char* prompt) {
    std::fprintf(stderr, "%s", prompt);
    termios old{};
    const bool tty = ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::fprintf(stderr, "\n");
    }
    return line;
}

}  // namespace

void add_store_options(CLI::App& cmd, store_location& where) {
    cmd.add_option("--store", where.store_url, "store URL (default: SESH_STORE, else sqlite:<data dir>/sesh.db)");
    cmd.add_option("--data-dir", where.data_dir, "data directory (default: SESH_DATA_DIR, else ./data)");
}

accounts open_accounts(const store_location& where) {
    std::string dir = where.data_dir;
    if (dir.empty()) dir = env("SESH_DATA_DIR") ? env("SESH_DATA_DIR") : "./data";
    std::string url = where.store_url;
    if (url.empty() && env("SESH_STORE")) url = env("SESH_STORE");
    if (url.empty()) {
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
            fail_with("cannot create the data directory " + dir + ": " + std::strerror(errno));
        url = "sqlite:" + dir + "/sesh.db";
    }
    accounts a;
    store_options options;
    options.purge_batch = 0;  // a short-lived command: no background purge thread
    auto db = open_database(url, options);
    if (!db) fail_with("cannot open the store " + redact_store_url(url) + ": " + db.error().message());
    a.users = std::move(db->users);
    a.sessions = std::move(db->sessions);
    auto number = [](const char* text, auto& out) {
        const std::string_view s(text);
        const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && p == s.data() + s.size();
    };
    if (auto v = env("SESH_ARGON2_OPS"); v && !number(v, a.params.ops_limit)) fail_with("SESH_ARGON2_OPS must be a number");
    if (auto v = env("SESH_ARGON2_MEM_KIB")) {
        std::size_t kib = 0;
        if (!number(v, kib)) fail_with("SESH_ARGON2_MEM_KIB must be a number");
        a.params.mem_limit = kib * 1024;
    }
    return a;
}

user find_user_or_fail(accounts& a, const std::string& name) {
    auto u = a.users->find_by_name(normalize_user_name(name));
    if (!u) fail_with("the user store is unavailable: " + u.error().message());
    if (!*u) fail_with("no such user: " + name);
    return std::move(**u);
}

std::string read_new_password(bool from_stdin, std::span<const std::string_view> personal) {
    std::string pw;
    if (from_stdin || !::isatty(STDIN_FILENO)) {
        std::getline(std::cin, pw);
        if (!pw.empty() && pw.back() == '\r') pw.pop_back();
    } else {
        pw = read_line_quietly("Password: ");
        if (read_line_quietly("Again: ") != pw) fail_with("the passwords differ");
    }
    if (const auto problem = check_new_password(pw, personal); problem != password_problem::none)
        fail_with(std::string(describe(problem)));
    return pw;
}

std::size_t revoke_all_sessions(accounts& a, const std::string& user_id) {
    auto erased = a.sessions->erase_user(user_id);
    if (!erased) fail_with("the session store is unavailable: " + erased.error().message());
    if (auto nb = a.sessions->set_not_before(user_id, system_clock().now()); !nb)
        fail_with("the session store is unavailable: " + nb.error().message());
    return *erased;
}

}  // namespace sesh::cli
