// A request's session from its Cookie header, for each strategy (memory store): no input may
// crash the manager or load a session it did not issue. "@S" in the input stands for a valid
// session cookie value, so the fuzzer also explores headers that carry a real one (chunks,
// duplicates, neighbours).
#include <array>
#include <string>

#include <sesh/session_manager.hpp>
#include <sesh/store.hpp>

#include "fuzz_support.hpp"

namespace {

struct fixture {
    sesh::session_manager manager;
    std::string valid;  // a session cookie value for user "ada"
};

fixture make(sesh::strategy st) {
    sesh::session_options o;
    o.strategy = st;
    o.store = std::shared_ptr<sesh::store>(*sesh::open_store("memory:"));
    o.secrets = {"fuzzing-secret-fuzzing-secret-fuzzing-secret"};
    o.passwords = {{"1", "fuzzing-password-fuzzing-password-1"}};
    o.secure = false;
    auto m = *sesh::session_manager::create(std::move(o));
    auto s = *m.load("", {});
    s.set_user_id("ada");
    s.set("cart", boost::json::array{1, 2, 3});
    const auto cookies = *m.save(s);
    const auto& line = cookies.front();
    const auto pair = sesh::fuzz::split(line, ';').first;
    return {std::move(m), std::string(sesh::fuzz::split(pair, '=').second)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sesh;
    static std::array<fixture, 3> fixtures{make(strategy::server), make(strategy::jwt), make(strategy::iron)};
    auto input = fuzz::text(data, size);
    if (input.empty()) return 0;
    const auto& f = fixtures[static_cast<unsigned char>(input.front()) % 3];
    input.remove_prefix(1);

    std::string header;
    for (std::size_t i = 0; i < input.size(); ++i) {
        if (input.compare(i, 2, "@S") == 0) {
            header += f.valid;
            ++i;
        } else {
            header += input[i];
        }
    }
    const auto loaded = f.manager.load(header, {"127.0.0.1", "fuzz"});
    fuzz::require(loaded.has_value(), "bad input became an error instead of no session");
    fuzz::require(loaded->is_new() || loaded->user_id() == "ada", "a session loaded that was never issued");
    return 0;
}
