// sesh::oidc_client: discovery and keys cached per provider, the authorization request, and the
// callback's code exchange with ID token verification (OpenID Connect Core 1.0 §3.1).
#include <mutex>

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/url.hpp>

#include <sesh/encoding.hpp>
#include <sesh/error.hpp>
#include <sesh/log.hpp>
#include <sesh/log_escape.hpp>
#include <sesh/oidc.hpp>

#include "oidc/token_request.hpp"

namespace sesh {

struct oidc_client::cache {
    std::mutex lock;
    std::optional<oidc_metadata> metadata;
    std::chrono::steady_clock::time_point metadata_at;
    std::optional<jwk_set> keys;
    std::chrono::steady_clock::time_point keys_at;
    std::optional<std::chrono::steady_clock::time_point> last_key_refetch;
};

namespace {

std::int64_t unix_seconds(const sesh::clock& c) {
    return std::chrono::duration_cast<std::chrono::seconds>(c.now().time_since_epoch()).count();
}

// What to name in a log line: the host and path, never a query (codes and tokens travel there).
std::string loggable_url(std::string_view url) {
    return escape_for_log(url.substr(0, url.find('?')));
}

}  // namespace

oidc_client::oidc_client(oidc_client_options options) : options_(std::move(options)), cache_(std::make_unique<cache>()) {}
oidc_client::~oidc_client() = default;

result<std::shared_ptr<oidc_client>> oidc_client::create(oidc_client_options options) {
    if (options.issuer.empty() || options.client_id.empty()) return fail(errc::invalid_argument);
    const std::string padded = " " + options.scope + " ";
    if (padded.find(" openid ") == std::string::npos) return fail(errc::invalid_argument);
    if (!options.clock) options.clock = &system_clock();
    return std::make_shared<oidc_client>(std::move(options));
}

boost::asio::awaitable<result<oidc_metadata>> oidc_client::metadata() {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard g(cache_->lock);
        if (cache_->metadata && now - cache_->metadata_at < options_.cache_for) co_return *cache_->metadata;
    }
    auto ex = co_await boost::asio::this_coro::executor;
    std::string url = options_.issuer;
    if (url.ends_with('/')) url.pop_back();
    url += "/.well-known/openid-configuration";
    fetch_request req{"GET", url, {{"Accept", "application/json"}}, {}};
    auto res = co_await async_fetch(ex, std::move(req), options_.fetch, boost::asio::use_awaitable);
    if (!res) {
        sesh::logger()->warn("oidc: discovery at {} failed: {}", loggable_url(url), res.error().message());
        co_return fail(res.error());
    }
    if (res->status != 200) {
        sesh::logger()->warn("oidc: discovery at {} answered {}", loggable_url(url), res->status);
        co_return fail(errc::upstream_failure);
    }
    auto m = parse_oidc_metadata(res->body, options_.issuer);
    if (!m) {
        sesh::logger()->warn("oidc: the discovery document of {} is unusable: {}", loggable_url(url), m.error().message());
        co_return fail(m.error());
    }
    std::lock_guard g(cache_->lock);
    cache_->metadata = *m;
    cache_->metadata_at = now;
    co_return *m;
}

boost::asio::awaitable<result<jwk_set>> oidc_client::keys(const oidc_metadata& m, std::string_view wanted_kid) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard g(cache_->lock);
        const bool fresh = cache_->keys && now - cache_->keys_at < options_.cache_for;
        const bool knows = wanted_kid.empty() || (cache_->keys && cache_->keys->has_kid(wanted_kid));
        // An unknown kid may be a key the provider rotated in: refetch, but at most once per
        // interval, so tokens naming made-up kids cannot make us hammer the provider.
        const bool may_refetch = !cache_->last_key_refetch || now - *cache_->last_key_refetch >= options_.key_refetch_interval;
        if (fresh && (knows || !may_refetch)) co_return *cache_->keys;
        if (fresh && !knows) cache_->last_key_refetch = now;
    }
    auto ex = co_await boost::asio::this_coro::executor;
    fetch_request req{"GET", m.jwks_uri, {{"Accept", "application/json"}}, {}};
    auto res = co_await async_fetch(ex, std::move(req), options_.fetch, boost::asio::use_awaitable);
    if (!res) co_return fail(res.error());
    if (res->status != 200) co_return fail(errc::upstream_failure);
    auto set = jwk_set::parse(res->body);
    if (!set) co_return fail(errc::upstream_failure);
    std::lock_guard g(cache_->lock);
    cache_->keys = *set;
    cache_->keys_at = now;
    co_return *set;
}

