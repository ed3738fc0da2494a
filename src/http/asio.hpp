// The one place Asio and Beast come in (STYLE.md): build quirks and the names the server uses.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace sesh::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
/// A connection lives on one I/O loop run by one thread: its executor is that loop's own, concrete
/// (no strand, no type erasure on every read and write).
using loop_executor = asio::io_context::executor_type;
using loop_socket = asio::basic_stream_socket<tcp, loop_executor>;
using loop_stream = beast::basic_stream<tcp, loop_executor>;
/// Completion token for coroutine steps that report errors as values (no exceptions).
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

}  // namespace sesh::http::detail
