// The key a per-address limit counts a client under (new sessions, sign-ups). Internal to seshd.
#pragma once

#include <string>
#include <string_view>

namespace sesh::seshd {

/// `address` as given for IPv4 (and IPv4-mapped IPv6), or its /64 for IPv6: one host usually
/// holds a whole /64, so counting per IPv6 address would be no limit at all.
[[nodiscard]] std::string client_key(std::string_view address);

}  // namespace sesh::seshd
