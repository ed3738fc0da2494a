// Exact-path and prefix routing with 404 and 405 answered here.
#include <sesh/http/router.hpp>

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace sesh::http {
namespace {

struct route {
    std::string label;  // owned here: its address keys the metrics slot
    std::vector<std::pair<verb, handler>> methods;

    const handler* find(verb v) const {
        for (const auto& [m, h] : methods)
            if (m == v || (v == verb::head && m == verb::get)) return &h;
        return nullptr;
    }
    std::string allow() const {
        std::string out;
        for (const auto& [m, h] : methods) {
            if (!out.empty()) out += ", ";
            out += std::string(boost::beast::http::to_string(m));
            if (m == verb::get) out += ", HEAD";
        }
        return out;
    }
    void add(verb v, handler h) {
        for (auto& [m, existing] : methods)
            if (m == v) {
                existing = std::move(h);
                return;
            }
        methods.emplace_back(v, std::move(h));
    }
};

awaitable<response> default_not_found(context& ctx) {
    if (ctx.path().starts_with("/api/")) co_return json_error(status::not_found, "Not found");
    co_return html_response(status::not_found,
                            "<!doctype html><meta charset=utf-8><title>Not found</title><h1>Not found</h1>"
                            "<p><a href=\"/\">Home</a></p>");
}

}  // namespace

struct router::impl {
    std::unordered_map<std::string, std::unique_ptr<route>> exact;
    std::map<std::string, std::unique_ptr<route>, std::greater<>> prefixes;  // longest first among equals
    handler not_found = default_not_found;
    const std::string not_found_label = "not_found";
};

router::router() : impl_(std::make_unique<impl>()) {}
router::~router() = default;
router::router(router&&) noexcept = default;
router& router::operator=(router&&) noexcept = default;

void router::add(verb method, std::string path, handler h) {
    auto& r = impl_->exact[path];
    if (!r) r = std::make_unique<route>(route{path, {}});
    r->add(method, std::move(h));
}

void router::add_prefix(verb method, std::string prefix, handler h) {
    auto& r = impl_->prefixes[prefix];
    if (!r) r = std::make_unique<route>(route{prefix, {}});
    r->add(method, std::move(h));
}

void router::set_not_found(handler h) { impl_->not_found = std::move(h); }

awaitable<response> router::dispatch(context& ctx) const {
    const route* r = nullptr;
    if (auto it = impl_->exact.find(std::string(ctx.path())); it != impl_->exact.end()) {
        r = it->second.get();
    } else {
        std::size_t best = 0;
        for (const auto& [prefix, pr] : impl_->prefixes)
            if (ctx.path().starts_with(prefix) && prefix.size() > best) {
                best = prefix.size();
                r = pr.get();
            }
    }
    if (r == nullptr) {
        ctx.set_route(impl_->not_found_label);
        co_return co_await impl_->not_found(ctx);
    }
    ctx.set_route(r->label);
    if (const handler* h = r->find(ctx.method())) co_return co_await (*h)(ctx);
    response res = json_error(status::method_not_allowed, "Method not allowed");
    res.set(field::allow, r->allow());
    co_return res;
}

}  // namespace sesh::http
