// HTTP messages as sesh's server passes them to handlers, and helpers that build the common
// responses (JSON, JSON errors, redirects, HTML).
#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>

namespace sesh::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;
using status = boost::beast::http::status;
using verb = boost::beast::http::verb;
using field = boost::beast::http::field;
template <class T>
using awaitable = boost::asio::awaitable<T>;

/// `body` serialized, Content-Type `application/json`, `Cache-Control: no-store` (sessions and
/// account data must never sit in a shared cache).
[[nodiscard]] response json_response(status s, const boost::json::value& body);
/// `{"error": message}` with status `s`. `message` is for people and never holds internals
/// (no exception text, no SQLite or Redis message).
[[nodiscard]] response json_error(status s, std::string_view message);
/// A redirect (302 by default) to `location`, which the caller has already checked is safe
/// (relative or same-origin).
[[nodiscard]] response redirect(std::string_view location, status s = status::found);
/// An HTML page: Content-Type `text/html; charset=utf-8`, `Cache-Control: no-store`.
[[nodiscard]] response html_response(status s, std::string body);
/// `text` with & < > " ' replaced by entities: safe in HTML text and quoted attributes.
[[nodiscard]] std::string html_escape(std::string_view text);
/// `text` percent-encoded for a query parameter value (unreserved characters kept).
[[nodiscard]] std::string url_encode(std::string_view text);

}  // namespace sesh::http
