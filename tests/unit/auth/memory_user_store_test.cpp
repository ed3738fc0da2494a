// The user store contract on the memory backend.
#include "unit/auth/user_store_conformance.hpp"

namespace sesh::test {

INSTANTIATE_TEST_SUITE_P(memory, user_store_conformance,
                         ::testing::Values(user_store_factory{"memory", [] { return open_user_store("memory:").value(); }}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(open_user_store, refuses_unknown_schemes_and_bad_urls) {
    EXPECT_EQ(open_user_store("postgres://x").error(), errc::invalid_argument);
    EXPECT_EQ(open_user_store("sqlite:").error(), errc::invalid_argument);
    EXPECT_EQ(open_user_store("redis://user:pw@host:1").error(), errc::invalid_argument);
    EXPECT_EQ(open_user_store("redis://host:99999").error(), errc::invalid_argument);
}

}  // namespace sesh::test
