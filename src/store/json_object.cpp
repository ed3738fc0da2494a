// is_json_object: the session-data check of the SQL backends' row readers.
#include "store/json_object.hpp"

#include <array>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

namespace sesh::detail {

bool is_json_object(std::string_view text) {
    // Session data is small: parse into a stack buffer, so checking costs no allocation.
    std::array<unsigned char, 4096> buffer;
    boost::json::monotonic_resource arena(buffer.data(), buffer.size());
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(text, ec, &arena);
    return !ec && v.is_object();
}

}  // namespace sesh::detail
