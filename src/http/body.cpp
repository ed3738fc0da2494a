// JSON and form bodies, parsed without exceptions.
#include <sesh/http/body.hpp>

#include <cmath>

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include <sesh/error.hpp>

#include "core/percent.hpp"
#include "core/utf8.hpp"

namespace sesh::http {
namespace {

// A form field: '+' is a space, %XX a byte, and the result must be UTF-8.
std::optional<std::string> decode_component(std::string_view s) {
    auto out = detail::percent_decode(s, true);
    if (!out || !detail::valid_utf8(*out)) return std::nullopt;
    return out;
}

// Boost.JSON reads a number too large for a double (`1e999999`) as infinity, and no JSON writer
// can give infinity back: stored in a session it would fail every later save and load. The
// parser already bounds the depth, so recursion here is bounded too.
bool all_finite(const boost::json::value& v) noexcept {
    if (const double* d = v.if_double()) return std::isfinite(*d);
    if (const auto* o = v.if_object()) {
        for (const auto& kv : *o)
            if (!all_finite(kv.value())) return false;
    } else if (const auto* a = v.if_array()) {
        for (const auto& e : *a)
            if (!all_finite(e)) return false;
    }
    return true;
}

}  // namespace

result<boost::json::object> parse_json_object(std::string_view body) {
    boost::json::parse_options opts;
    opts.max_depth = 32;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec, {}, opts);
    if (ec || !v.is_object() || !all_finite(v)) return fail(errc::malformed);
    return std::move(v.as_object());
}

result<form> parse_form(std::string_view text) {
    form out;
    while (!text.empty()) {
        const auto amp = text.find('&');
        const std::string_view pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = decode_component(pair.substr(0, eq));
        auto value = decode_component(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!name || !value) return fail(errc::malformed);
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

std::optional<std::string_view> form_value(const form& f, std::string_view name) noexcept {
    for (const auto& [n, v] : f)
        if (n == name) return std::string_view(v);
    return std::nullopt;
}

bool content_type_is(std::string_view content_type, std::string_view mime) noexcept {
    const auto semi = content_type.find(';');
    std::string_view t = content_type.substr(0, semi);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    if (t.size() != mime.size()) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(t[i]) != lower(mime[i])) return false;
    }
    return true;
}

}  // namespace sesh::http
