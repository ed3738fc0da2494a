// Bodies and responses: JSON objects, forms, content types, escaping.
#include <sesh/http/body.hpp>
#include <sesh/http/message.hpp>

#include <gtest/gtest.h>

#include <sesh/error.hpp>

namespace {

using namespace sesh::http;

TEST(body, parses_a_json_object) {
    auto o = parse_json_object(R"({"username":"ada","n":[1,2]})");
    ASSERT_TRUE(o);
    EXPECT_EQ(o->at("username").as_string(), "ada");
}

TEST(body, refuses_invalid_json_non_objects_and_deep_nesting) {
    for (std::string_view bad : {"", "{", "[1]", "\"s\"", "null", "{\"a\":}", "{} x"})
        EXPECT_EQ(parse_json_object(bad).error(), sesh::errc::malformed) << bad;
    std::string deep = "{\"a\":" + std::string(40, '[') + std::string(40, ']') + "}";
    EXPECT_FALSE(parse_json_object(deep));
}

// Boost.JSON reads an overflowing number as infinity, which no JSON writer can give back: a
// session holding one could not be stored or re-read (issue 17, finding 13b).
TEST(body, refuses_numbers_that_overflow_to_infinity) {
    for (std::string_view bad : {R"({"user":1e999999})", R"({"user":-1e400})", R"({"a":{"b":[1,2e308]}})"}) {
        auto parsed = parse_json_object(bad);
        ASSERT_FALSE(parsed) << bad;
        EXPECT_EQ(parsed.error(), sesh::errc::malformed) << bad;
    }
    auto big = parse_json_object(R"({"user":1.7e308,"n":-1e-400})");
    ASSERT_TRUE(big);
    EXPECT_EQ(big->at("user").as_double(), 1.7e308);
}

TEST(body, decodes_forms_with_plus_and_percent_escapes) {
    auto f = parse_form("username=ada+l&password=p%26ss%3D%F0%9F%94%91&&flag&empty=");
    ASSERT_TRUE(f);
    EXPECT_EQ(form_value(*f, "username"), "ada l");
    EXPECT_EQ(form_value(*f, "password"), "p&ss=\xF0\x9F\x94\x91");
    EXPECT_EQ(form_value(*f, "flag"), "");
    EXPECT_EQ(form_value(*f, "empty"), "");
    EXPECT_FALSE(form_value(*f, "missing"));
}

TEST(body, refuses_bad_escapes_and_invalid_utf8_in_forms) {
    for (std::string_view bad : {"a=%", "a=%4", "a=%zz", "a=%ff", "%c3=x"})
        EXPECT_EQ(parse_form(bad).error(), sesh::errc::malformed) << bad;
}

TEST(body, matches_content_types_ignoring_case_and_parameters) {
    EXPECT_TRUE(content_type_is("application/json", "application/json"));
    EXPECT_TRUE(content_type_is("Application/JSON; charset=utf-8", "application/json"));
    EXPECT_FALSE(content_type_is("application/jsonp", "application/json"));
    EXPECT_FALSE(content_type_is("", "application/json"));
    EXPECT_FALSE(content_type_is("text/plain", "application/json"));
}

TEST(message, escapes_html_and_urls) {
    EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    EXPECT_EQ(url_encode("/profile?x=1 2&é"), "%2Fprofile%3Fx%3D1%202%26%C3%A9");
}

TEST(message, builds_json_errors_that_are_never_cached) {
    auto r = json_error(status::bad_request, "Bad thing");
    EXPECT_EQ(r.result(), status::bad_request);
    EXPECT_EQ(r.body(), R"({"error":"Bad thing"})");
    EXPECT_EQ(r[field::content_type], "application/json");
    EXPECT_EQ(r[field::cache_control], "no-store");
}

}  // namespace
