// The store conformance suite: every contract of sesh::store (include/sesh/store.hpp), run against
// each backend that instantiates store_conformance (memory_store_test.cpp, the SQLite and Redis
// integration tests).
#include "unit/store/conformance.hpp"

#include <sesh/opaque_token.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sesh::test {
namespace {

using namespace std::chrono_literals;

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(store_conformance);

/// A time at the millisecond precision a backend may keep.
std::chrono::milliseconds ms(clock::time_point t) {
    return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch());
}

void expect_same_record(const session_record& got, const session_record& want) {
    EXPECT_EQ(got.key, want.key);
    EXPECT_EQ(got.user_id, want.user_id);
    EXPECT_EQ(got.data, want.data);
    EXPECT_EQ(ms(got.created), ms(want.created));
    EXPECT_EQ(ms(got.last_seen), ms(want.last_seen));
    EXPECT_EQ(ms(got.idle_expires), ms(want.idle_expires));
    EXPECT_EQ(ms(got.absolute_expires), ms(want.absolute_expires));
    EXPECT_EQ(got.address, want.address);
    EXPECT_EQ(got.user_agent, want.user_agent);
}

/// The record under `key`, failing the test if the call fails.
std::optional<session_record> must_get(store& s, std::string_view key) {
    auto r = s.get(key);
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    return r ? *r : std::nullopt;
}

bool exists(store& s, std::string_view key) { return must_get(s, key).has_value(); }

std::vector<std::string> keys_of(const std::vector<session_record>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.key);
    return out;
}

// --- get / create -------------------------------------------------------------------------------

TEST_P(store_conformance, get_of_an_absent_key_is_nothing) {
    auto r = store_->get(key_of("absent"));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_FALSE(r->has_value());
}

TEST_P(store_conformance, create_then_get_returns_every_field) {
    session_record want = record(key_of("a"), "user-42", R"({"cart":[1,2,3],"theme":"dark"})");
    want.last_seen = want.created + 1234ms;  // every time distinct, so a swapped column shows
    want.idle_expires = want.created + 31min;
    want.absolute_expires = want.created + 25h;
    want.address = "2001:db8::1";
    want.user_agent = "Mozilla/5.0 (X11; Linux x86_64)";
    ASSERT_TRUE(store_->create(want));
    auto got = must_get(*store_, want.key);
    ASSERT_TRUE(got);
    expect_same_record(*got, want);
}

TEST_P(store_conformance, create_of_a_taken_key_is_already_exists) {
    const session_record first = record(key_of("a"), "u1", R"({"n":1})");
    ASSERT_TRUE(store_->create(first));
    auto again = store_->create(record(key_of("a"), "u2", R"({"n":2})"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), errc::already_exists);
    auto got = must_get(*store_, first.key);
    ASSERT_TRUE(got);
    expect_same_record(*got, first);
}

TEST_P(store_conformance, create_over_an_expired_record_succeeds) {
    // Expired records are invisible, so their key is free again.
    ASSERT_TRUE(store_->create(record(key_of("a"), "u1", R"({"n":1})")));
    clock_.advance(31min);
    const session_record fresh = record(key_of("a"), "u2", R"({"n":2})");
    ASSERT_TRUE(store_->create(fresh));
    auto got = must_get(*store_, fresh.key);
    ASSERT_TRUE(got);
    expect_same_record(*got, fresh);
}

// --- update -------------------------------------------------------------------------------------

TEST_P(store_conformance, update_of_an_absent_key_is_not_found) {
    auto r = store_->update(record(key_of("absent")));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::not_found);
    EXPECT_FALSE(exists(*store_, key_of("absent")));
}

TEST_P(store_conformance, update_after_erase_is_not_found) {
    // The express-session logout race: a save that lands after a destroy must not resurrect.
    const session_record r = record(key_of("a"));
    ASSERT_TRUE(store_->create(r));
    ASSERT_TRUE(store_->erase(r.key));
    auto u = store_->update(r);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error(), errc::not_found);
    EXPECT_FALSE(exists(*store_, r.key));
}

