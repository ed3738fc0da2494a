// Header checks that decide how a request is framed, made before its body is read: a request
// whose length or target host two parsers could read differently is refused, not guessed at.
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/url/parse.hpp>

#include "http/server_state.hpp"

namespace sesh::http::detail {
namespace {

// RFC 9112 §3.2: Host = uri-host [ ":" port ]; no userinfo, path, spaces or controls.
bool valid_host(std::string_view value) {
    auto authority = boost::urls::parse_authority(value);
    return authority && !authority->has_userinfo();
}

// RFC 9112 §6.1: the only coding seshd decodes is chunked, and it must be the last one, applied
// once. Every Transfer-Encoding line counts, as if joined into one list.
std::optional<parse_failure> check_transfer_encoding(const beast::http::request_header<>& h) {
    std::size_t codings = 0;
    bool chunked_last = false;
    bool other = false;
    int chunked = 0;
    const auto [first, last] = h.equal_range(field::transfer_encoding);
    for (auto line = first; line != last; ++line) {
        for (const auto coding : beast::http::token_list(line->value())) {
            ++codings;
            chunked_last = beast::iequals(coding, "chunked");
            if (chunked_last) ++chunked;
            else other = true;
        }
    }
    // A Transfer-Encoding in HTTP/1.0 means the framing is faulty even with a Content-Length.
    if (h.version() < 11 || codings == 0 || !chunked_last || chunked > 1)
        return parse_failure{status::bad_request, "Malformed request"};
    // RFC 9112 §6.1: a coding the server does not understand gets 501.
    if (other) return parse_failure{status::not_implemented, "Transfer-Encoding not supported"};
    return std::nullopt;
}

}  // namespace

std::optional<parse_failure> check_framing(const beast::http::request_header<>& h) {
    // RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host, for more than one Host, and for
    // a Host that is not a valid authority.
    const auto hosts = h.count(field::host);
    if (hosts > 1 || (hosts == 0 && h.version() >= 11)) return parse_failure{status::bad_request, "Malformed request"};
    if (hosts == 1 && !valid_host(h[field::host])) return parse_failure{status::bad_request, "Malformed request"};
    // RFC 9112 §6.1: a Transfer-Encoding whose last coding is not chunked leaves the length
    // unknown; reading the body by Content-Length instead is how requests are smuggled.
    if (h.find(field::transfer_encoding) != h.end()) return check_transfer_encoding(h);
    return std::nullopt;
}

}  // namespace sesh::http::detail
