// Routes a request to its handler by method and exact path (or path prefix), answering 404 and
// 405 itself.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <sesh/http/context.hpp>
#include <sesh/http/message.hpp>

namespace sesh::http {

/// A request handler: a coroutine on the connection's executor. It may read and change the
/// session through the context; it never writes cookies for the session itself.
using handler = std::function<awaitable<response>(context&)>;

/// Method + path → handler. Built before the server starts, then read-only (thread-safe reads).
class router {
public:
    router();
    ~router();
    router(router&&) noexcept;
    router& operator=(router&&) noexcept;

    /// Routes `method` on exactly `path` (e.g. "/api/login"); the route label is `path`.
    /// verb::get routes also answer HEAD. A second add for the same method and path replaces it.
    void add(verb method, std::string path, handler h);
    /// Routes `method` on every path starting with `prefix` (e.g. "/static/") that no exact route
    /// takes; the route label is `prefix`. The longest matching prefix wins.
    void add_prefix(verb method, std::string prefix, handler h);
    /// What unmatched paths get; default: 404 `{"error":"Not found"}` under /api/, a plain HTML
    /// 404 page elsewhere.
    void set_not_found(handler h);

    /// Calls the handler for ctx's method and path and sets ctx's route label. A path that has
    /// routes but none for this method gets 405 with an `Allow` header and a JSON error.
    [[nodiscard]] awaitable<response> dispatch(context& ctx) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sesh::http
