// The ceiling: a bare Beast coroutine HTTP server answering every GET with a fixed JSON body and
// doing no session work, to show how close seshd gets to the cost of HTTP alone.
// Usage: bench_ceiling PORT [THREADS]
#include <cstdlib>
#include <thread>
#include <tuple>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        std::tuple<boost::system::error_code, std::size_t> got = co_await http::async_read(stream, buffer, req, use_tuple);
        if (std::get<0>(got)) co_return;
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"message":"Hello, bench"})";
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        std::tuple<boost::system::error_code, std::size_t> put = co_await http::async_write(stream, res, use_tuple);
        if (std::get<0>(put) || !req.keep_alive()) co_return;
    }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, asio::io_context& ioc) {
    for (;;) {
        std::tuple<boost::system::error_code, tcp::socket> accepted =
            co_await acceptor.async_accept(asio::make_strand(ioc), use_tuple);
        if (std::get<0>(accepted)) continue;
        auto& socket = std::get<1>(accepted);
        auto ex = socket.get_executor();
        asio::co_spawn(ex, serve(std::move(socket)), asio::detached);
    }
}

int main(int argc, char** argv) {
    const auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 3002);
    const unsigned threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : std::thread::hardware_concurrency();
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
    asio::co_spawn(ioc, listen(acceptor, ioc), asio::detached);
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
    ioc.run();
}
