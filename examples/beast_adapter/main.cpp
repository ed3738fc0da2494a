// beast_adapter: sessions in a plain, blocking Boost.Beast server through <sesh/beast.hpp>.
// sesh::beast::with_session loads the request's session before the handler and saves it into the
// response's Set-Cookie headers after; the handler only reads and changes the session.
// POST /login signs in as the user named in the body; GET /me says who is signed in (401 when
// nobody); POST /logout ends the session.
// Usage: beast_adapter [PORT]   (0 or nothing: a free port, printed on stdout)
#include <cstdio>
#include <cstdlib>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <sesh/beast.hpp>
#include <sesh/store.hpp>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

http::response<http::string_body> route(const sesh::session_manager& sessions,
                                        const http::request<http::string_body>& req, sesh::session& s) {
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain");
    if (req.method() == http::verb::post && req.target() == "/login" && !req.body().empty()) {
        sessions.regenerate(s);  // a new token at login: no session fixation
        s.set_user_id(req.body());
        res.body() = "signed in\n";
    } else if (req.method() == http::verb::post && req.target() == "/logout") {
        if (!sesh::beast::destroy(sessions, s, res)) {
            res.result(http::status::service_unavailable);
            res.body() = "session store unavailable\n";
        } else {
            res.body() = "signed out\n";
        }
    } else if (req.method() == http::verb::get && req.target() == "/me") {
        if (s.user_id().empty()) res.result(http::status::unauthorized);
        res.body() = s.user_id().empty() ? "nobody\n" : s.user_id() + "\n";
    } else {
        res.result(http::status::not_found);
    }
    return res;
}

int main(int argc, char** argv) {
    sesh::session_options o;
    o.store = sesh::open_store("memory:").value();
    o.secure = false;  // plain http on loopback; keep the default (true) behind https
    const auto sessions = sesh::session_manager::create(o).value();

    asio::io_context io;
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"),
                                static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0)});
    std::printf("%u\n", acceptor.local_endpoint().port());
    std::fflush(stdout);
    // One request per connection, one connection at a time: the smallest server that shows the
    // adapter (see examples/beast_redis for a coroutine server).
    for (;;) {
        tcp::socket socket = acceptor.accept();
        const std::string address = socket.remote_endpoint().address().to_string();
        boost::beast::flat_buffer buffer;
        boost::system::error_code ec;
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) continue;
        auto res = sesh::beast::with_session(
            sessions, req, address, [&sessions](const auto& r, sesh::session& s) { return route(sessions, r, s); });
        res.keep_alive(false);
        res.prepare_payload();
        http::write(socket, res, ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
    }
}
