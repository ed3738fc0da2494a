// The token request of the authorization code grant and the reading of its answer.
#include "oidc/token_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <sesh/encoding.hpp>
#include <sesh/error.hpp>

namespace sesh::detail {
namespace {

void add_form_field(std::string& body, std::string_view name, std::string_view value) {
    if (!body.empty()) body += '&';
    body += name;
    body += '=';
    body += form_encode(value);
}

}  // namespace

std::string form_encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

fetch_request code_token_request(std::string_view token_endpoint, const client_credentials& client, std::string_view code,
                                 std::string_view redirect_uri, std::string_view code_verifier) {
    fetch_request req{"POST", std::string(token_endpoint), {}, {}};
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    // GitHub answers form-encoded unless asked for JSON.
    req.headers.emplace_back("Accept", "application/json");
    add_form_field(req.body, "grant_type", "authorization_code");
    add_form_field(req.body, "code", code);
    add_form_field(req.body, "redirect_uri", redirect_uri);
    if (!code_verifier.empty()) add_form_field(req.body, "code_verifier", code_verifier);
    if (client.in_body) {
        add_form_field(req.body, "client_id", client.client_id);
        add_form_field(req.body, "client_secret", client.client_secret);
    } else {
        const std::string credentials = form_encode(client.client_id) + ":" + form_encode(client.client_secret);
        // Basic credentials use standard base64 with padding (RFC 7617).
        std::string b64 = base64url_encode(as_bytes(credentials));
        for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
        while (b64.size() % 4 != 0) b64 += '=';
        req.headers.emplace_back("Authorization", "Basic " + b64);
    }
    return req;
}

result<token_set> read_token_response(const fetch_response& res, std::int64_t now) {
    if (res.status != 200) return fail(errc::upstream_failure);
    boost::system::error_code ec;
    auto doc = boost::json::parse(res.body, ec);
    if (ec || !doc.is_object()) return fail(errc::upstream_failure);
    const auto& o = doc.as_object();
    auto text = [&](std::string_view name) {
        const auto* v = o.if_contains(name);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    token_set t;
    t.access_token = text("access_token");
    t.refresh_token = text("refresh_token");
    t.id_token = text("id_token");
    t.token_type = text("token_type");
    t.scope = text("scope");
    t.session_state = text("session_state");
    if (t.access_token.empty()) return fail(errc::upstream_failure);
    if (const auto* e = o.if_contains("expires_in"); e && e->is_int64() && e->as_int64() > 0) t.expires_at = now + e->as_int64();
    return t;
}

}  // namespace sesh::detail
