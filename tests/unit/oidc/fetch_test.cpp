// sesh::async_fetch: which URLs it refuses before any I/O, its body limit and its deadline,
// against a loopback peer written here with Asio (a peer that answers too much, or nothing).
#include <sesh/fetch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <sesh/error.hpp>

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

sesh::result<sesh::fetch_response> fetch_now(asio::io_context& io, std::string url, sesh::fetch_options o = {}) {
    std::optional<sesh::result<sesh::fetch_response>> out;
    sesh::async_fetch(io.get_executor(), sesh::fetch_request{"GET", std::move(url), {}, {}}, o,
                      [&](sesh::result<sesh::fetch_response> r) { out = std::move(r); });
    io.run();
    io.restart();
    return std::move(*out);
}

// A one-connection HTTP peer: reads a request head, then answers `reply` (or nothing, if empty,
// holding the socket open until the test ends).
struct loopback_peer {
    tcp::acceptor acceptor;
    std::string reply;
    std::shared_ptr<tcp::socket> held;
    loopback_peer(asio::io_context& io, std::string r) : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}), reply(std::move(r)) {
        acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec) return;
            held = std::make_shared<tcp::socket>(std::move(s));
            auto buf = std::make_shared<asio::streambuf>();
            asio::async_read_until(*held, *buf, "\r\n\r\n", [this, buf](boost::system::error_code rec, std::size_t) {
                if (rec || reply.empty()) return;
                asio::async_write(*held, asio::buffer(reply), [](boost::system::error_code, std::size_t) {});
            });
        });
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/x"; }
};

sesh::fetch_options loopback_ok() {
    sesh::fetch_options o;
    o.allow_loopback_http = true;
    return o;
}

TEST(fetch, refuses_http_to_a_host_that_is_not_loopback) {
    asio::io_context io;
    EXPECT_EQ(fetch_now(io, "http://example.com/", loopback_ok()).error(), sesh::errc::invalid_argument);
    EXPECT_EQ(fetch_now(io, "http://10.0.0.1/", loopback_ok()).error(), sesh::errc::invalid_argument);
}

TEST(fetch, refuses_http_to_loopback_unless_allowed) {
    asio::io_context io;
    EXPECT_EQ(fetch_now(io, "http://127.0.0.1:1/").error(), sesh::errc::invalid_argument);
}

TEST(fetch, refuses_other_schemes_relative_urls_and_userinfo) {
    asio::io_context io;
    for (const char* u : {"ftp://example.com/", "/relative", "https://user:pw@example.com/", "not a url"})
        EXPECT_EQ(fetch_now(io, u, loopback_ok()).error(), sesh::errc::invalid_argument) << u;
}

TEST(fetch, reads_a_loopback_answer) {
    asio::io_context io;
    loopback_peer peer(io, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    auto r = fetch_now(io, peer.url(), loopback_ok());
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 201u);
    EXPECT_EQ(r->content_type, "application/json");
    EXPECT_EQ(r->body, "{}");
}

TEST(fetch, a_body_over_the_limit_is_too_large) {
    asio::io_context io;
    const std::string body(4096, 'x');
    loopback_peer peer(io, "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n" + body);
    auto o = loopback_ok();
    o.max_body_bytes = 1024;
    EXPECT_EQ(fetch_now(io, peer.url(), o).error(), sesh::errc::too_large);
}

TEST(fetch, a_silent_peer_ends_at_the_deadline) {
    asio::io_context io;
    loopback_peer peer(io, "");
    auto o = loopback_ok();
    o.timeout = std::chrono::milliseconds(200);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(fetch_now(io, peer.url(), o).error(), sesh::errc::upstream_failure);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST(fetch, garbage_is_an_upstream_failure) {
    asio::io_context io;
    loopback_peer peer(io, "SSH-2.0-OpenSSH\r\n\r\n");
    EXPECT_EQ(fetch_now(io, peer.url(), loopback_ok()).error(), sesh::errc::upstream_failure);
}

TEST(fetch, https_to_a_peer_that_speaks_no_tls_fails) {
    asio::io_context io;
    loopback_peer peer(io, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    const std::string url = "https://127.0.0.1:" + std::to_string(peer.acceptor.local_endpoint().port()) + "/";
    sesh::fetch_options o;
    o.timeout = std::chrono::seconds(2);
    EXPECT_EQ(fetch_now(io, url, o).error(), sesh::errc::upstream_failure);
}

}  // namespace