std::string oidc_client::authorization_url(const oidc_metadata& m, std::string_view redirect_uri, std::string_view state,
                                           std::string_view nonce, std::string_view code_challenge) const {
    boost::urls::url u(m.authorization_endpoint);
    auto params = u.params();
    params.append({"client_id", options_.client_id});
    params.append({"scope", options_.scope});
    params.append({"response_type", "code"});
    params.append({"redirect_uri", redirect_uri});
    params.append({"state", state});
    params.append({"nonce", nonce});
    params.append({"code_challenge", code_challenge});
    params.append({"code_challenge_method", "S256"});
    return std::string(u.buffer());
}

boost::asio::awaitable<result<oidc_profile>> oidc_client::complete(oidc_callback cb) {
    auto meta = co_await metadata();
    if (!meta) co_return fail(meta.error());
    auto ex = co_await boost::asio::this_coro::executor;

    const detail::client_credentials credentials{options_.client_id, options_.client_secret, options_.secret_in_body};
    auto token_req = detail::code_token_request(meta->token_endpoint, credentials, cb.code, cb.redirect_uri, cb.code_verifier);
    auto res = co_await async_fetch(ex, std::move(token_req), options_.fetch, boost::asio::use_awaitable);
    if (!res) co_return fail(res.error());
    const std::int64_t now = unix_seconds(*options_.clock);
    auto tokens = detail::read_token_response(*res, now);
    if (!tokens) {
        sesh::logger()->info("oidc: the token endpoint of {} refused the code ({})", loggable_url(options_.issuer), res->status);
        co_return fail(tokens.error());
    }
    oidc_profile p;
    p.id_token = std::move(tokens->id_token);
    p.access_token = std::move(tokens->access_token);
    p.refresh_token = std::move(tokens->refresh_token);
    p.token_type = std::move(tokens->token_type);
    p.scope = std::move(tokens->scope);
    p.session_state = std::move(tokens->session_state);
    p.expires_at = tokens->expires_at;
    if (p.id_token.empty()) co_return fail(errc::upstream_failure);
    boost::system::error_code ec;

    // The signature first: the kid of an unverified header only picks which keys to fetch.
    std::string kid;
    if (const auto dot = p.id_token.find('.'); dot != std::string::npos) {
        if (auto h = base64url_decode(std::string_view(p.id_token).substr(0, dot))) {
            auto hv = boost::json::parse(std::string_view(reinterpret_cast<const char*>(h->data()), h->size()), ec);
            if (!ec && hv.is_object())
                if (const auto* k = hv.as_object().if_contains("kid"); k && k->is_string()) kid = std::string(k->as_string());
        }
    }
    auto keyset = co_await keys(*meta, kid);
    if (!keyset) co_return fail(keyset.error());
    auto verified = verify_jws(p.id_token, *keyset);
    if (!verified) {
        sesh::logger()->warn("oidc: an ID token from {} was refused: {}", loggable_url(options_.issuer), verified.error().message());
        co_return fail(verified.error());
    }
    id_token_expectations expect;
    expect.issuer = options_.issuer;
    expect.client_id = options_.client_id;
    expect.nonce = cb.nonce;
    expect.now = now;
    if (auto ok = check_id_token_claims(verified->claims, expect); !ok) {
        sesh::logger()->warn("oidc: an ID token from {} was refused: {}", loggable_url(options_.issuer), ok.error().message());
        co_return fail(ok.error());
    }
    p.claims = std::move(verified->claims);
    p.subject = std::string(p.claims.at("sub").as_string());

    if (options_.use_userinfo && !meta->userinfo_endpoint.empty()) {
        fetch_request ui{"GET", meta->userinfo_endpoint, {}, {}};
        ui.headers.emplace_back("Authorization", "Bearer " + p.access_token);
        ui.headers.emplace_back("Accept", "application/json");
        auto info = co_await async_fetch(ex, std::move(ui), options_.fetch, boost::asio::use_awaitable);
        if (!info) co_return fail(info.error());
        if (info->status != 200) co_return fail(errc::upstream_failure);
        auto body = boost::json::parse(info->body, ec);
        if (ec || !body.is_object()) co_return fail(errc::upstream_failure);
        // §5.3.2: a userinfo `sub` that differs from the ID token's must not be used.
        const auto* sub = body.as_object().if_contains("sub");
        if (!sub || !sub->is_string() || sub->as_string() != p.subject) co_return fail(errc::claim_mismatch);
        for (const auto& kv : body.as_object())
            if (!p.claims.contains(kv.key())) p.claims[kv.key()] = kv.value();
    }
    co_return p;
}

}  // namespace sesh
