// next-auth style chunking: chunk names, join order, write/clear round trips through a cookie jar.
#include <sesh/cookie.hpp>

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;

// A value whose every chunk differs, so a join in the wrong order cannot pass.
std::string value_of(std::size_t n) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string v(n, '\0');
    for (std::size_t i = 0; i < n; ++i) v[i] = alphabet[(i * 7 + i / sesh::cookie_chunk_size) % 64];
    return v;
}

sesh::set_cookie session(std::string value) {
    sesh::set_cookie c;
    c.name = "next-auth.session-token";
    c.value = std::move(value);
    return c;
}

std::vector<std::string> names(const std::vector<sesh::set_cookie>& list) {
    std::vector<std::string> out;
    for (const auto& c : list) out.push_back(c.name);
    return out;
}

bool is_deletion(const sesh::set_cookie& c) { return c.value.empty() && c.max_age == 0s; }

// A browser's cookie jar for one host and path: applies Set-Cookie lists, sends a Cookie header.
struct jar {
    std::map<std::string, std::string> cookies;  // ordered by name: "x.10" comes before "x.2"

    void apply(const std::vector<sesh::set_cookie>& list) {
        for (const auto& c : list) {
            ASSERT_TRUE(sesh::serialize(c)) << c.name;  // a browser would drop what we cannot write
            if (c.max_age && *c.max_age <= 0s)
                cookies.erase(c.name);
            else
                cookies[c.name] = c.value;
        }
    }
    std::string header() const {
        std::string h;
        for (const auto& [n, v] : cookies) h += n + "=" + v + "; ";
        return h;
    }
};

// Writes `value` over whatever the jar holds, then reads it back as a server would.
std::optional<std::string> write_then_read(jar& j, const std::string& value) {
    const std::string before = j.header();
    const sesh::cookie_limits roomy{.max_header_bytes = 1 << 20};
    auto seen = sesh::parse_cookie_header(before, roomy);
    EXPECT_TRUE(seen);
    j.apply(sesh::chunk_cookie(session(value), *seen));
    const std::string after = j.header();
    auto read = sesh::parse_cookie_header(after, roomy);
    EXPECT_TRUE(read);
    return sesh::join_chunks(*read, "next-auth.session-token");
}

// Parses `header` and joins `base` from it; the header lives in the caller.
std::optional<std::string> join(const std::string& header, std::string_view base = "next-auth.session-token") {
    auto r = sesh::parse_cookie_header(header, {.max_header_bytes = 1 << 20});
    EXPECT_TRUE(r);
    return sesh::join_chunks(*r, base);
}

TEST(cookie_chunks, is_chunk_of_accepts_the_base_and_numbered_chunks) {
    EXPECT_TRUE(sesh::is_chunk_of("sid", "sid"));
    EXPECT_TRUE(sesh::is_chunk_of("sid.0", "sid"));
    EXPECT_TRUE(sesh::is_chunk_of("sid.12", "sid"));
    EXPECT_TRUE(sesh::is_chunk_of("sid.01", "sid"));
    EXPECT_TRUE(sesh::is_chunk_of("next-auth.session-token.3", "next-auth.session-token"));
}

TEST(cookie_chunks, is_chunk_of_refuses_names_that_merely_start_with_the_base) {
    // next-auth's startsWith would take every one of these.
    for (std::string_view name :
         {"sidX", "sid-legacy", "sid.", "sid.a", "sid.1a", "sid.-1", "sid..1", "sid.1.2", "si", ""})
        EXPECT_FALSE(sesh::is_chunk_of(name, "sid")) << name;
    EXPECT_FALSE(sesh::is_chunk_of("next-auth.session-tokenX", "next-auth.session-token"));
}

TEST(cookie_chunks, is_chunk_of_refuses_an_empty_base) {
    EXPECT_FALSE(sesh::is_chunk_of("", ""));
    EXPECT_FALSE(sesh::is_chunk_of(".1", ""));
}

TEST(cookie_chunks, joins_a_single_unchunked_cookie) {
    EXPECT_EQ(join("a=1; next-auth.session-token=tok; b=2"), "tok");
}

TEST(cookie_chunks, joins_an_empty_single_cookie_as_an_empty_value) {
    EXPECT_EQ(join("next-auth.session-token="), "");
}

