// Exact JSON parsing for the data inside seals and tokens, so a Node peer's numbers come back unchanged.
#pragma once

#include <string_view>

#include <boost/json/value.hpp>

#include <sesh/result.hpp>

namespace sesh::detail {

/// Parses `text` as one strict JSON document (RFC 8259, UTF-8, no comments or trailing commas,
/// nesting at most `max_depth`) into a value with the default memory resource. Unlike Boost.JSON
/// 1.81's own parser, which may round a double's last bit wrong (its `number_precision::precise`
/// arrived in 1.83), every non-integer number is converted from its text with std::from_chars,
/// correctly rounded as JSON.parse does. errc::malformed for anything else. Never throws except
/// std::bad_alloc.
[[nodiscard]] result<boost::json::value> parse_json_exact(std::string_view text, unsigned max_depth);

}  // namespace sesh::detail
