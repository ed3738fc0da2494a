// The ceiling: a bare Beast coroutine HTTP server answering every GET with a fixed JSON body and
// doing no session work, to show how close seshd gets to the cost of HTTP alone.
// Usage: bench_ceiling PORT [THREADS]
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <thread>
#include <tuple>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A connection lives on one loop run by one thread: its loop's own executor, no strand, no type
// erasure (the shape seshd's server has too).
using loop_executor = asio::io_context::executor_type;
using loop_socket = asio::basic_stream_socket<tcp, loop_executor>;

asio::awaitable<void> serve(loop_socket socket) {
    beast::basic_stream<tcp, loop_executor> stream(std::move(socket));
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

// Deals accepted connections to the loops in turn.
asio::awaitable<void> listen(tcp::acceptor& acceptor, std::vector<std::unique_ptr<asio::io_context>>& loops) {
    for (std::size_t next = 0;; next = (next + 1) % loops.size()) {
        std::tuple<boost::system::error_code, loop_socket> accepted =
            co_await acceptor.async_accept(loops[next]->get_executor(), use_tuple);
        if (std::get<0>(accepted)) continue;
        auto& socket = std::get<1>(accepted);
        auto ex = socket.get_executor();
        asio::co_spawn(ex, serve(std::move(socket)), asio::detached);
    }
}

int main(int argc, char** argv) {
    const auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 3002);
    const unsigned threads = std::max(1u, argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : std::thread::hardware_concurrency());
    // One io_context per thread, each told it runs on one thread (concurrency hint 1).
    std::vector<std::unique_ptr<asio::io_context>> loops;
    for (unsigned i = 0; i < threads; ++i) loops.push_back(std::make_unique<asio::io_context>(1));
    std::vector<asio::executor_work_guard<loop_executor>> keep;
    for (auto& l : loops) keep.push_back(asio::make_work_guard(*l));
    tcp::acceptor acceptor(*loops[0], {asio::ip::make_address("127.0.0.1"), port});
    asio::co_spawn(*loops[0], listen(acceptor, loops), asio::detached);
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&l = *loops[i]] { l.run(); });
    loops[0]->run();
}
