// The user store contract's tests (instantiated per backend).
#include "unit/auth/user_store_conformance.hpp"

namespace sesh::test {

TEST_P(user_store_conformance, finds_a_created_user_by_name_and_id) {
    auto u = make_user("ada");
    u.email = "ada@example.com";
    create_stored(u);
    auto by_name = store_->find_by_name("ada");
    ASSERT_TRUE(by_name && *by_name);
    EXPECT_EQ((*by_name)->id, u.id);
    EXPECT_EQ((*by_name)->email, "ada@example.com");
    EXPECT_EQ((*by_name)->password_hash, u.password_hash);
    EXPECT_EQ((*by_name)->created, u.created);
    auto by_id = store_->find_by_id(u.id);
    ASSERT_TRUE(by_id && *by_id);
    EXPECT_EQ((*by_id)->name, "ada");
}

TEST_P(user_store_conformance, unknown_names_and_ids_are_absent_not_errors) {
    auto n = store_->find_by_name("nobody");
    ASSERT_TRUE(n);
    EXPECT_FALSE(*n);
    auto i = store_->find_by_id("0123456789abcdef0123456789abcdef");
    ASSERT_TRUE(i);
    EXPECT_FALSE(*i);
}

TEST_P(user_store_conformance, refuses_a_taken_name) {
    ASSERT_TRUE(store_->create(make_user("grace")));
    auto again = store_->create(make_user("grace"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), errc::already_exists);
}

TEST_P(user_store_conformance, refuses_invalid_users) {
    auto bad = make_user("Not Valid");
    EXPECT_EQ(store_->create(bad).error(), errc::invalid_argument);
    auto no_hash = make_user("valid");
    no_hash.password_hash.clear();
    EXPECT_EQ(store_->create(no_hash).error(), errc::invalid_argument);
}

TEST_P(user_store_conformance, sets_a_new_password_hash) {
    auto u = make_user("linus");
    create_stored(u);
    const auto later = u.created + std::chrono::hours(1);
    ASSERT_TRUE(store_->set_password(u.id, "$argon2id$new", later));
    auto got = store_->find_by_id(u.id);
    EXPECT_EQ((*got)->password_hash, "$argon2id$new");
    EXPECT_EQ((*got)->password_changed, later);
    EXPECT_EQ(store_->set_password("ffffffffffffffffffffffffffffffff", "h", later).error(), errc::not_found);
}

TEST_P(user_store_conformance, erases_a_user_and_frees_the_name) {
    auto u = make_user("ken");
    create_stored(u);
    ASSERT_TRUE(store_->erase(u.id));
    EXPECT_FALSE(*store_->find_by_name("ken"));
    EXPECT_FALSE(*store_->find_by_id(u.id));
    EXPECT_TRUE(store_->erase(u.id)) << "erasing twice succeeds";
    EXPECT_TRUE(store_->create(make_user("ken")));
}

TEST_P(user_store_conformance, lists_users_by_name) {
    for (auto n : {"zed", "amy", "mo"}) ASSERT_TRUE(store_->create(make_user(n)));
    auto all = store_->list();
    ASSERT_TRUE(all);
    std::vector<std::string> names;
    for (const auto& u : *all) names.push_back(u.name);
    EXPECT_EQ(names, (std::vector<std::string>{"amy", "mo", "zed"}));
}

TEST_P(user_store_conformance, exactly_one_of_concurrent_sign_ups_of_a_name_wins) {
    std::atomic<int> won{0}, taken{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            auto r = store_->create(make_user("race"));
            if (r) ++won;
            else if (r.error() == errc::already_exists) ++taken;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(taken.load(), 7);
}

}  // namespace sesh::test
