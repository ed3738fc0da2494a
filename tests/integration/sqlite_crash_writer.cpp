// The victim of the kill -9 test: creates sessions in an SQLite store from a few threads and
// prints "created <key>" for each one only after create() has returned success.
// Usage: sqlite_crash_writer PATH THREADS. Runs until killed; exits 1 on the first failure.
#include <sesh/store.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

// One write(2) per line: the line is in the pipe the moment it returns, with no stdio buffer
// that a SIGKILL would throw away, and lines from different threads never interleave.
void print_line(const std::string& line) {
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
        if (n <= 0) std::_Exit(1);
        done += static_cast<std::size_t>(n);
    }
}

void write_forever(sesh::store& s, std::uint64_t run, int thread) {
    // Some padding, so the WAL fills and checkpoints happen while the test may strike.
    const std::string pad(200, 'x');
    for (std::uint64_t i = 0;; ++i) {
        char key[65];
        std::snprintf(key, sizeof key, "%016llx%08x%040llx", static_cast<unsigned long long>(run),
                      static_cast<unsigned>(thread), static_cast<unsigned long long>(i));
        sesh::session_record r;
        r.key = key;
        r.user_id = "crash-user-" + std::to_string(thread);
        r.data = R"({"i":)" + std::to_string(i) + R"(,"pad":")" + pad + R"("})";
        r.created = r.last_seen = std::chrono::system_clock::now();
        r.idle_expires = r.created + std::chrono::hours(24);
        r.absolute_expires = r.created + std::chrono::hours(24);
        r.address = "127.0.0.1";
        r.user_agent = "sqlite_crash_writer";
        if (!s.create(r)) std::_Exit(1);
        print_line("created " + r.key + "\n");
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s PATH THREADS\n", argv[0]);
        return 2;
    }
    auto s = sesh::open_store(std::string("sqlite:") + argv[1]);
    if (!s) {
        std::fprintf(stderr, "open failed: %s\n", s.error().message().c_str());
        return 1;
    }
    // Keys of different runs on the same file must differ.
    const std::uint64_t run = std::random_device{}() * 0x100000000ULL + std::random_device{}();
    std::vector<std::thread> threads;
    for (int t = 0; t < std::atoi(argv[2]); ++t) threads.emplace_back([&, t] { write_forever(**s, run, t); });
    for (auto& t : threads) t.join();
}