TEST_P(store_conformance, update_replaces_every_field) {
    const session_record before = record(key_of("a"), "u1", R"({"n":1})");
    ASSERT_TRUE(store_->create(before));
    session_record after = before;
    after.data = R"({"n":2,"longer":"now the data takes more room than before"})";
    after.last_seen = before.created + 5s;
    after.idle_expires = before.created + 45min;
    after.absolute_expires = before.created + 48h;
    after.address = "10.0.0.7";
    after.user_agent = "curl/8.0";
    ASSERT_TRUE(store_->update(after));
    auto got = must_get(*store_, before.key);
    ASSERT_TRUE(got);
    expect_same_record(*got, after);
}

TEST_P(store_conformance, update_can_move_a_session_to_another_user) {
    session_record r = record(key_of("a"), "alice");
    ASSERT_TRUE(store_->create(r));
    r.user_id = "bob";
    ASSERT_TRUE(store_->update(r));
    auto alice = store_->list_user("alice");
    auto bob = store_->list_user("bob");
    ASSERT_TRUE(alice && bob);
    EXPECT_TRUE(alice->empty());
    EXPECT_EQ(keys_of(*bob), std::vector<std::string>{r.key});
}

TEST_P(store_conformance, update_of_an_expired_record_is_not_found) {
    const session_record r = record(key_of("a"));
    ASSERT_TRUE(store_->create(r));
    clock_.advance(31min);
    auto u = store_->update(r);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error(), errc::not_found);
}

// --- touch --------------------------------------------------------------------------------------

TEST_P(store_conformance, touch_writes_only_when_newer) {
    const session_record r = record(key_of("a"));
    ASSERT_TRUE(store_->create(r));
    const auto later = r.created + 10s;

    auto first = store_->touch(r.key, later, later + 30min);
    ASSERT_TRUE(first) << first.error().message();
    EXPECT_TRUE(*first);

    auto same = store_->touch(r.key, later, later + 40min);
    ASSERT_TRUE(same);
    EXPECT_FALSE(*same);

    auto older = store_->touch(r.key, r.created + 5s, r.created + 50min);
    ASSERT_TRUE(older);
    EXPECT_FALSE(*older);

    auto got = must_get(*store_, r.key);
    ASSERT_TRUE(got);
    EXPECT_EQ(ms(got->last_seen), ms(later));
    EXPECT_EQ(ms(got->idle_expires), ms(later + 30min));
    // Renewal moves nothing else.
    EXPECT_EQ(ms(got->created), ms(r.created));
    EXPECT_EQ(ms(got->absolute_expires), ms(r.absolute_expires));
    EXPECT_EQ(got->data, r.data);
    EXPECT_EQ(got->user_id, r.user_id);
}

TEST_P(store_conformance, touch_of_an_absent_key_is_not_found) {
    const auto t = clock_.now();
    auto r = store_->touch(key_of("absent"), t, t + 30min);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::not_found);
    EXPECT_FALSE(exists(*store_, key_of("absent")));
}

TEST_P(store_conformance, touch_moves_the_idle_expiry) {
    const session_record r = record(key_of("a"));
    ASSERT_TRUE(store_->create(r));
    clock_.advance(20min);
    auto t = store_->touch(r.key, clock_.now(), clock_.now() + 30min);
    ASSERT_TRUE(t && *t);
    clock_.advance(20min);  // 40 min after creation: past the first idle expiry, not the new one
    EXPECT_TRUE(exists(*store_, r.key));
    clock_.advance(11min);
    EXPECT_FALSE(exists(*store_, r.key));
}

// --- expiry -------------------------------------------------------------------------------------

