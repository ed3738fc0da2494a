// The memory store: the conformance suite, plus its own bound (max_sessions), expiry bookkeeping
// and shard locking.
#include "unit/store/async_face.hpp"
#include "unit/store/conformance.hpp"

#include <sesh/opaque_token.hpp>

#include <atomic>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<store> open_memory(const store_options& options) {
    auto s = open_store("memory:", options);
    return s ? std::move(*s) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(memory, store_conformance, ::testing::Values(store_factory{"memory", open_memory},
                                           async_face_of(store_factory{"memory", open_memory})),
                         store_factory_name());

/// A memory store over its own manual clock, with the fixture's record() shape.
class memory_store : public ::testing::Test {
protected:
    std::unique_ptr<store> open(std::size_t max_sessions) {
        store_options o;
        o.clock = &clock_;
        o.max_sessions = max_sessions;
        return open_memory(o);
    }

    session_record record(std::string key, std::string user = "u1", std::chrono::minutes idle = 30min) const {
        session_record r;
        r.key = std::move(key);
        r.user_id = std::move(user);
        r.data = R"({"n":1})";
        r.created = r.last_seen = clock_.now();
        r.idle_expires = r.created + idle;
        r.absolute_expires = r.created + 24h;
        return r;
    }

    bool exists(store& s, std::string_view key) {
        auto r = s.get(key);
        EXPECT_TRUE(r);
        return r && r->has_value();
    }

    manual_clock clock_;
};

TEST_F(memory_store, refuses_a_session_past_max_sessions_and_keeps_the_others) {
    auto s = open(3);
    for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(s->create(record(key_of(name))));
    auto full = s->create(record(key_of("d")));
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error(), errc::store_full);
    for (const char* name : {"a", "b", "c"}) EXPECT_TRUE(exists(*s, key_of(name))) << name;
    EXPECT_FALSE(exists(*s, key_of("d")));

    ASSERT_TRUE(s->erase(key_of("b")));
    EXPECT_TRUE(s->create(record(key_of("d"))));
}

TEST_F(memory_store, purges_expired_sessions_to_make_room) {
    auto s = open(2);
    ASSERT_TRUE(s->create(record(key_of("short"), "u1", 1min)));
    ASSERT_TRUE(s->create(record(key_of("long"))));
    ASSERT_FALSE(s->create(record(key_of("third"))));
    clock_.advance(2min);
    EXPECT_TRUE(s->create(record(key_of("third"))));
    EXPECT_TRUE(exists(*s, key_of("long")));
    EXPECT_FALSE(s->create(record(key_of("fourth"))));
}

TEST_F(memory_store, failed_creates_do_not_use_up_places) {
    store_options o;
    o.clock = &clock_;
    o.max_sessions = 1;
    o.max_data_bytes = 8;
    auto s = open_memory(o);
    ASSERT_TRUE(s->create(record(key_of("a"))));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(s->create(record(key_of("a"))).error(), errc::already_exists);
    ASSERT_TRUE(s->erase(key_of("a")));
    session_record big = record(key_of("big"));
    big.data = R"({"n":"too long"})";
    for (int i = 0; i < 3; ++i) EXPECT_EQ(s->create(big).error(), errc::too_large);
    EXPECT_TRUE(s->create(record(key_of("b"))));
}

TEST_F(memory_store, purge_expired_stops_at_max) {
    auto s = open(100);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(s->create(record(key_of("k" + std::to_string(i)), "u1", 1min)));
    ASSERT_TRUE(s->create(record(key_of("live"))));
    clock_.advance(2min);
    EXPECT_EQ(s->purge_expired(3).value(), 3u);
    EXPECT_EQ(s->purge_expired(100).value(), 7u);
    EXPECT_EQ(s->purge_expired(100).value(), 0u);
    EXPECT_TRUE(exists(*s, key_of("live")));
}

TEST_F(memory_store, purge_keeps_a_session_renewed_after_it_was_filed) {
    auto s = open(100);
    const session_record r = record(key_of("a"));
    ASSERT_TRUE(s->create(r));
    clock_.advance(20min);
    ASSERT_TRUE(s->touch(r.key, clock_.now(), clock_.now() + 30min).value());
    clock_.advance(20min);  // past the expiry it was filed under
    EXPECT_EQ(s->purge_expired(100).value(), 0u);
    EXPECT_TRUE(exists(*s, r.key));
    clock_.advance(11min);
    EXPECT_EQ(s->purge_expired(100).value(), 1u);
}

