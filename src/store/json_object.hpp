// The one check a backend makes on session data it reads back: is it still a JSON object?
#pragma once

#include <string_view>

namespace sesh::detail {

/// True when `text` parses as a JSON object (what session_record::data always holds). Never
/// throws; allocates nothing for data up to a few kilobytes.
[[nodiscard]] bool is_json_object(std::string_view text);

}  // namespace sesh::detail
