// Forward auth for gateways (issue 15): GET /api/auth/verify answers nginx's auth_request,
// Traefik's forwardAuth, Envoy's ext_authz and Oathkeeper's cookie_session "is this request
// signed in, and as whom?".
#include <cctype>
#include <optional>

#include <boost/json/object.hpp>

#include <sesh/http/body.hpp>
#include <sesh/log.hpp>
#include <sesh/log_escape.hpp>

#include "seshd/app.hpp"
#include "seshd/refusals.hpp"

namespace sesh::seshd {
namespace {

using boost::json::object;
using http::status;

constexpr std::string_view verify_path = "/api/auth/verify";

// The request the gateway is deciding about, from the headers a trusted gateway sets.
struct original_request {
    std::string method;  ///< empty when not given
    std::string proto;   ///< "http" or "https"; empty when not given
    std::string host;    ///< with its port, if any; empty when not given
    std::string uri;     ///< "/path?query" as sent; empty when not given
    [[nodiscard]] bool has_url() const { return !proto.empty() && !host.empty() && !uri.empty(); }
    [[nodiscard]] std::string url() const { return proto + "://" + host + uri; }
};

// The first of a comma-separated list (a chain of proxies appends), trimmed.
std::string_view first_listed(std::string_view v) {
    v = v.substr(0, v.find(','));
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
}

bool printable_without_space(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
    return true;
}

// A Host value: a name or address with an optional port, nothing that would change where a URL
// built from it points (no '/', '\', '@', '?', '#').
bool plausible_host(std::string_view h) {
    if (h.empty() || h.size() > 255 || !printable_without_space(h)) return false;
    return h.find_first_of("/\\@?#") == std::string_view::npos;
}

// True for Envoy's form, /api/auth/verify/<original path>: its ext_authz http_service appends
// the original path (and query) to path_prefix and keeps the original method and Host.
bool is_path_form(const http::context& ctx) { return ctx.path().size() > verify_path.size(); }

// One part of the original request as the headers tell it. Gateways set their own headers but
// pass the client's other ones through (Traefik forwards every request header, nginx every one
// it does not set), so a client behind nginx can add an X-Forwarded-Uri of its own: when two
// sources, or two lines of one header, disagree, the part is unknown rather than either value.
class agreed_value {
public:
    void offer(std::string_view v) {
        if (v.empty()) return;
        if (!value_) value_ = std::string(v);
        else if (*value_ != v) conflict_ = true;
    }
    [[nodiscard]] std::string get() const { return conflict_ || !value_ ? std::string() : *value_; }

private:
    std::optional<std::string> value_;
    bool conflict_ = false;
};

// Every line of header `name`, each passed to `f`.
template <class F>
void for_each_line(const http::context& ctx, std::string_view name, F f) {
    const auto range = ctx.req().equal_range(name);
    for (auto it = range.first; it != range.second; ++it) f(std::string_view(it->value().data(), it->value().size()));
}

std::string lower_host(std::string_view h) {
    std::string out(h);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Traefik: X-Forwarded-Method/-Proto/-Host/-Uri. nginx: X-Original-URI/-Method (plus
// X-Forwarded-Proto/-Host when the configuration sets them). ingress-nginx: X-Original-URL.
// Envoy: the path form above. Believed only from SESH_TRUSTED_PROXIES: anyone else could name
// any host and path.
original_request read_original_request(const http::context& ctx, const app& a) {
    original_request o;
    // The peer itself, not the client its X-Forwarded-For names: only a gateway sets these.
    if (!a.trusted_proxies.contains(ctx.peer_address())) return o;
    agreed_value method, proto, host, uri;
    for_each_line(ctx, "X-Forwarded-Method", [&](std::string_view v) { method.offer(first_listed(v)); });
    for_each_line(ctx, "X-Original-Method", [&](std::string_view v) { method.offer(first_listed(v)); });
    for_each_line(ctx, "X-Forwarded-Proto", [&](std::string_view v) { proto.offer(first_listed(v)); });
    for_each_line(ctx, "X-Forwarded-Host", [&](std::string_view v) { host.offer(lower_host(first_listed(v))); });
    for_each_line(ctx, "X-Forwarded-Uri", [&](std::string_view v) { uri.offer(v); });
    for_each_line(ctx, "X-Original-URI", [&](std::string_view v) { uri.offer(v); });
    for_each_line(ctx, "X-Original-URL", [&](std::string_view full) {
        const auto sep = full.find("://");
        if (sep == std::string_view::npos) {
            uri.offer(full.empty() ? std::string_view() : std::string_view("\x01"));  // not a URL: a conflict
            return;
        }
        proto.offer(full.substr(0, sep));
        const std::string_view rest = full.substr(sep + 3);
        const auto slash = rest.find('/');
        host.offer(lower_host(rest.substr(0, slash)));
        uri.offer(slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash));
    });
    if (is_path_form(ctx)) {
        std::string tail(ctx.path().substr(verify_path.size()));
        if (!ctx.query().empty()) tail += "?" + std::string(ctx.query());
        uri.offer(tail);
        host.offer(lower_host(ctx.header(http::field::host)));
        const auto m = boost::beast::http::to_string(ctx.method());
        method.offer(std::string_view(m.data(), m.size()));
    }
    o.method = method.get();
    if (auto p = proto.get(); p == "http" || p == "https") o.proto = std::move(p);
    if (auto h = host.get(); plausible_host(h)) o.host = std::move(h);
    if (auto u = uri.get(); u.starts_with('/') && printable_without_space(u)) o.uri = std::move(u);
    return o;
}

// A header value a gateway may pass on as is: no control characters (no header injection).
void set_identity_header(http::response& res, std::string_view name, std::string_view value) {
    for (char c : value)
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return;
    if (!value.empty()) res.set(name, value);
}

// A page the browser navigates to (the only kind a sign-in redirect helps), rather than a
// script's fetch or a form post.
bool is_page_request(const http::context& ctx, const original_request& o) {
    const std::string_view method = o.method.empty() ? std::string_view("GET") : std::string_view(o.method);
    if (method != "GET" && method != "HEAD") return false;
    return ctx.header(http::field::accept).find("text/html") != std::string_view::npos;
}

http::response not_signed_in(http::context& ctx, const app& a, const original_request& o) {
    // The path form's query is the original request's, never seshd's own.
    auto q = is_path_form(ctx) ? result<http::form>(http::form{}) : http::parse_form(ctx.query());
    const auto rd = q ? http::form_value(*q, "rd") : std::nullopt;
    // ?rd= is for gateways that hand the answer to the browser (Traefik): a page goes to the
    // sign-in page and comes back to where it was going. Never for nginx's auth_request, which
    // turns a 3xx into a 500.
    if (rd && is_page_request(ctx, o)) {
        std::string back = o.has_url() ? o.url() : std::string(*rd);
        back = a.redirects.page_target(back, "/profile");
        auto res = http::redirect(a.config.public_url + "/login?callbackUrl=" + http::url_encode(back));
        res.set(http::field::cache_control, "no-store");
        return res;
    }
    return http::json_error(status::unauthorized, "Not signed in");
}

}  // namespace

void add_forward_auth_routes(http::router& r, app& a) {
    auto verify = [&a](http::context& ctx) -> http::awaitable<http::response> {
        const original_request o = read_original_request(ctx, a);
        auto s = co_await ctx.session();
        if (!s) co_return store_down();
        // The session is loaded through the manager like every other route, so a tampered or
        // expired cookie is "not signed in" and a renewal's Set-Cookie rides on this answer.
        const auto username = signed_in_username(**s);
        if (!username) co_return not_signed_in(ctx, a, o);
        const session& sess = **s;
        const std::string email(sess.get_string("email").value_or(""));
        if (!a.gateway_rules.empty()) {
            // Rules need the original request; without it (headers missing, or from an address
            // not in SESH_TRUSTED_PROXIES) refuse rather than let a rule be skipped.
            const bool allowed = !o.host.empty() && !o.uri.empty() &&
                                 a.gateway_rules.allows(o.host, o.uri, gateway_identity{*username, email});
            if (!allowed) {
                const std::string_view path = std::string_view(o.uri).substr(0, o.uri.find('?'));
                sesh::logger()->info("forward auth: {} refused for {}{}", escape_for_log(*username),
                                     escape_for_log(o.host.empty() ? "(unknown host)" : o.host),
                                     escape_for_log(path));
                co_return http::json_error(status::forbidden, "Not allowed");
            }
        }
        object extra{{"user_id", sess.user_id()}, {"username", *username}};
        if (auto name = sess.get_string("name")) extra["name"] = *name;
        extra["email"] = email.empty() ? boost::json::value(nullptr) : boost::json::value(email);
        // 200, not 202: Envoy's ext_authz allows only 200. oauth2-proxy's header names, so apps
        // written for it read these unchanged.
        auto res = http::json_response(status::ok, object{{"subject", *username}, {"extra", std::move(extra)}});
        set_identity_header(res, "X-Auth-Request-User", *username);
        set_identity_header(res, "X-Auth-Request-Preferred-Username", *username);
        set_identity_header(res, "X-Auth-Request-Email", email);
        co_return res;
    };
    r.add(http::verb::get, std::string(verify_path), verify);
    // Envoy checks with the original method; the answer never changes anything.
    for (auto method : {http::verb::get, http::verb::post, http::verb::put, http::verb::patch, http::verb::delete_,
                        http::verb::options})
        r.add_prefix(method, std::string(verify_path) + "/", verify);
}

}  // namespace sesh::seshd
