// The user store contract on the memory backend, through both faces; open_database's and
// open_user_store's refusals.
#include <sesh/database.hpp>

#include "unit/auth/user_store_async_face.hpp"

namespace sesh::test {
namespace {

const user_store_factory memory{"memory", [] { return open_user_store("memory:").value(); }};

}  // namespace

INSTANTIATE_TEST_SUITE_P(memory, user_store_conformance, ::testing::Values(memory, async_face_of(memory)),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(open_user_store, refuses_unknown_schemes_and_bad_urls) {
    EXPECT_EQ(open_user_store("postgres://x").error(), errc::invalid_argument);
    EXPECT_EQ(open_user_store("sqlite:").error(), errc::invalid_argument);
    EXPECT_EQ(open_user_store("redis://user@host:1").error(), errc::invalid_argument);
    EXPECT_EQ(open_user_store("redis://host:99999").error(), errc::invalid_argument);
}

TEST(open_database, refuses_what_open_store_refuses) {
    for (const char* url : {"postgres://x", "sqlite:", "redis://user@host:1", "rediss://host:1", "redis://host:99999", "memory"})
        EXPECT_EQ(open_database(url).error(), errc::invalid_argument) << url;
}

TEST(open_database, memory_gives_both_stores_in_process) {
    auto db = open_database("memory:");
    ASSERT_TRUE(db);
    ASSERT_NE(db->sessions, nullptr);
    ASSERT_NE(db->users, nullptr);
    const auto now = std::chrono::system_clock::now();
    ASSERT_TRUE(db->users->create(user{make_user_id(), "ada", "", "$argon2id$x", now, now}));
    EXPECT_TRUE(*db->users->find_by_name("ada"));
    session_record r{std::string(64, 'a'), "u", "{}", now, now, now + std::chrono::hours(1), now + std::chrono::hours(2), "", ""};
    ASSERT_TRUE(db->sessions->create(r));
    EXPECT_TRUE(*db->sessions->get(r.key));
    // Another memory: URL is another database.
    EXPECT_FALSE(*open_database("memory:")->users->find_by_name("ada"));
}

}  // namespace sesh::test