TEST_F(memory_store, purge_finds_a_session_whose_expiry_moved_earlier) {
    auto s = open(100);
    session_record r = record(key_of("a"));
    ASSERT_TRUE(s->create(r));
    r.idle_expires = r.created + 1min;
    ASSERT_TRUE(s->update(r));
    clock_.advance(2min);
    EXPECT_EQ(s->purge_expired(100).value(), 1u);
}

TEST_F(memory_store, hex_keys_of_either_case_are_different_sessions) {
    // Lower-case hex keys are stored as raw bytes; that must not merge "AB…" with "ab…".
    auto s = open(100);
    const std::string lower = key_of("a");
    std::string upper = lower;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    ASSERT_TRUE(s->create(record(lower, "lower")));
    ASSERT_TRUE(s->create(record(upper, "upper")));
    EXPECT_EQ(s->get(lower).value()->user_id, "lower");
    EXPECT_EQ(s->get(upper).value()->user_id, "upper");
    EXPECT_EQ(s->get(upper).value()->key, upper);
    EXPECT_EQ(s->list_user("lower").value().at(0).key, lower);
    EXPECT_EQ(s->list_user("upper").value().at(0).key, upper);
}

TEST_F(memory_store, anonymous_sessions_are_not_a_user) {
    auto s = open(100);
    ASSERT_TRUE(s->create(record(key_of("a"), "")));
    EXPECT_TRUE(s->list_user("").value().empty());
    EXPECT_EQ(s->erase_user("").value(), 0u);
    EXPECT_TRUE(exists(*s, key_of("a")));
}

TEST_F(memory_store, many_sessions_of_one_user_survive_resizing_updates) {
    // Enough sessions that several share a shard, so updates relink heads and middles of the
    // per-shard user lists; then the index must still find every one exactly once.
    auto s = open(10'000);
    std::vector<session_record> all;
    for (int i = 0; i < 500; ++i) {
        all.push_back(record(key_of("s" + std::to_string(i)), "alice"));
        ASSERT_TRUE(s->create(all.back()));
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i].data = i % 3 == 0 ? R"({"n":2})" : R"({"n":"grown to another size"})";  // in place or moved
        ASSERT_TRUE(s->update(all[i]));
    }
    auto listed = s->list_user("alice").value();
    ASSERT_EQ(listed.size(), all.size());
    for (const auto& r : listed) EXPECT_EQ(r.data, s->get(r.key).value()->data);
    EXPECT_EQ(s->erase_user("alice").value(), all.size());
    for (const auto& r : all) EXPECT_FALSE(exists(*s, r.key));
}

TEST_F(memory_store, erase_user_races_create_and_update_without_deadlock) {
    // erase_user and list_user walk every shard while creates, updates and erases of the same
    // users land in them; with one lock held at a time this cannot deadlock, and every call
    // fails only as the contract allows.
    auto s = open(1'000'000);
    std::atomic<int> unexpected{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 8; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                const std::string user = "u" + std::to_string(i % 4);
                session_record r = record(key_of(std::to_string(t) + "/" + std::to_string(i)), user);
                if (t % 4 == 0) {
                    if (!s->erase_user(user, r.key)) ++unexpected;
                    if (!s->list_user(user)) ++unexpected;
                } else {
                    if (!s->create(r)) ++unexpected;
                    r.data = R"({"n":"updated and longer"})";
                    if (auto u = s->update(r); !u && u.error() != errc::not_found) ++unexpected;
                    if (!s->erase(key_of(std::to_string(t) + "/" + std::to_string(i / 2)))) ++unexpected;
                }
            }
        });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(unexpected.load(), 0);
    for (int u = 0; u < 4; ++u) {
        const std::string user = "u" + std::to_string(u);
        const std::size_t listed = s->list_user(user).value().size();
        EXPECT_EQ(s->erase_user(user).value(), listed);
        EXPECT_TRUE(s->list_user(user).value().empty());
    }
}

}  // namespace
}  // namespace sesh::test