TEST(cookie_chunks, gives_nothing_when_no_chunk_is_present) {
    EXPECT_EQ(join("a=1; next-auth.session-tokenX=2"), std::nullopt);
    EXPECT_EQ(join(""), std::nullopt);
}

TEST(cookie_chunks, joins_chunks_in_numeric_order_whatever_the_header_order) {
    EXPECT_EQ(join("next-auth.session-token.2=C; x=1; next-auth.session-token.0=A; next-auth.session-token.1=B"),
              "ABC");
}

TEST(cookie_chunks, joins_chunk_10_after_chunk_2) {
    std::string header;
    std::string want;
    for (int i = 10; i >= 0; --i) header += "t." + std::to_string(i) + "=" + static_cast<char>('a' + i) + "; ";
    for (int i = 0; i <= 10; ++i) want += static_cast<char>('a' + i);
    EXPECT_EQ(join(header, "t"), want);
}

TEST(cookie_chunks, ignores_neighbours_that_only_share_the_prefix) {
    EXPECT_EQ(join("next-auth.session-token.0=A; next-auth.session-tokenX=junk; next-auth.session-token.1=B; "
                   "next-auth.session-token.x=junk"),
              "AB");
}

TEST(cookie_chunks, prefers_chunks_over_a_stale_whole_cookie) {
    EXPECT_EQ(join("next-auth.session-token=stale; next-auth.session-token.0=A; next-auth.session-token.1=B"), "AB");
}

TEST(cookie_chunks, gives_nothing_for_a_gap_in_the_chunks) {
    EXPECT_EQ(join("t.0=A; t.2=C", "t"), std::nullopt);
    EXPECT_EQ(join("t.1=B", "t"), std::nullopt);
}

TEST(cookie_chunks, gives_nothing_for_two_names_of_one_index) {
    EXPECT_EQ(join("t.0=A; t.1=B; t.01=b", "t"), std::nullopt);
    // Two exact duplicates survive only in a hand-built list (parsing keeps the first).
    const std::vector<sesh::cookie> list{{"t.0", "A"}, {"t.0", "a"}};
    EXPECT_EQ(sesh::join_chunks(list, "t"), std::nullopt);
}

TEST(cookie_chunks, reads_a_leading_zero_index_as_next_auths_parseint_does) {
    EXPECT_EQ(join("t.01=B; t.0=A", "t"), "AB");
}

TEST(cookie_chunks, gives_nothing_for_an_absurd_index_without_overflow) {
    EXPECT_EQ(join("t.0=A; t.99999999999999999999999999=B", "t"), std::nullopt);
    EXPECT_EQ(join("t.0=A; t.18446744073709551617=B", "t"), std::nullopt);
}

TEST(cookie_chunks, keeps_a_value_of_3933_characters_in_one_cookie) {
    const auto list = sesh::chunk_cookie(session(value_of(3933)), {});
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].name, "next-auth.session-token");
    EXPECT_EQ(list[0].value, value_of(3933));
}

TEST(cookie_chunks, splits_3934_characters_into_two_chunks) {
    const auto list = sesh::chunk_cookie(session(value_of(3934)), {});
    EXPECT_EQ(names(list), (std::vector<std::string>{"next-auth.session-token.0", "next-auth.session-token.1"}));
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].value.size(), 3933u);
    EXPECT_EQ(list[1].value, value_of(3934).substr(3933));
}

TEST(cookie_chunks, splits_7866_characters_into_two_full_chunks) {
    const auto list = sesh::chunk_cookie(session(value_of(7866)), {});
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].value.size(), 3933u);
    EXPECT_EQ(list[1].value.size(), 3933u);
}

TEST(cookie_chunks, splits_7867_characters_into_three_chunks) {
    const auto list = sesh::chunk_cookie(session(value_of(7867)), {});
    EXPECT_EQ(names(list), (std::vector<std::string>{"next-auth.session-token.0", "next-auth.session-token.1",
                                                      "next-auth.session-token.2"}));
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[2].value.size(), 1u);
}

