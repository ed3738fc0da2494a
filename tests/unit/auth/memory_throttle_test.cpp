// The throttle conformance over `memory:` counts (one node: memory is never shared).
#include <sesh/database.hpp>

#include "unit/auth/throttle_store_conformance.hpp"

namespace sesh::test {
namespace {

std::function<std::shared_ptr<throttle_store>()> memory_database() {
    auto counts = open_database("memory:").value().throttle;
    return [counts] { return counts; };
}

const throttle_backend memory_counts{"memory", memory_database};
INSTANTIATE_TEST_SUITE_P(memory, throttle_conformance, ::testing::Values(memory_counts, async_face_of(memory_counts)),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace sesh::test
