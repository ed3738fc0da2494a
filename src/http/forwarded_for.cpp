// client_behind_proxies: see forwarded_for.hpp. Right to left, as MDN and nginx's realip module
// (real_ip_recursive on) read the header: the left part is whatever the client sent.
#include "http/forwarded_for.hpp"

#include <vector>

#include <boost/asio/ip/address.hpp>

namespace sesh::http {
namespace {

constexpr std::size_t max_entries = 32;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string client_behind_proxies(const request& req, std::string_view peer,
                                  const std::function<bool(std::string_view)>& trusted) {
    // Several X-Forwarded-For lines are one list in order (RFC 9110 §5.3).
    std::vector<std::string_view> entries;
    const auto range = req.equal_range("X-Forwarded-For");
    for (auto it = range.first; it != range.second; ++it) {
        std::string_view v(it->value().data(), it->value().size());
        while (!v.empty()) {
            const auto comma = v.find(',');
            entries.push_back(trim(v.substr(0, comma)));
            v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
        }
    }
    std::string client(peer);
    std::size_t read = 0;
    for (auto it = entries.rbegin(); it != entries.rend() && read < max_entries; ++it, ++read) {
        boost::system::error_code ec;
        const auto a = boost::asio::ip::make_address(std::string(*it), ec);
        if (ec) break;  // not an address: nothing to its left can be believed either
        client = a.to_string();
        if (!trusted(client)) break;
    }
    return client;
}

}  // namespace sesh::http