TEST(cookie_chunks, gives_every_chunk_the_attributes_of_the_whole) {
    auto whole = session(value_of(8000));
    whole.name = "__Secure-next-auth.session-token";
    whole.max_age = 2592000s;
    whole.domain = "example.com";
    whole.same_site = sesh::same_site::strict;
    for (const auto& c : sesh::chunk_cookie(whole, {})) {
        EXPECT_EQ(c.max_age, 2592000s);
        EXPECT_EQ(c.domain, "example.com");
        EXPECT_EQ(c.path, "/");
        EXPECT_TRUE(c.secure);
        EXPECT_TRUE(c.http_only);
        EXPECT_EQ(c.same_site, sesh::same_site::strict);
        EXPECT_TRUE(sesh::serialize(c)) << c.name;
    }
}

TEST(cookie_chunks, chunk_output_reparsed_and_joined_gives_back_the_value) {
    for (std::size_t n : {0u, 1u, 3932u, 3933u, 3934u, 7866u, 7867u, 12000u, 43264u}) {
        const std::string value = value_of(n);
        std::string header;
        for (const auto& c : sesh::chunk_cookie(session(value), {})) {
            auto line = sesh::serialize(c);
            ASSERT_TRUE(line) << n;
            header += line->substr(0, line->find(';')) + "; ";  // name=value, as the browser returns it
        }
        EXPECT_EQ(join(header), value) << n;
    }
}

TEST(cookie_chunks, replacing_three_chunks_with_a_short_value_clears_every_chunk) {
    const std::string before =
        "next-auth.session-token.0=A; next-auth.session-token.1=B; next-auth.session-token.2=C; other=1";
    const auto seen = sesh::parse_cookie_header(before).value();
    const auto list = sesh::chunk_cookie(session("short"), seen);
    EXPECT_EQ(names(list), (std::vector<std::string>{"next-auth.session-token", "next-auth.session-token.0",
                                                      "next-auth.session-token.1", "next-auth.session-token.2"}));
    ASSERT_EQ(list.size(), 4u);
    EXPECT_EQ(list[0].value, "short");
    EXPECT_FALSE(is_deletion(list[0]));
    for (std::size_t i = 1; i < list.size(); ++i) EXPECT_TRUE(is_deletion(list[i])) << list[i].name;
}

TEST(cookie_chunks, replacing_a_short_value_with_chunks_clears_the_whole_cookie) {
    const auto seen = sesh::parse_cookie_header("next-auth.session-token=old").value();
    const auto list = sesh::chunk_cookie(session(value_of(5000)), seen);
    EXPECT_EQ(names(list), (std::vector<std::string>{"next-auth.session-token.0", "next-auth.session-token.1",
                                                      "next-auth.session-token"}));
    ASSERT_EQ(list.size(), 3u);
    EXPECT_TRUE(is_deletion(list[2]));
}

TEST(cookie_chunks, shrinking_from_three_chunks_to_two_clears_only_the_third) {
    const auto seen = sesh::parse_cookie_header("next-auth.session-token.0=A; next-auth.session-token.1=B; "
                                                "next-auth.session-token.2=C").value();
    const auto list = sesh::chunk_cookie(session(value_of(5000)), seen);
    EXPECT_EQ(names(list), (std::vector<std::string>{"next-auth.session-token.0", "next-auth.session-token.1",
                                                      "next-auth.session-token.2"}));
    ASSERT_EQ(list.size(), 3u);
    EXPECT_FALSE(is_deletion(list[0]));
    EXPECT_FALSE(is_deletion(list[1]));
    EXPECT_TRUE(is_deletion(list[2]));
}

TEST(cookie_chunks, overwriting_the_same_shape_clears_nothing) {
    const auto seen = sesh::parse_cookie_header("next-auth.session-token=old").value();
    const auto list = sesh::chunk_cookie(session("new"), seen);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].value, "new");
}

TEST(cookie_chunks, never_clears_a_neighbour_that_only_shares_the_prefix) {
    const auto seen = sesh::parse_cookie_header("next-auth.session-tokenX=keep; next-auth.session-token.x=keep; "
                                                "next-auth.session-token.0=A; next-auth.session-token.1=B").value();
    const auto list = sesh::chunk_cookie(session("short"), seen);
    EXPECT_EQ(names(list), (std::vector<std::string>{"next-auth.session-token", "next-auth.session-token.0",
                                                      "next-auth.session-token.1"}));
}

