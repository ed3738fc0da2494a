// The client behind trusted proxies: which address of a request's X-Forwarded-For to believe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <sesh/http/message.hpp>

namespace sesh::http {

/// The client of `req`, which arrived from `peer` (a trusted proxy): walking X-Forwarded-For from
/// the right (every such header, in order, as one list), the first address `trusted` refuses —
/// the one the nearest trusted hop saw. Each proxy appends what it saw, so what a client wrote
/// itself sits to the left of that and is never believed. An entry that is not an IP address ends
/// the walk at the hop before it; with no header, or every entry trusted, the last trusted
/// address seen (`peer` when there is nothing else). At most 32 entries are read.
[[nodiscard]] std::string client_behind_proxies(const request& req, std::string_view peer,
                                                const std::function<bool(std::string_view)>& trusted);

}  // namespace sesh::http