TEST_P(store_conformance, idle_expiry_hides_the_record) {
    const session_record r = record(key_of("a"));
    ASSERT_TRUE(store_->create(r));
    clock_.advance(29min);
    EXPECT_TRUE(exists(*store_, r.key));
    clock_.advance(2min);
    EXPECT_FALSE(exists(*store_, r.key));
    auto u = store_->update(r);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error(), errc::not_found);
    auto t = store_->touch(r.key, clock_.now(), clock_.now() + 30min);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error(), errc::not_found);
}

TEST_P(store_conformance, absolute_expiry_ends_a_renewed_session) {
    session_record r = record(key_of("a"));
    r.absolute_expires = r.created + 1h;
    ASSERT_TRUE(store_->create(r));
    for (int i = 0; i < 3; ++i) {  // renewed every 19 minutes: idle never runs out
        clock_.advance(19min);
        auto t = store_->touch(r.key, clock_.now(), clock_.now() + 30min);
        ASSERT_TRUE(t && *t);
    }
    EXPECT_TRUE(exists(*store_, r.key));  // 57 min
    clock_.advance(4min);                 // 61 min: idle would allow it, absolute does not
    EXPECT_FALSE(exists(*store_, r.key));
    auto t = store_->touch(r.key, clock_.now(), clock_.now() + 30min);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error(), errc::not_found);
}

// --- erase --------------------------------------------------------------------------------------

TEST_P(store_conformance, erase_is_idempotent) {
    const session_record r = record(key_of("a"));
    EXPECT_TRUE(store_->erase(r.key));  // never existed
    ASSERT_TRUE(store_->create(r));
    ASSERT_TRUE(store_->create(record(key_of("b"))));
    EXPECT_TRUE(store_->erase(r.key));
    EXPECT_TRUE(store_->erase(r.key));
    EXPECT_FALSE(exists(*store_, r.key));
    EXPECT_TRUE(exists(*store_, key_of("b")));
}

// --- per user -----------------------------------------------------------------------------------

TEST_P(store_conformance, list_user_returns_live_records_oldest_first) {
    const auto t = clock_.now();
    auto made = [&](std::string name, clock::time_point created) {
        session_record r = record(key_of(name), "alice", "{\"name\":\"" + name + "\"}");
        r.created = r.last_seen = created;
        r.idle_expires = created + 30min;
        r.absolute_expires = created + 24h;
        return r;
    };
    // Stored in an order that is neither creation order nor key order.
    const session_record middle = made("middle", t - 1s), newest = made("newest", t), oldest = made("oldest", t - 2s);
    const std::vector<std::string> by_age = {oldest.key, middle.key, newest.key};
    ASSERT_FALSE(std::is_sorted(by_age.begin(), by_age.end())) << "pick names whose keys sort otherwise";
    ASSERT_TRUE(store_->create(middle));
    ASSERT_TRUE(store_->create(newest));
    ASSERT_TRUE(store_->create(oldest));
    session_record expired = made("expired", t - 3s);
    expired.idle_expires = t + 1min;
    ASSERT_TRUE(store_->create(expired));
    ASSERT_TRUE(store_->create(record(key_of("bob's"), "bob")));
    clock_.advance(2min);  // `expired` is gone, the others have 28 minutes left

    auto alice = store_->list_user("alice");
    ASSERT_TRUE(alice) << alice.error().message();
    ASSERT_EQ(keys_of(*alice), by_age);
    expect_same_record((*alice)[0], oldest);
    expect_same_record((*alice)[1], middle);
    expect_same_record((*alice)[2], newest);

    auto nobody = store_->list_user("nobody");
    ASSERT_TRUE(nobody);
    EXPECT_TRUE(nobody->empty());
}

