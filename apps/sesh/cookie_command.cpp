// `sesh cookie parse`: a Cookie header -> JSON {name: value}, next-auth chunks joined.
#include <cstdio>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <sesh/cookie.hpp>

#include "commands.hpp"

namespace sesh::cli {
namespace {

// `name.N` chunks belong to `name`; any other name is its own base.
std::string_view chunk_base(std::string_view name) {
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot + 1 == name.size()) return name;
    for (char c : name.substr(dot + 1))
        if (c < '0' || c > '9') return name;
    return name.substr(0, dot);
}

}  // namespace

void add_cookie_commands(CLI::App& app) {
    auto* cookie = app.add_subcommand("cookie", "inspect cookies");
    cookie->require_subcommand(1);
    auto* parse = cookie->add_subcommand("parse", "Cookie header on stdin -> JSON of name/value pairs, chunks joined");
    parse->callback([] {
        std::string header = read_stdin(64 * 1024);
        while (!header.empty() && (header.back() == '\n' || header.back() == '\r')) header.pop_back();
        // A pasted "Cookie: a=b" line is accepted too.
        if (header.rfind("Cookie:", 0) == 0 || header.rfind("cookie:", 0) == 0) header.erase(0, 7);
        auto cookies = parse_cookie_header(header);
        if (!cookies) fail_with("cannot parse Cookie header: " + cookies.error().message());
        boost::json::object out;
        for (const auto& c : *cookies) {
            const std::string_view base = chunk_base(c.name);
            if (out.contains(base)) continue;
            if (auto joined = join_chunks(*cookies, base)) out[base] = *joined;
        }
        std::printf("%s\n", boost::json::serialize(out).c_str());
    });
}

}  // namespace sesh::cli