TEST(cookie_chunks, round_trips_through_a_jar_between_every_boundary_size) {
    const std::size_t sizes[] = {0, 1, 3933, 3934, 7866, 7867, 43264};
    for (std::size_t from : sizes)
        for (std::size_t to : sizes) {
            jar j;
            const std::string old_value(from, 'z');  // same shape as value_of(from), other content
            ASSERT_EQ(write_then_read(j, old_value), old_value);
            ASSERT_EQ(write_then_read(j, value_of(to)), value_of(to)) << from << " -> " << to;
            // No stale chunk is left behind: the jar holds exactly what a fresh write would make.
            jar fresh;
            fresh.apply(sesh::chunk_cookie(session(value_of(to)), {}));
            EXPECT_EQ(j.cookies, fresh.cookies) << from << " -> " << to;
        }
}

TEST(cookie_chunks, jar_with_eleven_chunks_joins_in_numeric_not_lexical_order) {
    jar j;
    const std::string value = value_of(10 * 3933 + 1);
    EXPECT_EQ(write_then_read(j, value), value);
    EXPECT_EQ(j.cookies.size(), 11u);
    EXPECT_EQ(j.cookies.begin()->first, "next-auth.session-token.0");
    EXPECT_EQ(std::next(j.cookies.begin(), 2)->first, "next-auth.session-token.10");  // lexical order in the header
}

TEST(cookie_chunks, deletions_carry_max_age_zero_an_epoch_expiry_and_the_same_scope) {
    auto like = session("");
    like.name = "__Secure-next-auth.session-token";
    like.domain = "example.com";
    like.path = "/app";
    like.max_age = 3600s;
    like.expires = std::chrono::system_clock::now() + 1h;
    like.same_site = sesh::same_site::none;
    like.partitioned = true;
    const auto seen = sesh::parse_cookie_header("__Secure-next-auth.session-token.0=A").value();
    const auto list = sesh::clear_chunks(like, seen);
    ASSERT_EQ(list.size(), 1u);
    const auto& d = list[0];
    EXPECT_EQ(d.name, "__Secure-next-auth.session-token.0");
    EXPECT_EQ(d.value, "");
    EXPECT_EQ(d.max_age, 0s);
    EXPECT_EQ(d.expires, std::chrono::system_clock::time_point{});
    EXPECT_EQ(d.domain, "example.com");
    EXPECT_EQ(d.path, "/app");
    EXPECT_TRUE(d.secure);
    EXPECT_TRUE(d.http_only);
    EXPECT_EQ(d.same_site, sesh::same_site::none);
    EXPECT_TRUE(d.partitioned);
    EXPECT_EQ(sesh::serialize(d).value(),
              "__Secure-next-auth.session-token.0=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
              "Domain=example.com; Path=/app; Secure; HttpOnly; SameSite=None; Partitioned");
}

TEST(cookie_chunks, clear_chunks_clears_the_whole_and_every_chunk_seen_once_each) {
    const std::vector<sesh::cookie> seen{{"sid", "x"}, {"sid.1", "b"}, {"other", "1"}, {"sid.0", "a"},
                                         {"sidX", "keep"}, {"sid.1", "dup"}};
    auto like = session("");
    like.name = "sid";
    EXPECT_EQ(names(sesh::clear_chunks(like, seen)), (std::vector<std::string>{"sid", "sid.1", "sid.0"}));
}

TEST(cookie_chunks, clear_chunks_writes_nothing_for_cookies_not_seen) {
    const auto seen = sesh::parse_cookie_header("other=1").value();
    EXPECT_TRUE(sesh::clear_chunks(session(""), seen).empty());
}

TEST(cookie_chunks, clearing_through_a_jar_leaves_no_chunk) {
    jar j;
    ASSERT_TRUE(write_then_read(j, value_of(9000)));
    j.cookies["unrelated"] = "1";
    const std::string header = j.header();
    j.apply(sesh::clear_chunks(session(""), sesh::parse_cookie_header(header).value()));
    EXPECT_EQ(j.cookies, (std::map<std::string, std::string>{{"unrelated", "1"}}));
    EXPECT_EQ(join(j.header()), std::nullopt);
}

}  // namespace