TEST_P(store_conformance, erase_user_removes_every_session_of_the_user_only) {
    for (const char* name : {"a1", "a2", "a3"}) ASSERT_TRUE(store_->create(record(key_of(name), "alice")));
    ASSERT_TRUE(store_->create(record(key_of("b1"), "bob")));
    ASSERT_TRUE(store_->create(record(key_of("anon"), "")));

    auto n = store_->erase_user("alice");
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, 3u);
    for (const char* name : {"a1", "a2", "a3"}) EXPECT_FALSE(exists(*store_, key_of(name))) << name;
    EXPECT_TRUE(exists(*store_, key_of("b1")));
    EXPECT_TRUE(exists(*store_, key_of("anon")));
    auto alice = store_->list_user("alice");
    ASSERT_TRUE(alice);
    EXPECT_TRUE(alice->empty());

    auto again = store_->erase_user("alice");
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0u);
}

TEST_P(store_conformance, erase_user_keeps_the_named_session) {
    for (const char* name : {"a1", "a2", "a3"}) ASSERT_TRUE(store_->create(record(key_of(name), "alice")));
    ASSERT_TRUE(store_->create(record(key_of("b1"), "bob")));

    auto n = store_->erase_user("alice", key_of("a2"));
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, 2u);
    EXPECT_FALSE(exists(*store_, key_of("a1")));
    EXPECT_TRUE(exists(*store_, key_of("a2")));
    EXPECT_FALSE(exists(*store_, key_of("a3")));
    EXPECT_TRUE(exists(*store_, key_of("b1")));
    auto alice = store_->list_user("alice");
    ASSERT_TRUE(alice);
    EXPECT_EQ(keys_of(*alice), std::vector<std::string>{key_of("a2")});
}

TEST_P(store_conformance, erase_user_keeping_another_users_session_removes_all) {
    for (const char* name : {"a1", "a2"}) ASSERT_TRUE(store_->create(record(key_of(name), "alice")));
    ASSERT_TRUE(store_->create(record(key_of("b1"), "bob")));
    auto n = store_->erase_user("alice", key_of("b1"));
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 2u);
    EXPECT_TRUE(exists(*store_, key_of("b1")));
}

// --- revocation of stateless tokens -------------------------------------------------------------

TEST_P(store_conformance, denied_jti_is_revoked_until_its_expiry) {
    const auto issued = clock_.now() - 1min;
    ASSERT_TRUE(store_->deny("jti-1", clock_.now() + 10min));

    auto r = store_->revoked("jti-1", "", issued);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_TRUE(*r);
    auto other = store_->revoked("jti-2", "", issued);
    ASSERT_TRUE(other);
    EXPECT_FALSE(*other);

    clock_.advance(9min);
    r = store_->revoked("jti-1", "u1", issued);
    ASSERT_TRUE(r);
    EXPECT_TRUE(*r);

    clock_.advance(2min);  // the token itself has expired: the denial is dropped
    r = store_->revoked("jti-1", "", issued);
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
}

TEST_P(store_conformance, not_before_revokes_tokens_issued_earlier) {
    const auto cut = clock_.now();
    ASSERT_TRUE(store_->set_not_before("alice", cut));

    auto before = store_->revoked("", "alice", cut - 1s);
    ASSERT_TRUE(before) << before.error().message();
    EXPECT_TRUE(*before);
    auto after = store_->revoked("", "alice", cut + 1s);
    ASSERT_TRUE(after);
    EXPECT_FALSE(*after);
    auto other_user = store_->revoked("", "bob", cut - 1s);
    ASSERT_TRUE(other_user);
    EXPECT_FALSE(*other_user);
    // Either reason is enough.
    auto with_jti = store_->revoked("some-jti", "alice", cut - 1s);
    ASSERT_TRUE(with_jti);
    EXPECT_TRUE(*with_jti);
}

