// The whole HTTP request path in memory: request bytes through Beast's parser (seshd's limits),
// the connection's framing checks, seshd's router and handlers, the session save and the
// response headers — the same detail::respond a connection uses, without a socket. Every answer
// must be a well-formed response and never a 500. Placeholders give the fuzzer credentials it
// could not guess: "@S" a signed-in session cookie value (fresh per input), "@C" a CSRF cookie
// value and "@T" its token.
#include <sstream>
#include <string>

#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include "fuzz_support.hpp"
#include "http/server_state.hpp"
#include "seshd/app.hpp"

namespace {

using namespace sesh;
namespace beast = boost::beast;

struct fixture {
    std::unique_ptr<seshd::app> app;
    std::unique_ptr<http::detail::server_state> state;
    std::string csrf_cookie, csrf_token;
    user ada;
};

std::string set_cookie_value(const http::response& res, std::string_view name) {
    const auto [first, last] = res.equal_range(http::field::set_cookie);
    for (auto it = first; it != last; ++it) {
        const auto pair = fuzz::split(it->value(), ';').first;
        const auto [n, v] = fuzz::split(pair, '=');
        if (n == name) return std::string(v);
    }
    return {};
}

http::response run(fixture& f, http::request& req) {
    http::response out;
    boost::asio::co_spawn(*f.state->loops.front(), http::detail::respond(*f.state, req, "127.0.0.1"),
                          [&](std::exception_ptr e, http::detail::answer a) {
                              fuzz::require(!e, "respond threw");
                              out = std::move(a.res);
                          });
    f.state->loops.front()->restart();
    f.state->loops.front()->run();
    return out;
}

fixture make() {
    spdlog::set_level(spdlog::level::off);
    seshd::config c;
    c.store_url = "memory:";
    c.secret = "fuzzing-secret-fuzzing-secret-fuzzing-secret";
    c.public_url = "http://127.0.0.1:3000";
    c.password = {1, 8 * 1024 * 1024};
    // Every input comes from one address: per-address limits would answer nearly all of them 429
    // (reaching no handler), and their tables, kept across inputs, make libFuzzer run
    // LeakSanitizer after each one (three quarters of the time, by perf).
    c.new_sessions_per_minute = 0;
    c.signup_limit = 0;
    // Forward auth's header reading, rules and redirect policy are reached only with these set.
    c.trusted_proxies = "127.0.0.1";
    c.gateway_rules = "app.example.test/admin=user:ada,domain:example.org; */ops=*";
    c.allowed_redirects = "http://app.example.test:8080";
    fixture f;
    f.app = std::move(*seshd::make_app(c));
    f.state = std::make_unique<http::detail::server_state>(f.app->config.server, seshd::make_router(*f.app),
                                                           f.app->sessions, f.app->metrics);
    http::request signup{http::verb::post, "/api/signup", 11};
    signup.set(http::field::content_type, "application/json");
    signup.body() = R"({"username":"ada","password":"correct horse battery staple"})";
    signup.prepare_payload();
    fuzz::require(run(f, signup).result() == http::status::created, "fixture: sign-up failed");
    f.ada = **f.app->users->find_by_name("ada");

    http::request csrf{http::verb::get, "/api/auth/csrf", 11};
    const auto res = run(f, csrf);
    f.csrf_cookie = set_cookie_value(res, f.app->csrf_cookie);
    f.csrf_token = std::string(boost::json::parse(res.body()).at("csrfToken").as_string());
    return f;
}

// A fresh signed-in session for ada (the last input may have logged it out).
std::string fresh_session(fixture& f) {
    http::request none{http::verb::get, "/", 11};
    http::context ctx(none, f.app->sessions, f.app->metrics, "127.0.0.1", f.state->blocking.get_executor());
    bool started = false;
    boost::asio::co_spawn(*f.state->loops.front(), seshd::start_user_session(ctx, f.ada),
                          [&](std::exception_ptr e, result<void> r) { started = !e && r.has_value(); });
    f.state->loops.front()->restart();
    f.state->loops.front()->run();
    fuzz::require(started, "fixture: cannot start a session");
    const auto cookies = *f.app->sessions.save(*ctx.loaded_session());
    const auto pair = fuzz::split(cookies.front(), ';').first;
    return std::string(fuzz::split(pair, '=').second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fixture f = make();
    const auto input = fuzz::text(data, size);
    const bool wants_session = input.find("@S") != std::string_view::npos;
    const std::string session = wants_session ? fresh_session(f) : std::string();
    std::string bytes;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const auto rest = input.substr(i);
        if (rest.starts_with("@S")) bytes += session;
        else if (rest.starts_with("@C")) bytes += f.csrf_cookie;
        else if (rest.starts_with("@T")) bytes += f.csrf_token;
        else {
            bytes += input[i];
            continue;
        }
        ++i;
    }

    // The connection's parser and limits; an incomplete request is what a timeout would end.
    beast::http::request_parser<beast::http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(f.state->options.max_header_bytes));
    parser.body_limit(f.state->options.max_body_bytes);
    parser.eager(true);
    beast::error_code ec;
    parser.put(boost::asio::buffer(bytes), ec);
    // The connection refuses a header that frames the body ambiguously before reading the body.
    if (parser.is_header_done()) {
        if (const auto failure = http::detail::check_framing(parser.get())) {
            const int code = static_cast<int>(failure->code);
            fuzz::require(code == 400 || code == 501, "a framing failure is answered with neither 400 nor 501");
            return 0;
        }
    }
    if (!ec && !parser.is_done()) parser.put_eof(ec);
    if (ec) {
        if (const auto failure = http::detail::classify_parse_error(ec))
            fuzz::require(static_cast<int>(failure->code) >= 400 && static_cast<int>(failure->code) < 500,
                          "a parse failure is answered with a non-4xx status");
        return 0;
    }
    http::request req = parser.release();
    const auto res = run(f, req);
    fuzz::require(res.result_int() >= 100 && res.result_int() != 500, "a request got a 500");
    fuzz::require(res.has_content_length() || res.chunked(), "a response without framing");
    fuzz::require(!res[http::field::x_frame_options].empty(), "a response without the security headers");
    std::ostringstream wire;
    wire << res;  // serializes: throws on a malformed response
    if (wants_session) (void)f.app->sessions.revoke_user(f.ada.id);  // keep the store small
    return 0;
}
