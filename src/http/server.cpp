// The listener, the I/O threads and the graceful stop.
#include <sesh/http/server.hpp>

#include <thread>
#include <vector>

#include <sesh/log.hpp>

#include "http/server_state.hpp"

namespace sesh::http {

using namespace detail;

bool server_state::admit_address(const std::string& address) {
    std::lock_guard lock(per_address_mutex_);
    auto& n = per_address_[address];
    if (n >= options.max_connections_per_address) {
        if (n == 0) per_address_.erase(address);
        return false;
    }
    ++n;
    return true;
}

void server_state::release_address(const std::string& address) {
    std::lock_guard lock(per_address_mutex_);
    auto it = per_address_.find(address);
    if (it == per_address_.end()) return;
    if (--it->second == 0) per_address_.erase(it);  // the map holds only addresses now connected
}

server_state::server_state(server_options o, router r, const session_manager& s, metrics& m)
    : options(std::move(o)), routes(std::move(r)), sessions(s), stats(m),
      blocking(options.blocking_threads == 0 ? 1 : options.blocking_threads) {
    const unsigned n = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    loops.reserve(n);
    for (unsigned i = 0; i < n; ++i) loops.push_back(std::make_unique<asio::io_context>(1));
}

struct server::impl {
    server_state st;
    // The acceptor, the signal set and the stop live on the first loop, which one thread runs.
    asio::io_context& control{*st.loops.front()};
    tcp::acceptor acceptor{control};
    asio::signal_set signals{control};
    std::atomic<bool> stop_requested{false};
    // Keeps every loop running while it has no connection; dropped once the stop has finished.
    std::vector<asio::executor_work_guard<loop_executor>> keep_running;
    std::size_t next_loop = 0;  // round robin over the loops, touched by the accept loop only

    impl(server_options o, router r, const session_manager& s, metrics& m) : st(std::move(o), std::move(r), s, m) {}

    // The loop the next accepted connection lives on.
    asio::io_context& pick_loop() {
        auto& loop = *st.loops[next_loop];
        next_loop = (next_loop + 1) % st.loops.size();
        return loop;
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            // A named tuple, not a structured binding: GCC 12 can destroy the socket of
            // `auto [ec, socket] = co_await …` twice.
            std::tuple<boost::system::error_code, loop_socket> accepted =
                co_await acceptor.async_accept(pick_loop().get_executor(), use_tuple);
            auto& ec = std::get<0>(accepted);
            auto& socket = std::get<1>(accepted);
            if (ec) {
                if (!acceptor.is_open() || st.stopping) co_return;
                // EMFILE and friends: wait a moment instead of spinning on the error.
                sesh::logger()->warn("accept failed: {}", ec.message());
                asio::steady_timer t(control, std::chrono::milliseconds(50));
                co_await t.async_wait(use_tuple);
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            auto executor = socket.get_executor();
            const auto peer = socket.remote_endpoint(ec);
            std::string address = ec ? std::string() : peer.address().to_string();
            if (st.open_connections.fetch_add(1, std::memory_order_relaxed) >= st.options.max_connections) {
                st.open_connections.fetch_sub(1, std::memory_order_relaxed);
                asio::co_spawn(executor, refuse_connection(st.options, std::move(socket), "Too many connections"),
                               asio::detached);
                continue;
            }
            // One host cannot take every slot (a peer without an address is not counted).
            const bool admitted = !address.empty() && st.admit_address(address);
            if (!address.empty() && !admitted) {
                st.open_connections.fetch_sub(1, std::memory_order_relaxed);
                asio::co_spawn(executor,
                               refuse_connection(st.options, std::move(socket), "Too many connections from this address"),
                               asio::detached);
                continue;
            }
            auto served = serve_connection(st, std::move(socket), std::move(address), admitted);
            asio::co_spawn(executor, std::move(served), [](std::exception_ptr e) {
                if (!e) return;
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    sesh::logger()->error("connection failed: {}", ex.what());
                }
            });
        }
    }

    // Runs on the first loop: refuse new connections, wake idle ones, cut the rest after the grace.
    void begin_stop() {
        st.stopping = true;
        boost::system::error_code ec;
        acceptor.close(ec);
        signals.cancel(ec);
        {
            std::lock_guard lock(st.live_mutex);
            for (connection_entry* e : st.live) {
                asio::post(e->loop, [this, e] {
                    std::lock_guard inner(st.live_mutex);
                    if (st.live.contains(e) && e->idle) e->stream->cancel();
                });
            }
        }
        asio::co_spawn(control, watch_grace(), asio::detached);
    }

    // Once every connection has ended (or the grace is over) the loops stop: what is left on them
    // (a store's idle connection) belongs to no request.
    asio::awaitable<void> watch_grace() {
        const auto deadline = std::chrono::steady_clock::now() + st.options.shutdown_grace;
        asio::steady_timer t(control);
        while (st.open_connections.load() > 0) {
            if (std::chrono::steady_clock::now() >= deadline) {
                sesh::logger()->warn("shutdown grace over: cutting {} connection(s)", st.open_connections.load());
                break;
            }
            t.expires_after(std::chrono::milliseconds(20));
            co_await t.async_wait(use_tuple);
        }
        keep_running.clear();
        for (auto& loop : st.loops) loop->stop();
    }
};

server::server(server_options options, router routes, const session_manager& sessions, metrics& m)
    : impl_(std::make_unique<impl>(std::move(options), std::move(routes), sessions, m)) {}

server::~server() {
    impl_->st.blocking.stop();
    impl_->st.blocking.join();
}

result<void> server::listen() {
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(impl_->st.options.address, ec);
    if (ec) return tl::unexpected(std::error_code(ec));
    const tcp::endpoint ep(addr, impl_->st.options.port);
    auto& a = impl_->acceptor;
    if (a.open(ep.protocol(), ec); ec) return tl::unexpected(std::error_code(ec));
    if (a.set_option(asio::socket_base::reuse_address(true), ec); ec) return tl::unexpected(std::error_code(ec));
    if (a.bind(ep, ec); ec) return tl::unexpected(std::error_code(ec));
    if (a.listen(asio::socket_base::max_listen_connections, ec); ec) return tl::unexpected(std::error_code(ec));
    return {};
}

std::uint16_t server::port() const noexcept {
    boost::system::error_code ec;
    const auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void server::run() {
    auto& im = *impl_;
    for (auto& loop : im.st.loops) im.keep_running.push_back(asio::make_work_guard(*loop));
    asio::co_spawn(im.control, im.accept_loop(), asio::detached);
    if (im.st.options.handle_signals) {
        im.signals.add(SIGINT);
        im.signals.add(SIGTERM);
        im.signals.async_wait([this](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            sesh::logger()->info("signal {}: stopping gracefully", sig);
            stop();
        });
    }
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < im.st.loops.size(); ++i) threads.emplace_back([&loop = *im.st.loops[i]] { loop.run(); });
    im.control.run();
    for (auto& t : threads) t.join();
}

void server::stop() {
    if (impl_->stop_requested.exchange(true)) return;
    asio::post(impl_->control, [this] { impl_->begin_stop(); });
}

}  // namespace sesh::http
