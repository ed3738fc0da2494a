// session's typed accessors and change tracking: absent and wrong-typed values are errors,
// never a silent default.
#include <sesh/session.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "unit/session/session_fixture.hpp"

namespace {

namespace json = boost::json;
using sesh::errc;

// A session holding `data` as a request sees it: saved through a manager, then loaded back from
// its cookie, so it is unmodified and its numbers went through a real round trip.
sesh::session with(std::string_view data) {
    static const sesh::manual_clock clk{sesh_test::t0};
    static const sesh::session_manager m = [] {
        sesh::session_options o;
        o.store = sesh::open_store("memory:", {.clock = &clk}).value();
        o.clock = &clk;
        return sesh::session_manager::create(std::move(o)).value();
    }();
    auto s = sesh_test::loaded(m, "");
    s.mutable_data() = json::parse(data).as_object();
    sesh_test::browser b;
    b.apply(sesh_test::saved(m, s));
    return sesh_test::loaded(m, b.header());
}

TEST(session, a_new_session_is_new_empty_anonymous_and_unmodified) {
    const sesh::session s;
    EXPECT_TRUE(s.is_new());
    EXPECT_FALSE(s.modified());
    EXPECT_FALSE(s.destroyed());
    EXPECT_TRUE(s.data().empty());
    EXPECT_TRUE(s.user_id().empty());
    EXPECT_TRUE(s.id().empty());
}

TEST(session, get_string_returns_the_string) {
    const auto s = with(R"({"name":"Ada"})");
    EXPECT_EQ(s.get_string("name").value(), "Ada");
}

TEST(session, every_accessor_says_not_found_for_an_absent_key) {
    const auto s = with(R"({"other":1})");
    EXPECT_EQ(s.get_string("k").error(), errc::not_found);
    EXPECT_EQ(s.get_int("k").error(), errc::not_found);
    EXPECT_EQ(s.get_bool("k").error(), errc::not_found);
    EXPECT_EQ(s.get_object("k").error(), errc::not_found);
    EXPECT_EQ(s.get_array("k").error(), errc::not_found);
}

TEST(session, every_accessor_says_wrong_type_for_another_type) {
    const auto s = with(R"({"s":"x","i":1,"b":true,"o":{},"a":[],"n":null})");
    EXPECT_EQ(s.get_string("i").error(), errc::wrong_type);
    EXPECT_EQ(s.get_string("n").error(), errc::wrong_type);
    EXPECT_EQ(s.get_int("s").error(), errc::wrong_type);
    EXPECT_EQ(s.get_int("b").error(), errc::wrong_type);
    EXPECT_EQ(s.get_bool("i").error(), errc::wrong_type);
    EXPECT_EQ(s.get_bool("s").error(), errc::wrong_type);
    EXPECT_EQ(s.get_object("a").error(), errc::wrong_type);
    EXPECT_EQ(s.get_array("o").error(), errc::wrong_type);
    EXPECT_EQ(s.get_object("n").error(), errc::wrong_type);
}

TEST(session, get_int_reads_integers_however_json_wrote_them) {
    const auto s = with(R"({"a":42,"b":-7,"c":3.0,"d":1e3,"e":9223372036854775807,"f":-9223372036854775808})");
    EXPECT_EQ(s.get_int("a").value(), 42);
    EXPECT_EQ(s.get_int("b").value(), -7);
    EXPECT_EQ(s.get_int("c").value(), 3);
    EXPECT_EQ(s.get_int("d").value(), 1000);
    EXPECT_EQ(s.get_int("e").value(), INT64_MAX);
    EXPECT_EQ(s.get_int("f").value(), INT64_MIN);
}

TEST(session, get_int_refuses_fractions_and_numbers_past_int64) {
    const auto s = with(R"({"a":3.5,"b":9223372036854775808,"c":1e19,"d":-1e19,"e":"3"})");
    EXPECT_EQ(s.get_int("a").error(), errc::wrong_type);
    EXPECT_EQ(s.get_int("b").error(), errc::wrong_type);  // a uint64 past INT64_MAX
    EXPECT_EQ(s.get_int("c").error(), errc::wrong_type);
    EXPECT_EQ(s.get_int("d").error(), errc::wrong_type);
    EXPECT_EQ(s.get_int("e").error(), errc::wrong_type);
}

TEST(session, get_bool_object_and_array_return_the_values) {
    const auto s = with(R"({"b":false,"o":{"x":1},"a":[1,2,3]})");
    EXPECT_FALSE(s.get_bool("b").value());
    EXPECT_EQ(s.get_object("o").value()->at("x").as_int64(), 1);
    EXPECT_EQ(s.get_array("a").value()->size(), 3u);
}

TEST(session, reading_does_not_mark_the_session_modified) {
    const auto s = with(R"({"k":"v"})");
    ASSERT_TRUE(s.get_string("k"));
    (void)s.data();
    EXPECT_FALSE(s.modified());
}

TEST(session, set_replaces_a_value_and_marks_modified) {
    auto s = with(R"({"k":"v"})");
    s.set("k", 5);
    EXPECT_TRUE(s.modified());
    EXPECT_EQ(s.get_int("k").value(), 5);
    EXPECT_EQ(s.get_string("k").error(), errc::wrong_type);
}

TEST(session, erase_reports_whether_the_key_was_there_and_keeps_the_order) {
    auto s = with(R"({"a":1,"b":2,"c":3})");
    EXPECT_FALSE(s.erase("zz"));
    EXPECT_FALSE(s.modified());
    EXPECT_TRUE(s.erase("a"));
    EXPECT_TRUE(s.modified());
    EXPECT_EQ(s.get_int("a").error(), errc::not_found);
    EXPECT_EQ(json::serialize(s.data()), R"({"b":2,"c":3})");
}

TEST(session, clear_empties_and_marks_modified) {
    auto s = with(R"({"a":1})");
    s.clear();
    EXPECT_TRUE(s.modified());
    EXPECT_TRUE(s.data().empty());
}

TEST(session, set_user_id_marks_modified) {
    sesh::session s;
    s.set_user_id("u1");
    EXPECT_TRUE(s.modified());
    EXPECT_EQ(s.user_id(), "u1");
}

TEST(session, mutable_data_marks_modified) {
    sesh::session s;
    s.mutable_data()["cart"] = json::array{1, 2};
    EXPECT_TRUE(s.modified());
    EXPECT_EQ(s.get_array("cart").value()->size(), 2u);
}

}  // namespace
