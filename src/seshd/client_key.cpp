// Client addresses as per-address limits count them: IPv6 by its /64.
#include "seshd/client_key.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <iterator>

namespace sesh::seshd {

std::string client_key(std::string_view address) {
    std::string text(address);
    std::array<unsigned char, 16> v6{};
    if (text.find(':') == std::string::npos || ::inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return text;
    // An IPv4-mapped address (::ffff:a.b.c.d) is one IPv4 host.
    static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(std::begin(mapped), std::end(mapped), v6.begin())) return text;
    std::fill(v6.begin() + 8, v6.end(), 0);
    char buf[INET6_ADDRSTRLEN];
    if (!::inet_ntop(AF_INET6, v6.data(), buf, sizeof buf)) return text;
    return std::string(buf) + "/64";
}

}  // namespace sesh::seshd
