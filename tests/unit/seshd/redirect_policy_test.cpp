// Where sign-in may send a browser: seshd's own origin always, other origins only under the
// cookie domain (with seshd's scheme) or in the allow-list, and nothing a URL parser could read
// two ways.
#include <gtest/gtest.h>

#include "seshd/callback_url.hpp"

namespace sesh::seshd {
namespace {

redirect_policy policy(std::string_view domain, std::string_view allowed, std::string_view own = "https://auth.example.com") {
    auto p = redirect_policy::make(own, domain, allowed);
    EXPECT_TRUE(p.has_value()) << (p ? "" : p.error());
    return p ? std::move(*p) : redirect_policy{};
}

TEST(redirect_policy, without_settings_only_seshds_own_origin) {
    const auto p = policy("", "");
    EXPECT_EQ(p.callback_url("/x?y", "F"), "https://auth.example.com/x?y");
    EXPECT_EQ(p.callback_url("https://auth.example.com/p", "F"), "https://auth.example.com/p");
    EXPECT_EQ(p.callback_url("https://app.example.com/", "F"), "F");
    EXPECT_EQ(p.page_target("https://auth.example.com/p?q", "F"), "/p?q");
    EXPECT_EQ(p.page_target("//evil.example/", "F"), "F");
    EXPECT_EQ(p.form_action_sources(), "'self'");
}

TEST(redirect_policy, hosts_under_the_cookie_domain_with_seshds_scheme) {
    const auto p = policy(".Example.COM", "");
    for (const char* ok : {"https://app.example.com/x?y=1", "https://example.com", "https://a.b.example.com:8443/",
                           "https://APP.example.com/"})
        EXPECT_EQ(p.page_target(ok, "F"), ok) << ok;
    for (const char* bad : {"http://app.example.com/", "https://example.com.evil.net/", "https://badexample.com/",
                            "https://app.example.com@evil.net/", "https://user:pw@app.example.com/",
                            "https://app.example.com\\@evil.net/", "https://app%2eexample.com/", "https://app.example.com /",
                            "https://app.example.com\t/", "javascript://app.example.com/%0a", "https://127.0.0.1/",
                            "ftp://app.example.com/", "https:app.example.com"})
        EXPECT_EQ(p.page_target(bad, "F"), "F") << bad;
    EXPECT_EQ(p.form_action_sources(), "'self' https://example.com:* https://*.example.com:*");
}

TEST(redirect_policy, origins_in_the_allow_list_exactly) {
    const auto p = policy("", "http://127.0.0.1:8080, https://App.Example.net");
    EXPECT_EQ(p.callback_url("http://127.0.0.1:8080/back", "F"), "http://127.0.0.1:8080/back");
    EXPECT_EQ(p.callback_url("https://app.example.net:443/x", "F"), "https://app.example.net:443/x") << "the default port";
    EXPECT_EQ(p.callback_url("http://127.0.0.1:8081/", "F"), "F");
    EXPECT_EQ(p.callback_url("https://127.0.0.1:8080/", "F"), "F");
    EXPECT_EQ(p.callback_url("https://sub.app.example.net/", "F"), "F");
    EXPECT_EQ(p.form_action_sources(), "'self' http://127.0.0.1:8080 https://app.example.net");
}

TEST(redirect_policy, refuses_an_allow_list_entry_that_is_no_origin) {
    for (const char* bad : {"app.example.com", "https://app.example.com/path", "https://u@app.example.com",
                            "https://app.example.com?x", "ftp://app.example.com", "https://a b.com"})
        EXPECT_FALSE(redirect_policy::make("https://auth.example.com", "", bad).has_value()) << bad;
}

}  // namespace
}  // namespace sesh::seshd
