// Request bodies and query strings, parsed without exceptions: JSON objects and
// application/x-www-form-urlencoded forms.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include <sesh/result.hpp>

namespace sesh::http {

/// Decoded name/value pairs in the order sent.
using form = std::vector<std::pair<std::string, std::string>>;

/// A body that must be a JSON object. errc::malformed for invalid JSON, a value that is not an
/// object, nesting deeper than 32, or a number too large for a double (`1e999999`, which would
/// read as infinity, a value JSON cannot write back); never throws.
[[nodiscard]] result<boost::json::object> parse_json_object(std::string_view body);
/// An `application/x-www-form-urlencoded` body or a query string (without '?'): pairs split on
/// '&', '+' read as space, %XX decoded. errc::malformed for a bad escape or decoded text that is
/// not valid UTF-8. Empty pairs are skipped; a pair without '=' has an empty value.
[[nodiscard]] result<form> parse_form(std::string_view text);
/// The first value named `name`, if any.
[[nodiscard]] std::optional<std::string_view> form_value(const form& f, std::string_view name) noexcept;
/// True when the request's Content-Type (as given) names `mime` (e.g. "application/json"),
/// ignoring case and parameters such as charset.
[[nodiscard]] bool content_type_is(std::string_view content_type, std::string_view mime) noexcept;

}  // namespace sesh::http
