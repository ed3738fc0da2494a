// The cpp-httplib adapter: a pre-routing handler that loads each request's session, a
// post-routing handler that saves it into the response's Set-Cookie headers, and a
// require_session guard. Header-only, so libsesh builds without cpp-httplib; a program that
// includes this header links cpp-httplib (Debian's libcpp-httplib-dev: pkg-config cpp-httplib)
// and sesh::http (for require_options and url_encode).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <httplib.h>

#include <sesh/http/message.hpp>
#include <sesh/http/middleware.hpp>
#include <sesh/result.hpp>
#include <sesh/session.hpp>
#include <sesh/session_manager.hpp>

namespace sesh {

namespace detail {

// What the adapter keeps of the request being served. cpp-httplib runs a request's pre-routing
// handler, its route and its post-routing handler on one thread, one request at a time per
// thread, and gives a const Request with no room for user data: a thread-local slot, checked
// against the request's address, carries the session from one to the next without a lock.
struct httplib_slot {
    const void* owner = nullptr;
    const ::httplib::Request* request = nullptr;
    std::optional<sesh::session> session;
    std::vector<std::string> cookies;  // from destroy(), sent by the post-routing handler
};

inline httplib_slot& httplib_current() {
    static thread_local httplib_slot slot;
    return slot;
}

inline void httplib_answer(::httplib::Response& res, int status, const std::string& json) {
    // Replace the body and its length: the post-routing handler runs after cpp-httplib has
    // written the headers it derives from the body.
    res.status = status;
    res.headers.erase("Content-Length");
    res.set_content(json, "application/json");
    res.set_header("Content-Length", std::to_string(json.size()));
}

}  // namespace detail

/// Sessions for a cpp-httplib server. install() (or pre_routing() and post_routing() set by
/// hand) makes every request's session available to its route through session_of(); whatever
/// the route changes is saved when the response goes out. Thread-safe: one object serves every
/// thread of the server's pool. It must outlive the server's handlers that use it.
class httplib_sessions {
public:
    /// Serves the sessions of `manager` (a copy shares the manager's state).
    explicit httplib_sessions(session_manager manager) : manager_(std::move(manager)) {}

    /// The manager, for regenerate() at login, list(), revoke() and the like.
    [[nodiscard]] const session_manager& manager() const noexcept { return manager_; }

    /// Sets pre_routing() and post_routing() as `server`'s pre- and post-routing handlers,
    /// replacing any it had (chain them by hand to keep your own).
    void install(::httplib::Server& server) const {
        server.set_pre_routing_handler(pre_routing());
        server.set_post_routing_handler(post_routing());
    }

    /// Loads the request's session (session_manager::load on its Cookie header, with its remote
    /// address and User-Agent) and lets routing go on. When the store cannot be reached it
    /// answers 503 `{"error":"Session store unavailable"}` itself and routing stops.
    [[nodiscard]] ::httplib::Server::HandlerWithResponse pre_routing() const {
        return [this](const ::httplib::Request& req, ::httplib::Response& res) {
            auto& slot = detail::httplib_current();
            slot = detail::httplib_slot{};  // whatever an earlier request left is not this one's
            const std::string cookie = req.get_header_value("Cookie");
            const std::string user_agent = req.get_header_value("User-Agent");
            auto s = manager_.load(cookie, client_info{req.remote_addr, user_agent});
            if (!s) {
                detail::httplib_answer(res, 503, R"({"error":"Session store unavailable"})");
                return ::httplib::Server::HandlerResponse::Handled;
            }
            slot.owner = this;
            slot.request = &req;
            slot.session = std::move(*s);
            return ::httplib::Server::HandlerResponse::Unhandled;
        };
    }

    /// Saves the request's session (session_manager::save) and adds a Set-Cookie header per
    /// cookie, after those of destroy(). cpp-httplib's set_header appends, so several cookies
    /// (chunks, a cleared old cookie, the route's own) all go out. A failed save replaces the
    /// response: 503 `{"error":"Session store unavailable"}` when the store is unreachable,
    /// 500 `{"error":"Session not saved"}` otherwise (e.g. data over max_data_bytes). A request
    /// pre_routing() did not load (an answer cpp-httplib made before routing) is left alone.
    [[nodiscard]] ::httplib::Server::Handler post_routing() const {
        return [this](const ::httplib::Request& req, ::httplib::Response& res) {
            auto& slot = detail::httplib_current();
            if (slot.owner != this || slot.request != &req || !slot.session) return;
            auto cookies = std::move(slot.cookies);
            auto saved = manager_.save(*slot.session);
            slot = detail::httplib_slot{};
            if (!saved) {
                if (saved.error() == errc::store_unavailable)
                    detail::httplib_answer(res, 503, R"({"error":"Session store unavailable"})");
                else
                    detail::httplib_answer(res, 500, R"({"error":"Session not saved"})");
                return;
            }
            for (auto& c : *saved) cookies.push_back(std::move(c));
            for (const auto& c : cookies) res.set_header("Set-Cookie", c);
        };
    }

    /// The session pre_routing() loaded for `req`, to read and change in its route; null when it
    /// loaded none for it (the handlers are not installed, or `req` is not the request this
    /// thread is serving). Valid until the post-routing handler runs. Call from the route only.
    [[nodiscard]] session* session_of(const ::httplib::Request& req) const {
        auto& slot = detail::httplib_current();
        if (slot.owner != this || slot.request != &req || !slot.session) return nullptr;
        return &*slot.session;
    }

    /// Ends the session of `req` (session_manager::destroy: logout); the post-routing handler
    /// sends the Set-Cookie headers that clear the cookie and its chunks. Errors:
    /// store_unavailable (the session is unchanged), invalid_argument when session_of(req) is
    /// null.
    [[nodiscard]] result<void> destroy(const ::httplib::Request& req) const {
        session* s = session_of(req);
        if (s == nullptr) return fail(errc::invalid_argument);
        auto cleared = manager_.destroy(*s);
        if (!cleared) return fail(cleared.error());
        auto& cookies = detail::httplib_current().cookies;
        for (auto& c : *cleared) cookies.push_back(std::move(c));
        return {};
    }

    /// Wraps `inner` so it runs only when the request's session has a user (session::user_id
    /// not empty), as sesh::http::require_session does for sesh's own server: otherwise 401
    /// `{"message": options.api_message}` for paths under options.api_prefix, and a 302 to
    /// `options.login_path?callbackUrl=<path and query>` for pages. 500 JSON when no session was
    /// loaded for the request (the handlers are not installed: a programming error).
    [[nodiscard]] ::httplib::Server::Handler require_session(::httplib::Server::Handler inner,
                                                             http::require_options options = {}) const {
        return [this, inner = std::move(inner), options = std::move(options)](const ::httplib::Request& req,
                                                                                ::httplib::Response& res) {
            const session* s = session_of(req);
            if (s == nullptr) return detail::httplib_answer(res, 500, R"({"error":"Session not loaded"})");
            if (!s->user_id().empty()) return inner(req, res);
            if (std::string_view(req.path).starts_with(options.api_prefix)) {
                res.status = 401;
                res.set_content(boost::json::serialize(boost::json::object{{"message", options.api_message}}),
                                "application/json");
                return;
            }
            std::string back = req.target.empty() ? req.path : req.target;  // the path and query, as sent
            res.set_redirect(options.login_path + "?callbackUrl=" + http::url_encode(back));
        };
    }

private:
    session_manager manager_;
};

}  // namespace sesh
