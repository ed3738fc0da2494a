// Codec throughput on the typical session payload of bench/micro/payload.json (a user with name
// and email, a 3-item cart, a preference); the names match bench/micro/peers.mjs for the ratio table.
#include <sesh/iron.hpp>
#include <sesh/nextauth_jwt.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>

namespace {

const std::string secret = "bench-secret-bench-secret-bench-secret-0123";

boost::json::value payload() {
    std::ifstream in(SESH_BENCH_PAYLOAD);
    std::stringstream s;
    s << in.rdbuf();
    return boost::json::parse(s.str());
}

sesh::iron_codec iron() {
    sesh::iron_options o;
    o.passwords = {{"1", secret}};
    return sesh::iron_codec::create(o).value();
}

sesh::nextauth_jwt_codec jwt() {
    sesh::nextauth_jwt_options o;
    o.secrets = {secret};
    return sesh::nextauth_jwt_codec::create(o).value();
}

void iron_seal(benchmark::State& state) {
    const auto codec = iron();
    const auto data = payload();
    for (auto _ : state) benchmark::DoNotOptimize(codec.seal(data));
}
BENCHMARK(iron_seal);

void iron_unseal(benchmark::State& state) {
    const auto codec = iron();
    const std::string sealed = codec.seal(payload()).value();
    for (auto _ : state) {
        auto r = codec.unseal(sealed);
        if (!r) throw std::runtime_error("unseal failed");
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(iron_unseal);

void jwt_encode(benchmark::State& state) {
    const auto codec = jwt();
    const auto claims = payload().as_object();
    for (auto _ : state) benchmark::DoNotOptimize(codec.encode(claims));
}
BENCHMARK(jwt_encode);

void jwt_decode(benchmark::State& state) {
    const auto codec = jwt();
    const std::string token = codec.encode(payload().as_object()).value();
    for (auto _ : state) {
        auto r = codec.decode(token);
        if (!r) throw std::runtime_error("decode failed");
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(jwt_decode);

}  // namespace
