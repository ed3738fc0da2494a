// Address lists for SESH_METRICS_ALLOW: parsing with Asio's address parser, matching by prefix.
#include "seshd/address_allow.hpp"

#include <charconv>
#include <optional>

#include <boost/asio/ip/address.hpp>

namespace sesh::seshd {
namespace {

namespace ip = boost::asio::ip;

struct parsed_address {
    std::array<std::uint8_t, 16> bytes{};
    bool v4 = false;
};

// An address as bytes; an IPv4-mapped IPv6 address (a v4 client of a [::] listener) as IPv4.
std::optional<parsed_address> parse_address(std::string_view text) {
    boost::system::error_code ec;
    auto a = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    if (a.is_v6() && a.to_v6().is_v4_mapped()) a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
    parsed_address out;
    out.v4 = a.is_v4();
    if (out.v4) {
        const auto b = a.to_v4().to_bytes();
        std::copy(b.begin(), b.end(), out.bytes.begin());
    } else {
        out.bytes = a.to_v6().to_bytes();
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

tl::expected<address_list, std::string> address_list::parse(std::string_view text) {
    address_list out;
    if (trim(text) == "none") return out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view entry = trim(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        if (entry.empty()) continue;
        const auto slash = entry.find('/');
        const auto addr = parse_address(entry.substr(0, slash));
        if (!addr) return tl::unexpected("not an address or network: " + std::string(entry));
        network n{addr->bytes, addr->v4 ? 32u : 128u, addr->v4};
        if (slash != std::string_view::npos) {
            const std::string_view len = entry.substr(slash + 1);
            unsigned prefix = 0;
            const auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
            if (ec != std::errc() || p != len.data() + len.size() || len.empty() || prefix > n.prefix)
                return tl::unexpected("not an address or network: " + std::string(entry));
            n.prefix = prefix;
        }
        out.networks_.push_back(n);
    }
    if (out.networks_.empty()) return tl::unexpected(std::string("an empty address list (say `none` for nobody)"));
    return out;
}

bool address_list::contains(std::string_view address) const {
    const auto a = parse_address(address);
    if (!a) return false;
    for (const auto& n : networks_) {
        if (n.v4 != a->v4) continue;
        unsigned bits = n.prefix;
        bool match = true;
        for (std::size_t i = 0; bits > 0 && match; ++i, bits = bits > 8 ? bits - 8 : 0) {
            const unsigned take = bits > 8 ? 8 : bits;
            const auto mask = static_cast<std::uint8_t>(0xff00u >> take);
            match = (n.bytes[i] & mask) == (a->bytes[i] & mask);
        }
        if (match) return true;
    }
    return false;
}

}  // namespace sesh::seshd
