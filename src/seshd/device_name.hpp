// "My devices" as people read them: a browser and system from a User-Agent header, and how long
// ago a time was.
#pragma once

#include <string>
#include <string_view>

#include <sesh/clock.hpp>

namespace sesh::seshd {

/// "Chrome 156 on Linux", "Safari 17 on iOS", "Firefox 128 on Windows", "curl 7 on an unknown
/// system"; the browser's major version only. "Unknown device" for an empty header. A header this
/// does not recognise gives its first product token ("Name 12"), never the whole raw text.
[[nodiscard]] std::string device_name(std::string_view user_agent);

/// "just now" (under a minute), "3 minutes ago", "1 hour ago", "2 days ago"; a time in the future
/// (clock skew between nodes) is "just now".
[[nodiscard]] std::string time_ago(clock::time_point then, clock::time_point now);

}  // namespace sesh::seshd
