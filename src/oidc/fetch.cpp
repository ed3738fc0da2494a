// The outgoing HTTP(S) client under <sesh/fetch.hpp>: Beast over OpenSSL, one connection per
// request (identity providers are called a few times per sign-in; discovery and keys are cached
// above this), with one deadline over the whole exchange.
#include <sesh/fetch.hpp>

#include <mutex>
#include <optional>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sesh/error.hpp>
#include <sesh/log.hpp>
#include <sesh/log_escape.hpp>

namespace sesh::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto fetch_tuple = asio::as_tuple(asio::use_awaitable);

struct fetch_target {
    bool tls = true;
    std::string host;  // as resolved: no brackets around IPv6
    std::string port;
    std::string host_header;
    std::string target;  // path and query
    bool loopback_only = false;
    bool ip_literal = false;
};

bool is_loopback_host(const boost::urls::url_view& u) {
    switch (u.host_type()) {
        case boost::urls::host_type::ipv4: return u.host_ipv4_address().to_bytes()[0] == 127;
        case boost::urls::host_type::ipv6: return u.host_ipv6_address().is_loopback();
        case boost::urls::host_type::name: return u.encoded_host() == "localhost";
        default: return false;
    }
}

result<fetch_target> parse_fetch_url(std::string_view url, const fetch_options& opts) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u || !u->has_authority() || u->encoded_host().empty() || u->has_userinfo()) return fail(errc::invalid_argument);
    fetch_target t;
    const auto scheme = u->scheme_id();
    if (scheme == boost::urls::scheme::https) {
        t.tls = true;
    } else if (scheme == boost::urls::scheme::http && opts.allow_loopback_http && is_loopback_host(*u)) {
        t.tls = false;
        t.loopback_only = true;
    } else {
        return fail(errc::invalid_argument);
    }
    t.host = u->host_type() == boost::urls::host_type::ipv6 ? u->host_ipv6_address().to_string() : std::string(u->encoded_host());
    t.ip_literal = u->host_type() == boost::urls::host_type::ipv4 || u->host_type() == boost::urls::host_type::ipv6;
    t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
    t.host_header = std::string(u->encoded_host_and_port());
    t.target = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
    if (u->has_query()) t.target += "?" + std::string(u->encoded_query());
    return t;
}

// The system CA store is read once; a test's own CA file gets a context per request.
result<std::shared_ptr<asio::ssl::context>> tls_context(const fetch_options& opts) {
    static std::mutex lock;
    static std::shared_ptr<asio::ssl::context> system;
    auto make = [&]() -> result<std::shared_ptr<asio::ssl::context>> {
        auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
        boost::system::error_code ec;
        ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1,
                         ec);
        if (opts.ca_file.empty())
            ctx->set_default_verify_paths(ec);
        else
            ctx->load_verify_file(opts.ca_file, ec);
        if (ec) return fail(errc::invalid_argument);
        ctx->set_verify_mode(asio::ssl::verify_peer, ec);
        if (ec) return fail(errc::crypto_failure);
        return ctx;
    };
    if (!opts.ca_file.empty()) return make();
    std::lock_guard g(lock);
    if (!system) {
        auto made = make();
        if (!made) return made;
        system = std::move(*made);
    }
    return system;
}

bhttp::request<bhttp::string_body> build_request(const fetch_request& req, const fetch_target& t) {
    bhttp::request<bhttp::string_body> out;
    out.method_string(req.method);
    out.target(t.target);
    out.version(11);
    out.set(bhttp::field::host, t.host_header);
    out.set(bhttp::field::user_agent, "sesh");
    out.set(bhttp::field::connection, "close");
    for (const auto& [name, value] : req.headers) out.set(name, value);
    if (!req.body.empty()) out.body() = req.body;
    out.prepare_payload();
    return out;
}

