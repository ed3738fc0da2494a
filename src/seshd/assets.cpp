// Static files from web/ (compiled in), and the operations endpoints /healthz and /metrics.
#include <boost/json/object.hpp>

#include <sesh/encoding.hpp>

#include <sesh/async_store.hpp>

#include "seshd/app.hpp"
#include "seshd/web_assets.hpp"

namespace sesh::seshd {
namespace {

// A weak validator from the bytes: the files change only with a new build.
std::string etag_of(std::string_view bytes) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
    char buf[24];
    std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace

void add_asset_routes(http::router& r, app& a) {
    r.add_prefix(http::verb::get, "/static/", [](http::context& ctx) -> http::awaitable<http::response> {
        const std::string_view name = ctx.path().substr(std::string_view("/static/").size());
        for (const auto& asset : web_assets()) {
            if (asset.name != name) continue;
            const std::string etag = etag_of(asset.bytes);
            http::response res{http::status::ok, 11};
            res.set(http::field::etag, etag);
            res.set(http::field::cache_control, "public, max-age=3600");
            if (ctx.header(http::field::if_none_match) == etag) {
                res.result(http::status::not_modified);
                co_return res;
            }
            res.set(http::field::content_type, asset.content_type);
            res.body().assign(asset.bytes.data(), asset.bytes.size());
            co_return res;
        }
        co_return http::json_error(http::status::not_found, "Not found");
    });

    // Healthy means the store answers: a lookup of a key no session can have.
    r.add(http::verb::get, "/healthz", [&a](http::context&) -> http::awaitable<http::response> {
        if (!co_await async_get(*a.store, std::string(64, '0'), boost::asio::use_awaitable)) {
            a.metrics.store_error();
            co_return http::json_response(http::status::service_unavailable, boost::json::object{{"status", "store unavailable"}});
        }
        co_return http::json_response(http::status::ok, boost::json::object{{"status", "ok"}});
    });

    // Route counts and login failures are for the operator: loopback or SESH_METRICS_ALLOW only.
    r.add(http::verb::get, "/metrics", [&a](http::context& ctx) -> http::awaitable<http::response> {
        if (!a.metrics_allow.contains(ctx.client_address())) co_return http::json_error(http::status::forbidden, "Forbidden");
        http::response res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain; version=0.0.4");
        res.set(http::field::cache_control, "no-store");
        res.body() = a.metrics.render();
        co_return res;
    });
}

}  // namespace sesh::seshd
