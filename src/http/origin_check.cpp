// The cross-origin check every state-changing request passes before routing: SameSite=Lax keeps
// cookies off cross-site POSTs but not off same-site ones (a sibling subdomain, another port), so
// the browser's own word on where a request comes from decides.
#include <boost/beast/core/string.hpp>

#include "http/server_state.hpp"

namespace sesh::http::detail {
namespace {

// RFC 9110 §9.2.1: the methods that are not safe. GET, HEAD and OPTIONS change nothing here.
bool changes_state(verb v) {
    return v == verb::post || v == verb::put || v == verb::patch || v == verb::delete_;
}

}  // namespace

std::optional<response> refuse_cross_origin(const request& req, std::string_view trusted_origin) {
    if (trusted_origin.empty() || !changes_state(req.method())) return std::nullopt;
    // RFC 6454 §7: browsers send Origin on every POST, PUT, PATCH and DELETE; "null" (a sandboxed
    // frame, a data: URL, a cross-origin redirect) is never this site. Its absence means a
    // non-browser client, which cookies' SameSite does not concern.
    if (const auto origin = req.find(field::origin); origin != req.end()) {
        if (boost::beast::iequals(origin->value(), trusted_origin)) return std::nullopt;
        return json_error(status::forbidden, "Cross-origin request refused");
    }
    // Fetch Metadata (W3C): without Origin, Sec-Fetch-Site still tells a cross-site or same-site
    // request from the site's own ("same-origin") and the user's ("none").
    const auto site = req[field::sec_fetch_site];
    if (boost::beast::iequals(site, "cross-site") || boost::beast::iequals(site, "same-site"))
        return json_error(status::forbidden, "Cross-origin request refused");
    return std::nullopt;
}

}  // namespace sesh::http::detail
