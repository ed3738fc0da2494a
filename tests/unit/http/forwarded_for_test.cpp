// The client behind trusted proxies: X-Forwarded-For read from the right, never what a client
// wrote itself to the left of the address a trusted hop saw.
#include "http/forwarded_for.hpp"

#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

namespace {

using sesh::http::client_behind_proxies;
using sesh::http::request;

// nginx (10.0.0.10) and an outer balancer (10.0.0.5) are trusted.
bool trusted(std::string_view a) { return a == "10.0.0.10" || a == "10.0.0.5" || a == "::1"; }

std::string client(std::initializer_list<const char*> lines, std::string_view peer = "10.0.0.10") {
    request req;
    for (const char* l : lines) req.insert("X-Forwarded-For", l);
    return client_behind_proxies(req, peer, trusted);
}

TEST(forwarded_for, takes_the_address_nginx_appended) { EXPECT_EQ(client({"203.0.113.7"}), "203.0.113.7"); }

TEST(forwarded_for, never_believes_what_the_client_wrote_to_the_left) {
    // The client sent "X-Forwarded-For: 10.0.0.99"; nginx appended what it saw.
    EXPECT_EQ(client({"10.0.0.99, 203.0.113.7"}), "203.0.113.7");
    EXPECT_EQ(client({"127.0.0.1", "203.0.113.7"}), "203.0.113.7");
}

TEST(forwarded_for, walks_past_trusted_hops_across_lines) {
    EXPECT_EQ(client({"198.51.100.2, 10.0.0.5"}), "198.51.100.2");
    EXPECT_EQ(client({"198.51.100.2", "10.0.0.5"}), "198.51.100.2");
}

TEST(forwarded_for, stops_at_an_entry_that_is_not_an_address) {
    EXPECT_EQ(client({"198.51.100.2, unknown, 10.0.0.5"}), "10.0.0.5");
    EXPECT_EQ(client({"garbage"}), "10.0.0.10");
    EXPECT_EQ(client({"203.0.113.7:4711"}), "10.0.0.10");
}

TEST(forwarded_for, without_the_header_or_with_only_trusted_hops_keeps_the_nearest) {
    EXPECT_EQ(client({}), "10.0.0.10");
    EXPECT_EQ(client({"10.0.0.5"}), "10.0.0.5");
    EXPECT_EQ(client({""}), "10.0.0.10");
}

TEST(forwarded_for, reads_ipv6_and_trims_spaces) {
    EXPECT_EQ(client({"  2001:db8::7 ,\t::1 "}), "2001:db8::7");
}

TEST(forwarded_for, reads_at_most_32_entries) {
    std::string many;
    for (int i = 0; i < 40; ++i) many += "10.0.0.5, ";
    EXPECT_EQ(client({(many + "10.0.0.5").c_str()}), "10.0.0.5");
    EXPECT_EQ(client({("198.51.100.9, " + many + "10.0.0.5").c_str()}), "10.0.0.5");
}

}  // namespace