TEST_P(store_conformance, empty_jti_and_user_are_not_checked) {
    const auto t = clock_.now();
    ASSERT_TRUE(store_->deny("jti-1", t + 10min));
    ASSERT_TRUE(store_->set_not_before("alice", t));

    auto none = store_->revoked("", "", t - 1h);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    auto jti_only = store_->revoked("jti-1", "", t - 1h);
    ASSERT_TRUE(jti_only);
    EXPECT_TRUE(*jti_only);
    auto user_only = store_->revoked("", "alice", t - 1h);
    ASSERT_TRUE(user_only);
    EXPECT_TRUE(*user_only);
}

// --- purge --------------------------------------------------------------------------------------

TEST_P(store_conformance, purge_expired_removes_only_expired_records) {
    std::vector<std::string> short_lived, long_lived;
    for (int i = 0; i < 5; ++i) {
        session_record r = record(key_of("short" + std::to_string(i)), "alice");
        r.idle_expires = r.created + 1min;
        short_lived.push_back(r.key);
        ASSERT_TRUE(store_->create(r));
    }
    for (int i = 0; i < 3; ++i) {
        long_lived.push_back(key_of("long" + std::to_string(i)));
        ASSERT_TRUE(store_->create(record(long_lived.back(), "alice")));
    }
    clock_.advance(2min);

    auto some = store_->purge_expired(2);
    ASSERT_TRUE(some) << some.error().message();
    EXPECT_LE(*some, 2u);
    auto rest = store_->purge_expired(100);
    ASSERT_TRUE(rest);
    EXPECT_LE(*some + *rest, short_lived.size());  // backends with their own TTLs may report 0

    for (const auto& k : short_lived) EXPECT_FALSE(exists(*store_, k));
    for (const auto& k : long_lived) EXPECT_TRUE(exists(*store_, k));
    auto alice = store_->list_user("alice");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->size(), long_lived.size());

    auto nothing = store_->purge_expired(100);
    ASSERT_TRUE(nothing);
    EXPECT_EQ(*nothing, 0u);
}

// --- data ---------------------------------------------------------------------------------------

TEST_P(store_conformance, data_over_max_data_bytes_is_too_large) {
    store_options small = options_;
    small.max_data_bytes = 16;
    auto s = GetParam().make(small);
    ASSERT_NE(s, nullptr);

    const session_record fits = record(key_of("fits"), "u1", R"({"a":"01234567"})");  // 16 bytes
    ASSERT_EQ(fits.data.size(), 16u);
    ASSERT_TRUE(s->create(fits));

    auto big = s->create(record(key_of("big"), "u1", R"({"a":"012345678"})"));  // 17 bytes
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error(), errc::too_large);
    EXPECT_FALSE(exists(*s, key_of("big")));

    session_record grown = fits;
    grown.data = R"({"a":"012345678"})";
    auto u = s->update(grown);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error(), errc::too_large);
    auto got = must_get(*s, fits.key);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->data, fits.data);
}

TEST_P(store_conformance, unicode_data_round_trips) {
    session_record r = record(key_of("a"), "zoë@例え.jp",
                              "{\"name\":\"Zoë 李小龍 🚀\",\"q\":\"\\\"quoted\\\" \\\\ and\\nnewline\",\"rtl\":\"שלום\"}");
    r.user_agent = "Agent/1.0 (ünïcödé; 日本語) \"quoted\"";
    r.address = "fe80::1%eth0";
    ASSERT_TRUE(store_->create(r));
    auto got = must_get(*store_, r.key);
    ASSERT_TRUE(got);
    expect_same_record(*got, r);
    auto listed = store_->list_user(r.user_id);
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    expect_same_record(listed->front(), r);
}

TEST_P(store_conformance, large_data_round_trips) {
    std::string blob;
    for (std::size_t i = 0; blob.size() < 60'000; ++i) blob += static_cast<char>('a' + i % 26);
    const session_record r = record(key_of("a"), "u1", "{\"blob\":\"" + blob + "\"}");
    ASSERT_LE(r.data.size(), options_.max_data_bytes);
    ASSERT_TRUE(store_->create(r));
    auto got = must_get(*store_, r.key);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->data, r.data);

    session_record bigger = r;
    bigger.data = "{\"blob\":\"" + blob + blob.substr(0, 4000) + "\"}";
    ASSERT_TRUE(store_->update(bigger));
    got = must_get(*store_, r.key);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->data, bigger.data);
}

