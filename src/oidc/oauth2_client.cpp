// sesh::oauth2_client: the authorization code grant against a plain OAuth 2.0 provider and the
// reading of its profile URL.
#include <sesh/oauth2.hpp>

#include <chrono>

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <sesh/error.hpp>
#include <sesh/log.hpp>
#include <sesh/log_escape.hpp>

#include "oidc/token_request.hpp"

namespace sesh {
namespace {

// The host and path of a URL for a log line, never its query.
std::string oauth2_loggable(std::string_view url) { return escape_for_log(url.substr(0, url.find('?'))); }

fetch_request bearer_get(const std::string& url, const std::string& token) {
    fetch_request req{"GET", url, {}, {}};
    req.headers.emplace_back("Authorization", "Bearer " + token);
    req.headers.emplace_back("Accept", "application/json");
    return req;
}

// GitHub's /user/emails: the primary entry, else the first; nothing for anything else.
const boost::json::object* pick_email(const boost::json::value& list) {
    if (!list.is_array()) return nullptr;
    const boost::json::object* first = nullptr;
    for (const auto& e : list.as_array()) {
        if (!e.is_object()) continue;
        const auto* email = e.as_object().if_contains("email");
        if (!email || !email->is_string()) continue;
        if (!first) first = &e.as_object();
        if (const auto* p = e.as_object().if_contains("primary"); p && p->is_bool() && p->as_bool()) return &e.as_object();
    }
    return first;
}

}  // namespace

result<std::shared_ptr<oauth2_client>> oauth2_client::create(oauth2_client_options options) {
    if (options.authorization_endpoint.empty() || options.token_endpoint.empty() || options.profile_url.empty() ||
        options.client_id.empty())
        return fail(errc::invalid_argument);
    if (!boost::urls::parse_absolute_uri(options.authorization_endpoint)) return fail(errc::invalid_argument);
    if (!options.clock) options.clock = &system_clock();
    return std::make_shared<oauth2_client>(std::move(options));
}

std::string oauth2_client::authorization_url(std::string_view redirect_uri, std::string_view state,
                                             std::string_view code_challenge) const {
    boost::urls::url u(options_.authorization_endpoint);
    auto params = u.params();
    params.append({"client_id", options_.client_id});
    if (!options_.scope.empty()) params.append({"scope", options_.scope});
    params.append({"response_type", "code"});
    params.append({"redirect_uri", redirect_uri});
    params.append({"state", state});
    params.append({"code_challenge", code_challenge});
    params.append({"code_challenge_method", "S256"});
    return std::string(u.buffer());
}

boost::asio::awaitable<result<oauth2_profile>> oauth2_client::complete(std::string code, std::string code_verifier,
                                                                      std::string redirect_uri) {
    auto ex = co_await boost::asio::this_coro::executor;
    const detail::client_credentials credentials{options_.client_id, options_.client_secret, options_.secret_in_body};
    auto token_req = detail::code_token_request(options_.token_endpoint, credentials, code, redirect_uri, code_verifier);
    auto res = co_await async_fetch(ex, std::move(token_req), options_.fetch, boost::asio::use_awaitable);
    if (!res) co_return fail(res.error());
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(options_.clock->now().time_since_epoch()).count();
    auto tokens = detail::read_token_response(*res, now);
    if (!tokens) {
        sesh::logger()->info("oauth2: the token endpoint {} refused the code ({})", oauth2_loggable(options_.token_endpoint),
                             res->status);
        co_return fail(tokens.error());
    }
    oauth2_profile p;
    p.access_token = std::move(tokens->access_token);
    p.refresh_token = std::move(tokens->refresh_token);
    p.id_token = std::move(tokens->id_token);
    p.token_type = std::move(tokens->token_type);
    p.scope = std::move(tokens->scope);
    p.expires_at = tokens->expires_at;

    auto profile_req = bearer_get(options_.profile_url, p.access_token);
    auto answer = co_await async_fetch(ex, std::move(profile_req), options_.fetch, boost::asio::use_awaitable);
    if (!answer) co_return fail(answer.error());
    boost::system::error_code ec;
    auto body = boost::json::parse(answer->body, ec);
    if (answer->status != 200 || ec || !body.is_object()) {
        sesh::logger()->warn("oauth2: the profile at {} is unusable ({})", oauth2_loggable(options_.profile_url), answer->status);
        co_return fail(errc::upstream_failure);
    }
    p.profile = std::move(body.as_object());

    const auto* email = p.profile.if_contains("email");
    if (!options_.emails_url.empty() && (!email || !email->is_string() || email->as_string().empty())) {
        auto emails_req = bearer_get(options_.emails_url, p.access_token);
        auto emails = co_await async_fetch(ex, std::move(emails_req), options_.fetch, boost::asio::use_awaitable);
        // As next-auth's GitHub provider: a failed list leaves the profile without an e-mail.
        if (emails && emails->status == 200) {
            auto list = boost::json::parse(emails->body, ec);
            if (const auto* chosen = ec ? nullptr : pick_email(list)) {
                p.profile["email"] = chosen->at("email");
                if (const auto* v = chosen->if_contains("verified"); v && v->is_bool()) p.profile["email_verified"] = v->as_bool();
            }
        }
    }
    co_return p;
}

}  // namespace sesh
