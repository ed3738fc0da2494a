// SESH_GATEWAY_RULES: the grammar, the most specific rule deciding, and paths normalized before
// matching so an encoded or dotted path cannot step around a rule.
#include <gtest/gtest.h>

#include "seshd/gateway_rules.hpp"

namespace sesh::seshd {
namespace {

gateway_rules rules_of(std::string_view text) {
    auto r = gateway_rules::parse(text);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
    return r ? std::move(*r) : gateway_rules{};
}

const gateway_identity ada{"ada", "ada@example.com"};
const gateway_identity bob{"bob", "Bob@Example.ORG"};
const gateway_identity carol{"carol", ""};

TEST(gateway_rules, no_rules_allow_anyone_signed_in) {
    const auto r = rules_of("");
    EXPECT_TRUE(r.empty());
    EXPECT_TRUE(r.allows("app.example.com", "/admin", carol));
}

TEST(gateway_rules, a_rule_admits_named_users_emails_and_domains_only) {
    const auto r = rules_of("app.example.com/admin=user:ada, email:dan@example.net ,domain:example.org");
    EXPECT_TRUE(r.allows("app.example.com", "/admin", ada));
    EXPECT_TRUE(r.allows("app.example.com", "/admin/x", bob)) << "domain, case-insensitive";
    EXPECT_TRUE(r.allows("app.example.com", "/admin", gateway_identity{"dan", "DAN@example.net"}));
    EXPECT_FALSE(r.allows("app.example.com", "/admin", carol));
    EXPECT_FALSE(r.allows("app.example.com", "/admin", gateway_identity{"x", "x@sub.example.org"})) << "exact domain";
    EXPECT_FALSE(r.allows("app.example.com", "/admin", gateway_identity{"ada2", "ada@example.com"}));
}

TEST(gateway_rules, prefixes_match_at_segment_boundaries) {
    const auto r = rules_of("/admin=user:ada");
    EXPECT_FALSE(r.allows("h", "/admin", carol));
    EXPECT_FALSE(r.allows("h", "/admin/", carol));
    EXPECT_FALSE(r.allows("h", "/admin?x=1", carol));
    EXPECT_FALSE(r.allows("h", "/admin/a/b", carol));
    EXPECT_TRUE(r.allows("h", "/administrator", carol));
    EXPECT_TRUE(r.allows("h", "/", carol));
}

TEST(gateway_rules, encoded_and_dotted_paths_meet_the_rule_they_spell) {
    const auto r = rules_of("/admin=user:ada");
    for (const char* uri : {"/%61dmin", "/%61%64%6D%69%6E/x", "/public/../admin", "/./admin", "//admin", "/x/%2e%2e/admin",
                            "/admin/../admin/y", "/../admin"})
        EXPECT_FALSE(r.allows("h", uri, carol)) << uri;
    for (const char* uri : {"/%zz", "/%4", "/a%00b", "relative"}) EXPECT_FALSE(r.allows("h", uri, carol)) << uri;
    EXPECT_TRUE(r.allows("h", "/admin/../public", carol));
}

TEST(gateway_rules, the_longest_prefix_decides_and_a_named_host_beats_any_host) {
    const auto r = rules_of("*/=user:ada,user:carol; */docs=*; app.example.com/docs=user:bob; other.example.com:8443/=user:bob");
    EXPECT_TRUE(r.allows("x.example.com", "/docs/a", carol)) << "*/docs=*";
    EXPECT_FALSE(r.allows("x.example.com", "/", bob)) << "*/ is ada and carol";
    EXPECT_FALSE(r.allows("app.example.com", "/docs", carol)) << "the named host wins at equal length";
    EXPECT_TRUE(r.allows("APP.example.com:8080", "/docs", bob)) << "hosts without a port match any port, case-insensitively";
    EXPECT_TRUE(r.allows("other.example.com:8443", "/x", bob));
    EXPECT_FALSE(r.allows("other.example.com:443", "/x", bob)) << "a port in the rule must match";
    EXPECT_FALSE(r.allows("other.example.com", "/x", bob));
}

TEST(gateway_rules, refuses_what_does_not_parse) {
    for (const char* bad : {"app.example.com=user:ada", "/admin", "/admin=", "/admin=group:x", "/admin=user:", "/a b=user:x",
                            "/%zz=user:x", "/admin=email:", "/admin=domain:"}) {
        const auto r = gateway_rules::parse(bad);
        ASSERT_FALSE(r.has_value()) << bad;
        EXPECT_NE(r.error().find("SESH_GATEWAY_RULES"), std::string::npos) << r.error();
    }
    EXPECT_TRUE(gateway_rules::parse(" ; /a=* ;; ").has_value());
}

TEST(gateway_rules, normalizes_request_paths_as_rfc_3986_removes_dot_segments) {
    EXPECT_EQ(normalized_request_path("/a/b/../c/./d"), "/a/c/d");
    EXPECT_EQ(normalized_request_path("/a//b/"), "/a/b/");
    EXPECT_EQ(normalized_request_path("/../.."), "/");
    EXPECT_EQ(normalized_request_path("/%41%2fb"), "/A/b");
    EXPECT_EQ(normalized_request_path("/%2"), std::nullopt);
    EXPECT_EQ(normalized_request_path(""), std::nullopt);
}

}  // namespace
}  // namespace sesh::seshd
