// The server on a real loopback socket, fed raw bytes: keep-alive, sessions across requests, the
// edge limits (400, 408, 413, 431, 503), handler failures, and the graceful stop.
#include <sesh/http/server.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace {

using namespace sesh::http;
using namespace std::chrono_literals;

// A blocking client socket with a receive timeout.
class raw_client {
public:
    explicit raw_client(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~raw_client() { ::close(fd_); }
    bool connected() const { return connected_; }
    void send(std::string_view bytes) { (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
    // Everything until the peer closes or `timeout` passes without data.
    std::string read_all(std::chrono::milliseconds timeout = 3000ms) {
        std::string out;
        char buf[4096];
        for (;;) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return out;
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return out;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    // One response (headers + Content-Length body).
    std::string read_response(std::chrono::milliseconds timeout = 3000ms) {
        std::string out;
        char buf[4096];
        for (;;) {
            const auto end = out.find("\r\n\r\n");
            if (end != std::string::npos) {
                std::size_t len = 0;
                if (auto cl = out.find("Content-Length: "); cl != std::string::npos) len = std::stoul(out.substr(cl + 16));
                if (out.size() >= end + 4 + len) return out;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return out;
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return out;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }

private:
    int fd_ = -1;
    bool connected_ = false;
};

struct http_server_test : ::testing::Test {
    metrics m;
    sesh::session_manager sessions = [] {
        sesh::session_options o;
        o.store = std::shared_ptr<sesh::store>(sesh::open_store("memory:").value());
        o.secure = false;
        return sesh::session_manager::create(o).value();
    }();
    std::unique_ptr<server> srv;
    std::thread runner;

    void start(server_options o = {}) {
        o.port = 0;
        o.threads = 2;
        o.handle_signals = false;
        router r;
        r.add(verb::get, "/hello", [](context&) -> awaitable<response> { co_return json_error(status::ok, "hi"); });
        r.add(verb::post, "/echo", [](context& ctx) -> awaitable<response> {
            response res{status::ok, 11};
            res.body() = ctx.req().body();
            co_return res;
        });
        r.add(verb::post, "/count", [](context& ctx) -> awaitable<response> {
            auto s = co_await ctx.session();
            if (!s) co_return json_error(status::service_unavailable, "down");
            auto n = (*s)->get_int("n").value_or(0) + 1;
            (*s)->set("n", n);
            response res{status::ok, 11};
            res.body() = std::to_string(n);
            co_return res;
        });
        r.add(verb::get, "/throw", [](context&) -> awaitable<response> {
            throw std::runtime_error("secret internal detail");
            co_return response{};
        });
        r.add(verb::post, "/count-then-throw", [](context& ctx) -> awaitable<response> {
            auto s = co_await ctx.session();
            if (s) (*s)->set("n", (*s)->get_int("n").value_or(0) + 100);
            sesh::set_cookie other;
            other.name = "other";
            other.value = "1";
            ctx.add_set_cookie(std::move(other));
            throw std::runtime_error("failed after changing the session");
            co_return response{};
        });
        r.add(verb::get, "/queued-cookies", [](context& ctx) -> awaitable<response> {
            sesh::set_cookie first;
            first.name = "a";
            first.value = "1";
            ctx.add_set_cookie(first);
            first.value = "2";  // queued later under the same name: the one queued_cookie finds
            ctx.add_set_cookie(first);
            sesh::set_cookie bad;
            bad.name = "no spaces allowed";
            bad.value = "x";
            ctx.add_set_cookie(std::move(bad));
            const sesh::set_cookie* found = ctx.queued_cookie("a");
            response res{status::ok, 11};
            res.body() = found != nullptr ? found->value : "none";
            res.prepare_payload();
            co_return res;
        });
        r.add(verb::get, "/thread", [](context&) -> awaitable<response> {
            response res{status::ok, 11};
            res.body() = std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
            co_return res;
        });
        r.add(verb::get, "/slow", [](context&) -> awaitable<response> {
            boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, 700ms);
            co_await t.async_wait(boost::asio::use_awaitable);
            co_return json_error(status::ok, "slow done");
        });
        srv = std::make_unique<server>(o, std::move(r), sessions, m);
        ASSERT_TRUE(srv->listen());
        runner = std::thread([this] { srv->run(); });
    }
    void TearDown() override {
        if (srv) srv->stop();
        if (runner.joinable()) runner.join();
    }
    std::uint16_t port() const { return srv->port(); }
};

// One I/O loop per thread: a connection stays on the loop it was given at accept, and
// connections are dealt to the loops in turn.
TEST_F(http_server_test, each_connection_lives_on_one_thread_and_connections_take_turns) {
    start();
    const auto thread_of = [](raw_client& c) {
        c.send("GET /thread HTTP/1.1\r\nHost: x\r\n\r\n");
        const auto res = c.read_response();
        return res.substr(res.find("\r\n\r\n") + 4);
    };
    raw_client a(port()), b(port());
    const auto a_thread = thread_of(a);
    const auto b_thread = thread_of(b);
    ASSERT_FALSE(a_thread.empty());
    EXPECT_NE(a_thread, b_thread);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(thread_of(a), a_thread);
        EXPECT_EQ(thread_of(b), b_thread);
    }
    raw_client c(port());  // the third goes back to the first loop
    EXPECT_EQ(thread_of(c), a_thread);
}

TEST_F(http_server_test, serves_several_requests_on_one_keep_alive_connection) {
    start();
    raw_client c(port());
    for (int i = 0; i < 3; ++i) {
        c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        const auto res = c.read_response();
        EXPECT_NE(res.find("HTTP/1.1 200 OK"), std::string::npos);
        EXPECT_NE(res.find("X-Content-Type-Options: nosniff"), std::string::npos);
        EXPECT_NE(res.find(R"({"error":"hi"})"), std::string::npos);
    }
}

TEST_F(http_server_test, a_session_saved_by_one_request_is_loaded_by_the_next) {
    start();
    raw_client c(port());
    c.send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    const auto first = c.read_response();
    const auto at = first.find("Set-Cookie: ");
    ASSERT_NE(at, std::string::npos);
    const auto pair = first.substr(at + 12, first.find(';', at) - at - 12);
    c.send("POST /count HTTP/1.1\r\nHost: x\r\nCookie: " + pair + "\r\nContent-Length: 0\r\n\r\n");
    const auto second = c.read_response();
    EXPECT_EQ(second.substr(second.size() - 1), "2");
}

TEST_F(http_server_test, malformed_requests_get_400_json_and_a_close) {
    start();
    raw_client c(port());
    c.send("THIS IS NOT HTTP\r\n\r\n");
    const auto res = c.read_all();
    EXPECT_NE(res.find("HTTP/1.1 400"), std::string::npos);
    EXPECT_NE(res.find(R"({"error":"Malformed request"})"), std::string::npos);
}

TEST_F(http_server_test, oversized_headers_get_431) {
    server_options o;
    o.max_header_bytes = 1024;
    start(o);
    raw_client c(port());
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
    EXPECT_NE(c.read_all().find("HTTP/1.1 431"), std::string::npos);
}

TEST_F(http_server_test, oversized_bodies_get_413) {
    server_options o;
    o.max_body_bytes = 100;
    start(o);
    raw_client c(port());
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
    EXPECT_NE(c.read_all().find("HTTP/1.1 413"), std::string::npos);
}

TEST_F(http_server_test, a_request_trickling_in_is_cut_at_the_read_timeout) {
    server_options o;
    o.read_timeout = 300ms;
    start(o);
    raw_client c(port());
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finished
    const auto start_time = std::chrono::steady_clock::now();
    EXPECT_EQ(c.read_all(5000ms), "") << "closed, with nothing answered";
    EXPECT_LT(std::chrono::steady_clock::now() - start_time, 3s);
}

TEST_F(http_server_test, an_idle_keep_alive_connection_is_closed) {
    server_options o;
    o.idle_timeout = 300ms;
    start(o);
    raw_client c(port());
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(c.read_response().find("200 OK"), std::string::npos);
    const auto start_time = std::chrono::steady_clock::now();
    EXPECT_EQ(c.read_all(5000ms), "");  // closed without a word
    EXPECT_LT(std::chrono::steady_clock::now() - start_time, 3s);
}

TEST_F(http_server_test, a_connection_that_never_sends_a_byte_is_closed_at_the_read_timeout) {
    server_options o;
    o.read_timeout = 300ms;
    o.idle_timeout = 60s;
    start(o);
    raw_client c(port());
    const auto start_time = std::chrono::steady_clock::now();
    EXPECT_EQ(c.read_all(5000ms), "");  // closed without a word, long before the idle timeout
    EXPECT_LT(std::chrono::steady_clock::now() - start_time, 3s);
}

TEST_F(http_server_test, connections_past_the_limit_get_503) {
    server_options o;
    o.max_connections = 2;
    start(o);
    raw_client a(port()), b(port());
    std::this_thread::sleep_for(100ms);
    raw_client c(port());
    EXPECT_NE(c.read_all().find("HTTP/1.1 503"), std::string::npos);
    a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(a.read_response().find("200 OK"), std::string::npos) << "held connections still work";
}

TEST_F(http_server_test, a_throwing_handler_gets_500_without_details) {
    start();
    raw_client c(port());
    c.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto res = c.read_response();
    EXPECT_NE(res.find("HTTP/1.1 500"), std::string::npos);
    EXPECT_EQ(res.find("secret internal detail"), std::string::npos);
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(c.read_response().find("200 OK"), std::string::npos) << "the connection survives";
}

// What a handler changed before it threw is not saved: no record, no cookie, the old data kept.
TEST_F(http_server_test, a_throwing_handler_does_not_save_its_session) {
    start();
    raw_client c(port());
    c.send("POST /count-then-throw HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    auto res = c.read_response();
    EXPECT_NE(res.find("HTTP/1.1 500"), std::string::npos);
    EXPECT_EQ(res.find("Set-Cookie"), std::string::npos) << "a new session is not created" << res;

    c.send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    res = c.read_response();
    const auto at = res.find("Set-Cookie: ");
    ASSERT_NE(at, std::string::npos) << res;
    const auto cookie = res.substr(at + 12, res.find(';', at) - at - 12);
    const std::string with_cookie = "HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\nContent-Length: 0\r\n\r\n";
    c.send("POST /count-then-throw " + with_cookie);
    res = c.read_response();
    EXPECT_NE(res.find("HTTP/1.1 500"), std::string::npos);
    EXPECT_EQ(res.find("Set-Cookie"), std::string::npos) << res;
    c.send("POST /count " + with_cookie);
    res = c.read_response();
    EXPECT_NE(res.find("\r\n\r\n2"), std::string::npos) << "the +100 before the throw was not saved: " << res;
}

TEST_F(http_server_test, queued_cookies_stay_structs_until_written_and_a_bad_one_is_left_out) {
    start();
    raw_client c(port());
    c.send("GET /queued-cookies HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto res = c.read_response();
    EXPECT_NE(res.find("HTTP/1.1 200"), std::string::npos) << res;
    EXPECT_NE(res.find("\r\n\r\n2"), std::string::npos) << "queued_cookie finds the last one: " << res;
    EXPECT_NE(res.find("Set-Cookie: a=1; Path=/; Secure; HttpOnly; SameSite=Lax\r\n"), std::string::npos) << res;
    EXPECT_NE(res.find("Set-Cookie: a=2; Path=/; Secure; HttpOnly; SameSite=Lax\r\n"), std::string::npos) << res;
    EXPECT_EQ(res.find("no spaces"), std::string::npos) << res;
}

TEST_F(http_server_test, a_graceful_stop_finishes_requests_in_flight) {
    start();
    raw_client c(port());
    c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(200ms);
    srv->stop();
    const auto res = c.read_all(5000ms);
    EXPECT_NE(res.find("slow done"), std::string::npos);
    EXPECT_NE(res.find("Connection: close"), std::string::npos);
    runner.join();
    raw_client late(port());
    EXPECT_FALSE(late.connected() && !late.read_all(500ms).empty());
}

}  // namespace