// --- no injection -------------------------------------------------------------------------------

TEST_P(store_conformance, special_characters_in_keys_and_users_stay_separate) {
    // Characters that mean something to SQL (quotes, LIKE's % and _), to Redis key patterns
    // (* ? [ ]) and to key-prefix schemes (:), plus spaces and a plain prefix of the others.
    const std::vector<std::string> names = {"a",   "a:b", "a*",  "*",    "a?",  "a[b]", "a'b", "a\"b",
                                            "a b", "a%",  "a_b", "a\\b", "a;b", "",     "a\n"};
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string key = "k" + names[i];
        const std::string user = "u" + names[i];
        ASSERT_TRUE(store_->create(record(key, user, "{\"i\":" + std::to_string(i) + "}"))) << key;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto got = must_get(*store_, "k" + names[i]);
        ASSERT_TRUE(got) << names[i];
        EXPECT_EQ(got->user_id, "u" + names[i]);
        EXPECT_EQ(got->data, "{\"i\":" + std::to_string(i) + "}");
        auto listed = store_->list_user("u" + names[i]);
        ASSERT_TRUE(listed);
        EXPECT_EQ(keys_of(*listed), std::vector<std::string>{"k" + names[i]}) << names[i];
    }

    // Wildcard-looking names remove only themselves.
    ASSERT_TRUE(store_->erase("k*"));
    auto n = store_->erase_user("u*");
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 0u);  // its only session went with erase("k*")
    n = store_->erase_user("ua%");  // not LIKE 'ua%': "ua", "ua:b", "ua_b"… stay
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 1u);
    n = store_->erase_user("u'b", "");
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 0u);  // no such user: "ua'b" is
    for (std::size_t i = 0; i < names.size(); ++i) {
        const bool gone = names[i] == "*" || names[i] == "a%";
        EXPECT_EQ(exists(*store_, "k" + names[i]), !gone) << names[i];
    }
    EXPECT_TRUE(exists(*store_, "ka*"));
    EXPECT_TRUE(exists(*store_, "ka"));
}

TEST_P(store_conformance, revocation_names_with_special_characters_stay_separate) {
    const auto t = clock_.now();
    ASSERT_TRUE(store_->deny("j*", t + 10min));
    ASSERT_TRUE(store_->set_not_before("u'1 OR 1=1", t));
    for (std::string_view jti : {"j", "jx", "j?", "*"}) {
        auto r = store_->revoked(jti, "", t - 1s);
        ASSERT_TRUE(r);
        EXPECT_FALSE(*r) << jti;
    }
    for (std::string_view user : {"u", "u'1", "*", "u1"}) {
        auto r = store_->revoked("", user, t - 1s);
        ASSERT_TRUE(r);
        EXPECT_FALSE(*r) << user;
    }
    auto r = store_->revoked("j*", "u'1 OR 1=1", t + 1s);
    ASSERT_TRUE(r);
    EXPECT_TRUE(*r);
}

// --- concurrency --------------------------------------------------------------------------------

