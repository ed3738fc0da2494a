// beast_redis: sessions in a Beast server of your own, on Redis, without blocking its loop.
// Each request's session is loaded with `co_await sessions.async_load(...)` and saved with
// `co_await sessions.async_save(...)`: the coroutine waits for Redis, the io_context serves other
// connections meanwhile (sesh pipelines the commands of one loop on one connection).
// POST /login signs the session in as the user named in the body; GET /me says who is signed in
// (401 when nobody); POST /logout ends the session.
// Usage: beast_redis REDIS_URL [PORT]   (e.g. redis://127.0.0.1:6379; port 0: a free one, printed)
#include <cstdio>
#include <cstdlib>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <sesh/session_manager.hpp>
#include <sesh/store.hpp>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// One request to one response: the session is awaited, changed, and its cookies set.
asio::awaitable<http::response<http::string_body>> handle(const sesh::session_manager& sessions,
                                                          const http::request<http::string_body>& req,
                                                          const std::string& address) {
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain");
    const std::string cookie_header(req[http::field::cookie]);
    auto s = co_await sessions.async_load(cookie_header, {address, req[http::field::user_agent]});
    if (!s) {  // the store is down: the only error a load has
        res.result(http::status::service_unavailable);
        res.body() = "session store unavailable\n";
        co_return res;
    }
    std::vector<std::string> cookies;
    if (req.method() == http::verb::post && req.target() == "/login" && !req.body().empty()) {
        sessions.regenerate(*s);  // a new token at login: no session fixation
        s->set_user_id(req.body());
        res.body() = "signed in\n";
    } else if (req.method() == http::verb::post && req.target() == "/logout") {
        auto cleared = co_await sessions.async_destroy(*s);
        if (cleared) cookies = std::move(*cleared);
        res.body() = "signed out\n";
    } else if (req.method() == http::verb::get && req.target() == "/me") {
        if (s->user_id().empty()) res.result(http::status::unauthorized);
        res.body() = s->user_id().empty() ? "nobody\n" : s->user_id() + "\n";
    } else {
        res.result(http::status::not_found);
    }
    auto saved = co_await sessions.async_save(*s);
    if (!saved) {
        res.result(http::status::service_unavailable);
        res.body() = "session store unavailable\n";
    } else {
        for (auto& c : *saved) cookies.push_back(std::move(c));
    }
    for (const auto& c : cookies) res.insert(http::field::set_cookie, c);
    co_return res;
}

asio::awaitable<void> serve(const sesh::session_manager& sessions, tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    const std::string address = socket.remote_endpoint().address().to_string();
    for (;;) {
        http::request<http::string_body> req;
        co_await http::async_read(socket, buffer, req, asio::use_awaitable);
        auto res = co_await handle(sessions, req, address);
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        co_await http::async_write(socket, res, asio::use_awaitable);
        if (!req.keep_alive()) co_return;
    }
}

asio::awaitable<void> listen(const sesh::session_manager& sessions, tcp::acceptor& acceptor) {
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
        asio::co_spawn(acceptor.get_executor(), serve(sessions, std::move(socket)), asio::detached);
    }
}

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: beast_redis REDIS_URL [PORT]\n");
        return 2;
    }
    sesh::session_options o;
    auto store = sesh::open_store(argv[1]);
    if (!store) {
        std::fprintf(stderr, "%s: %s\n", argv[1], store.error().message().c_str());
        return 1;
    }
    o.store = std::move(*store);
    o.secure = false;  // plain http on loopback; keep the default (true) behind https
    auto sessions = sesh::session_manager::create(o);
    if (!sessions) return 1;

    asio::io_context loop(1);  // one thread: the loop's coroutines share one Redis connection
    tcp::acceptor acceptor(loop, {asio::ip::make_address("127.0.0.1"),
                                  static_cast<unsigned short>(argc > 2 ? std::atoi(argv[2]) : 0)});
    std::printf("%u\n", acceptor.local_endpoint().port());
    std::fflush(stdout);
    asio::co_spawn(loop, listen(*sessions, acceptor), asio::detached);
    loop.run();
}
