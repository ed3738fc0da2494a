// The per-request context: lazy cookie parsing (once per request) and session loading.
#include <sesh/http/context.hpp>

namespace sesh::http {

context::context(const request& req, const session_manager& sessions, http::metrics& m, std::string client_address,
                 boost::asio::any_io_executor blocking, std::string peer_address)
    : req_(req), sessions_(sessions), metrics_(m), client_address_(std::move(client_address)),
      peer_address_(std::move(peer_address)), blocking_(std::move(blocking)) {
    const std::string_view target(req_.target().data(), req_.target().size());
    const auto q = target.find('?');
    path_ = target.substr(0, q);
    if (q != std::string_view::npos) query_ = target.substr(q + 1);
}

std::string_view context::header(field f) const noexcept {
    auto it = req_.find(f);
    if (it == req_.end()) return {};
    return std::string_view(it->value().data(), it->value().size());
}

const std::vector<cookie>& context::cookies() {
    if (!cookies_) {
        // Clients may split cookies over several Cookie headers (HTTP/2 gateways do), not always
        // next to each other: join them all. One header, the usual case, is parsed where it is.
        std::string_view header;
        int headers = 0;
        for (const auto& f : req_) {
            if (f.name() != field::cookie) continue;
            const std::string_view value(f.value().data(), f.value().size());
            if (++headers == 1) {
                header = value;
                continue;
            }
            if (headers == 2) cookie_header_.assign(header);
            cookie_header_.append("; ").append(value);
            header = cookie_header_;
        }
        auto parsed = parse_cookie_header(header);
        cookies_ = parsed ? std::move(*parsed) : std::vector<cookie>{};
    }
    return *cookies_;
}

awaitable<result<sesh::session*>> context::session() {
    if (session_) co_return &*session_;
    auto s = co_await sessions_.async_load(cookies(), {client_address_, header(field::user_agent)});
    if (!s) {
        metrics_.store_error();
        co_return fail(s.error());
    }
    session_.emplace(std::move(*s));
    co_return &*session_;
}

const set_cookie* context::queued_cookie(std::string_view name) const noexcept {
    for (auto it = set_cookies_.rbegin(); it != set_cookies_.rend(); ++it)
        if (it->name == name) return &*it;
    return nullptr;
}

awaitable<result<void>> context::destroy_session() {
    auto s = co_await session();
    if (!s) co_return fail(s.error());
    const bool had_user = !(*s)->user_id().empty() || !(*s)->is_new();
    auto cleared = co_await sessions_.async_destroy(**s);
    if (!cleared) {
        metrics_.store_error();
        co_return fail(cleared.error());
    }
    for (auto& c : *cleared) session_set_cookies_.push_back(std::move(c));
    if (had_user) metrics_.session_destroyed();
    co_return result<void>{};
}

}  // namespace sesh::http
