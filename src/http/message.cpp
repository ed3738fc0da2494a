// Response builders shared by every handler.
#include <sesh/http/message.hpp>

#include <boost/json/serialize.hpp>

namespace sesh::http {

response json_response(status s, const boost::json::value& body) {
    response res{s, 11};
    res.set(field::content_type, "application/json");
    res.set(field::cache_control, "no-store");
    res.body() = boost::json::serialize(body);
    return res;
}

response json_error(status s, std::string_view message) {
    return json_response(s, boost::json::object{{"error", message}});
}

response redirect(std::string_view location, status s) {
    response res{s, 11};
    res.set(field::location, location);
    res.set(field::cache_control, "no-store");
    return res;
}

response html_response(status s, std::string body) {
    response res{s, 11};
    res.set(field::content_type, "text/html; charset=utf-8");
    res.set(field::cache_control, "no-store");
    res.body() = std::move(body);
    return res;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string url_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace sesh::http
