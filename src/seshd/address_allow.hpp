// Which client addresses may use an operations endpoint (/metrics): a list of addresses and
// networks from the configuration.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace sesh::seshd {

/// A set of IPv4 and IPv6 networks. Immutable once parsed; thread-safe to read.
class address_list {
public:
    /// Parses `a, b/len, …`: addresses (`127.0.0.1`, `::1`) and CIDR networks (`10.0.0.0/8`,
    /// `fd00::/8`), separated by commas and spaces. `none` is the empty list. Returns a message
    /// naming the entry that is neither.
    [[nodiscard]] static tl::expected<address_list, std::string> parse(std::string_view text);

    /// True when `address` (as text, e.g. the peer's `127.0.0.1`; an IPv4-mapped IPv6 address
    /// counts as its IPv4 address) lies in one of the networks. False for anything unparsable.
    [[nodiscard]] bool contains(std::string_view address) const;
    /// True for the empty list (`none`).
    [[nodiscard]] bool empty() const noexcept { return networks_.empty(); }

private:
    struct network {
        std::array<std::uint8_t, 16> bytes{};
        unsigned prefix = 0;  ///< leading bits that must match
        bool v4 = false;
    };
    std::vector<network> networks_;
};

}  // namespace sesh::seshd
