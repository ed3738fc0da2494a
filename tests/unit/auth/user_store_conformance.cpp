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

// --- Accounts at sign-in providers -------------------------------------------------------------

namespace {
linked_account github_account(std::string user_id, std::string provider_account_id = "12345") {
    linked_account a;
    a.provider = "github";
    a.provider_account_id = std::move(provider_account_id);
    a.user_id = std::move(user_id);
    a.access_token = "gho_access";
    a.token_type = "bearer";
    a.scope = "read:user user:email";
    a.expires_at = 1'900'000'000;
    return a;
}
}  // namespace

TEST_P(user_store_conformance, links_an_account_and_finds_it_with_its_tokens) {
    auto u = make_user("oauthed");
    create_stored(u);
    auto a = github_account(u.id);
    a.id_token = "eyJ.id.token";
    a.refresh_token = "ghr_refresh";
    a.session_state = "st";
    ASSERT_TRUE(store_->link_account(a));
    auto got = store_->find_account("github", "12345");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->user_id, u.id);
    EXPECT_EQ((*got)->type, "oauth");
    EXPECT_EQ((*got)->access_token, "gho_access");
    EXPECT_EQ((*got)->refresh_token, "ghr_refresh");
    EXPECT_EQ((*got)->id_token, "eyJ.id.token");
    EXPECT_EQ((*got)->token_type, "bearer");
    EXPECT_EQ((*got)->scope, "read:user user:email");
    EXPECT_EQ((*got)->session_state, "st");
    EXPECT_EQ((*got)->expires_at, 1'900'000'000);
    // The pair is the key: another provider's account of the same id is another account.
    auto other = store_->find_account("gitlab", "12345");
    ASSERT_TRUE(other);
    EXPECT_FALSE(*other);
    EXPECT_FALSE(*store_->find_account("github", "1234"));
}

TEST_P(user_store_conformance, an_account_without_tokens_reads_back_empty) {
    auto u = make_user("bare");
    create_stored(u);
    linked_account a;
    a.provider = "oidc";
    a.provider_account_id = "sub-1";
    a.user_id = u.id;
    ASSERT_TRUE(store_->link_account(a));
    auto got = store_->find_account("oidc", "sub-1");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->access_token, "");
    EXPECT_EQ((*got)->expires_at, 0);
}

TEST_P(user_store_conformance, an_account_links_to_one_user_only) {
    auto u = make_user("first");
    auto v = make_user("second");
    create_stored(u);
    create_stored(v);
    ASSERT_TRUE(store_->link_account(github_account(u.id)));
    auto again = store_->link_account(github_account(v.id));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), errc::already_exists);
    EXPECT_EQ(store_->link_account(github_account(u.id)).error(), errc::already_exists);
    EXPECT_EQ((*store_->find_account("github", "12345"))->user_id, u.id);
}

TEST_P(user_store_conformance, refuses_to_link_to_no_user_or_without_a_key) {
    auto u = make_user("keyed");
    create_stored(u);
    const std::string nobody = GetParam().assigns_ids ? "999999999" : "0123456789abcdef0123456789abcdef";
    EXPECT_EQ(store_->link_account(github_account(nobody)).error(), errc::not_found);
    EXPECT_EQ(store_->link_account(github_account(u.id, "")).error(), errc::invalid_argument);
    auto no_provider = github_account(u.id);
    no_provider.provider.clear();
    EXPECT_EQ(store_->link_account(no_provider).error(), errc::invalid_argument);
    EXPECT_EQ(store_->link_account(github_account("")).error(), errc::invalid_argument);
    EXPECT_FALSE(*store_->find_account("github", "12345"));
}

TEST_P(user_store_conformance, lists_a_users_accounts_by_provider) {
    auto u = make_user("many");
    auto v = make_user("other");
    create_stored(u);
    create_stored(v);
    auto oidc = github_account(u.id, "sub");
    oidc.provider = "oidc";
    ASSERT_TRUE(store_->link_account(oidc));
    ASSERT_TRUE(store_->link_account(github_account(u.id, "2")));
    ASSERT_TRUE(store_->link_account(github_account(u.id, "1")));
    ASSERT_TRUE(store_->link_account(github_account(v.id, "3")));
    auto list = store_->list_accounts(u.id);
    ASSERT_TRUE(list);
    std::vector<std::string> keys;
    for (const auto& a : *list) keys.push_back(a.provider + "/" + a.provider_account_id + "/" + (a.user_id == u.id ? "u" : "?"));
    EXPECT_EQ(keys, (std::vector<std::string>{"github/1/u", "github/2/u", "oidc/sub/u"}));
    auto none = store_->list_accounts(GetParam().assigns_ids ? "999999999" : "ffffffffffffffffffffffffffffffff");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST_P(user_store_conformance, erasing_a_user_unlinks_its_accounts) {
    auto u = make_user("leaving");
    create_stored(u);
    ASSERT_TRUE(store_->link_account(github_account(u.id)));
    ASSERT_TRUE(store_->erase(u.id));
    EXPECT_FALSE(*store_->find_account("github", "12345"));
    auto back = make_user("returning");
    create_stored(back);
    EXPECT_TRUE(store_->link_account(github_account(back.id))) << "the account is free to link again";
    EXPECT_TRUE(store_->list_accounts(u.id)->empty());
}

TEST_P(user_store_conformance, finds_the_oldest_user_of_an_email_ignoring_case) {
    auto older = make_user("older");
    older.email = "Sam@Example.com";
    older.created -= std::chrono::hours(1);
    auto newer = make_user("newer");
    newer.email = "sam@example.com";
    create_stored(newer);
    create_stored(older);
    auto got = store_->find_by_email("SAM@example.COM");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->id, older.id);
    EXPECT_EQ((*got)->email, "Sam@Example.com");
    EXPECT_FALSE(*store_->find_by_email("nobody@example.com"));
    EXPECT_FALSE(*store_->find_by_email("")) << "users without an e-mail never match";
    ASSERT_TRUE(store_->erase(older.id));
    EXPECT_EQ((*store_->find_by_email("sam@example.com"))->id, newer.id);
}

TEST_P(user_store_conformance, exactly_one_of_concurrent_links_of_an_account_wins) {
    std::vector<user> users;
    for (int i = 0; i < 4; ++i) {
        users.push_back(make_user("racer" + std::to_string(i)));
        create_stored(users.back());
    }
    std::atomic<int> won{0}, taken{0};
    std::vector<std::thread> threads;
    for (const auto& u : users)
        threads.emplace_back([&, id = u.id] {
            auto r = store_->link_account(github_account(id));
            if (r) ++won;
            else if (r.error() == errc::already_exists) ++taken;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(taken.load(), 3);
}

}  // namespace sesh::test