template <class Stream>
asio::awaitable<result<fetch_response>> exchange(Stream& stream, bhttp::request<bhttp::string_body>& request,
                                                 const fetch_options& opts) {
    auto [wec, written] = co_await bhttp::async_write(stream, request, fetch_tuple);
    (void)written;
    if (wec) co_return fail(errc::upstream_failure);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(opts.max_body_bytes);
    auto [rec, got] = co_await bhttp::async_read(stream, buffer, parser, fetch_tuple);
    (void)got;
    if (rec == bhttp::error::body_limit) co_return fail(errc::too_large);
    if (rec) co_return fail(errc::upstream_failure);
    auto& res = parser.get();
    fetch_response out;
    out.status = res.result_int();
    out.content_type = std::string(res[bhttp::field::content_type]);
    out.body = std::move(res.body());
    co_return out;
}

asio::awaitable<result<fetch_response>> run_fetch(fetch_request req, fetch_options opts) {
    auto ex = co_await asio::this_coro::executor;
    auto target = parse_fetch_url(req.url, opts);
    if (!target) co_return fail(target.error());
    const auto deadline = std::chrono::steady_clock::now() + opts.timeout;

    // Resolution has no stream timer: a timer of its own cancels it. The timer's handler may
    // already be queued when the resolve ends, so it holds the resolver only weakly.
    auto resolver = std::make_shared<tcp::resolver>(ex);
    asio::steady_timer resolve_timer(ex);
    resolve_timer.expires_at(deadline);
    resolve_timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](boost::system::error_code ec) {
        if (auto r = weak.lock(); r && !ec) r->cancel();
    });
    auto [ec, found] = co_await resolver->async_resolve(target->host, target->port, fetch_tuple);
    resolve_timer.cancel();
    if (ec) co_return fail(errc::upstream_failure);
    std::vector<tcp::endpoint> endpoints;
    for (const auto& e : found)
        if (!target->loopback_only || e.endpoint().address().is_loopback()) endpoints.push_back(e.endpoint());
    if (endpoints.empty()) co_return fail(errc::upstream_failure);

    auto request = build_request(req, *target);
    if (!target->tls) {
        beast::tcp_stream stream(ex);
        stream.expires_at(deadline);
        auto [cec, ep] = co_await stream.async_connect(endpoints, fetch_tuple);
        (void)ep;
        if (cec) co_return fail(errc::upstream_failure);
        auto r = co_await exchange(stream, request, opts);
        co_return r;
    }
    auto ctx = tls_context(opts);
    if (!ctx) co_return fail(ctx.error());
    beast::ssl_stream<beast::tcp_stream> stream(ex, **ctx);
    // The certificate must name the host (RFC 6125, OpenSSL's own matcher): a DNS name, with
    // SNI; an IP literal against the certificate's IP addresses, without SNI (RFC 6066 §3).
    SSL* ssl = stream.native_handle();
    if (target->ip_literal) {
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), target->host.c_str()) != 1) co_return fail(errc::crypto_failure);
    } else if (SSL_set_tlsext_host_name(ssl, target->host.c_str()) != 1 || SSL_set1_host(ssl, target->host.c_str()) != 1) {
        co_return fail(errc::crypto_failure);
    }
    beast::get_lowest_layer(stream).expires_at(deadline);
    auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, fetch_tuple);
    (void)ep;
    if (cec) co_return fail(errc::upstream_failure);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, fetch_tuple);
    if (hec) {
        sesh::logger()->warn("fetch: TLS handshake with {} failed: {}", escape_for_log(target->host), hec.message());
        co_return fail(errc::upstream_failure);
    }
    auto r = co_await exchange(stream, request, opts);
    co_return r;
}

}  // namespace

void start_fetch(boost::asio::any_io_executor ex, fetch_request req, fetch_options opts,
                 std::function<void(result<fetch_response>)> done) {
    asio::co_spawn(ex, run_fetch(std::move(req), std::move(opts)),
                   [done = std::move(done)](std::exception_ptr e, result<fetch_response> r) {
                       // run_fetch reports failures as values; only an allocation failure throws.
                       if (e) r = fail(errc::upstream_failure);
                       done(std::move(r));
                   });
}

}  // namespace sesh::detail
