// Store and manager throughput for bench/micro/store_run.sh: one manager load+save over memory:,
// SQLite get/update on a 10k-session file, and Redis get against the script's redis-server.
#include <sesh/opaque_token.hpp>
#include <sesh/session_manager.hpp>
#include <sesh/store.hpp>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace {

// Close to the codec payload (bench/micro/payload.json) so the store numbers sit on the same data.
const std::string bench_data =
    R"({"user":{"name":"Ada Lovelace","email":"ada@example.com"},"cart":[1,2,3],"theme":"dark"})";

constexpr std::size_t sqlite_sessions = 10'000;

sesh::session_record make_record(std::size_t i) {
    const auto now = sesh::clock::time_point(std::chrono::system_clock::now().time_since_epoch());
    sesh::session_record r;
    r.key = sesh::opaque_token_store_key("bench-token-" + std::to_string(i));
    r.user_id = "user-" + std::to_string(i);
    r.data = bench_data;
    r.created = now;
    r.last_seen = now;
    r.idle_expires = now + std::chrono::hours(24);
    r.absolute_expires = now + std::chrono::hours(24 * 90);
    r.address = "127.0.0.1";
    r.user_agent = "sesh-bench";
    return r;
}

// Fills `s` with `n` sessions and returns their records, so loads hit existing keys.
std::vector<sesh::session_record> fill(sesh::store& s, std::size_t n) {
    std::vector<sesh::session_record> records;
    records.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        records.push_back(make_record(i));
        auto r = s.create(records.back());
        // A rerun against the same redis-server finds the keys already there: that is fine.
        if (!r && r.error() != sesh::errc::already_exists) throw std::runtime_error("create failed: " + r.error().message());
    }
    return records;
}

void manager_load_save_memory(benchmark::State& state) {
    sesh::session_options o;
    o.store = sesh::open_store("memory:").value();
    const auto m = sesh::session_manager::create(std::move(o)).value();

    // One real session, created through the manager, so the cookie is exactly what a browser sends.
    auto first = m.load("", {"127.0.0.1", "sesh-bench"}).value();
    first.set("theme", "dark");
    const auto set_cookie = m.save(first).value();
    const std::string header = set_cookie.at(0).substr(0, set_cookie.at(0).find(';'));

    std::int64_t n = 0;
    for (auto _ : state) {
        auto s = m.load(header, {"127.0.0.1", "sesh-bench"});
        if (!s || s->is_new()) throw std::runtime_error("load did not find the session");
        s->set("n", ++n);  // a changed value, so save writes (store::update) every time
        auto r = m.save(*s);
        if (!r) throw std::runtime_error("save failed: " + r.error().message());
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(manager_load_save_memory);

// A temporary SQLite file shared by the two sqlite benchmarks, removed when the process ends.
struct sqlite_fixture {
    std::filesystem::path dir;
    std::unique_ptr<sesh::store> store;
    std::vector<sesh::session_record> records;

    sqlite_fixture() {
        char tmpl[] = "/tmp/sesh-bench-XXXXXX";
        if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir = tmpl;
        store = sesh::open_store("sqlite:" + (dir / "sesh.db").string()).value();
        records = fill(*store, sqlite_sessions);
    }
    ~sqlite_fixture() {
        store.reset();  // close the database before its files go
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

sqlite_fixture& sqlite() {
    static sqlite_fixture f;
    return f;
}

void sqlite_load(benchmark::State& state) {
    auto& f = sqlite();
    std::size_t i = 0;
    for (auto _ : state) {
        auto r = f.store->get(f.records[i++ % f.records.size()].key);
        if (!r || !*r) throw std::runtime_error("sqlite get missed");
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(sqlite_load);

void sqlite_save(benchmark::State& state) {
    auto& f = sqlite();
    std::size_t i = 0;
    for (auto _ : state) {
        auto& rec = f.records[i++ % f.records.size()];
        rec.data = R"({"n":)" + std::to_string(i) + "}";
        auto r = f.store->update(rec);
        if (!r) throw std::runtime_error("sqlite update failed: " + r.error().message());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(sqlite_save);

void redis_load(benchmark::State& state) {
    const char* url = std::getenv("SESH_BENCH_REDIS");
    if (url == nullptr || *url == '\0') {
        state.SkipWithError("SESH_BENCH_REDIS is not set (bench/micro/store_run.sh starts a redis-server)");
        return;
    }
    static const auto store = sesh::open_store(url).value();
    static const auto records = fill(*store, 1'000);
    std::size_t i = 0;
    for (auto _ : state) {
        auto r = store->get(records[i++ % records.size()].key);
        if (!r || !*r) throw std::runtime_error("redis get missed");
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(redis_load);

}  // namespace