TEST_P(store_conformance, concurrent_calls_fail_only_as_the_contract_allows) {
    constexpr int threads = 8;
    constexpr int rounds = 150;
    const std::array<std::string, 4> shared = {key_of("shared0"), key_of("shared1"), key_of("shared2"),
                                               key_of("shared3")};
    std::atomic<int> unexpected{0};
    std::mutex first_mutex;
    std::string first;
    auto note = [&](const std::string& what) {
        if (unexpected.fetch_add(1) == 0) {
            std::lock_guard lock(first_mutex);
            first = what;
        }
    };
    auto check = [&](const auto& r, const char* op, std::initializer_list<errc> allowed) {
        if (r) return;
        for (errc e : allowed)
            if (r.error() == e) return;
        note(std::string(op) + ": " + r.error().message());
    };

    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            const std::string user = "user" + std::to_string(t);
            for (int i = 0; i < rounds; ++i) {
                // A key of this thread's own: every step has exactly one right answer.
                session_record mine = record(key_of("t" + std::to_string(t) + "-" + std::to_string(i)), user,
                                             "{\"i\":" + std::to_string(i) + "}");
                check(store_->create(mine), "create own", {});
                auto got = store_->get(mine.key);
                if (!got || !*got || (*got)->data != mine.data) note("get own after create");
                mine.data = "{\"i\":" + std::to_string(i) + ",\"updated\":true}";
                check(store_->update(mine), "update own", {});
                got = store_->get(mine.key);
                if (!got || !*got || (*got)->data != mine.data) note("get own after update");
                auto touched = store_->touch(mine.key, mine.created + 1s, mine.created + 31min);
                if (!touched || !*touched) note("touch own");
                if (i % 2 == 0) {  // keep half, so list_user below has something to count
                    check(store_->erase(mine.key), "erase own", {});
                    got = store_->get(mine.key);
                    if (!got || *got) note("get own after erase");
                    auto u = store_->update(mine);
                    if (u || u.error() != errc::not_found) note("update own after erase");
                }

                // Shared keys: others race us, so absent/taken are the only allowed failures.
                const std::string& k = shared[static_cast<std::size_t>(i + t) % shared.size()];
                session_record s = record(k, "shared", "{\"by\":" + std::to_string(t) + "}");
                switch ((i + t) % 5) {
                    case 0: check(store_->create(s), "create shared", {errc::already_exists}); break;
                    case 1: check(store_->update(s), "update shared", {errc::not_found}); break;
                    case 2: check(store_->get(k), "get shared", {}); break;
                    case 3: check(store_->touch(k, clock_.now(), clock_.now() + 30min), "touch shared", {errc::not_found}); break;
                    default: check(store_->erase(k), "erase shared", {}); break;
                }
            }
        });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(unexpected.load(), 0) << "first: " << first;

    for (int t = 0; t < threads; ++t) {
        auto listed = store_->list_user("user" + std::to_string(t));
        ASSERT_TRUE(listed);
        EXPECT_EQ(listed->size(), static_cast<std::size_t>(rounds / 2)) << t;
    }
}

TEST_P(store_conformance, concurrent_touches_write_once_per_timestamp) {
    constexpr int threads = 8;
    constexpr int stamps = 100;
    const session_record r = record(key_of("a"));
    ASSERT_TRUE(store_->create(r));
    // Every thread renews with the same rising timestamps: whichever call comes first for a
    // timestamp writes, every later one sees a last_seen at least as new.
    std::array<std::atomic<int>, stamps> wrote{};
    std::atomic<int> failed{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            for (int i = 0; i < stamps; ++i) {
                const auto at = r.created + std::chrono::seconds(i + 1);
                auto w = store_->touch(r.key, at, at + 30min);
                if (!w) {
                    failed.fetch_add(1);
                } else if (*w) {
                    wrote[static_cast<std::size_t>(i)].fetch_add(1);
                }
            }
        });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(failed.load(), 0);
    for (int i = 0; i < stamps; ++i) EXPECT_EQ(wrote[static_cast<std::size_t>(i)].load(), 1) << "timestamp " << i + 1;
    auto got = must_get(*store_, r.key);
    ASSERT_TRUE(got);
    EXPECT_EQ(ms(got->last_seen), ms(r.created + std::chrono::seconds(stamps)));
    EXPECT_EQ(ms(got->idle_expires), ms(r.created + std::chrono::seconds(stamps) + 30min));
}

}  // namespace
}  // namespace sesh::test
