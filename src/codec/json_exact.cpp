// A Boost.JSON basic_parser handler that builds values as boost::json::parse does, except that
// doubles are re-read from their text with std::from_chars (correctly rounded).
#include "codec/json_exact.hpp"

#include <charconv>
#include <string>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

namespace sesh::detail {
namespace {

namespace json = boost::json;
using boost::json::error_code;
using boost::json::string_view;

struct exact_handler {
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    json::value_stack st;
    // Earlier pieces of a number the parser delivered in parts (only when input is split).
    std::string number;

    exact_handler(json::storage_ptr sp, unsigned char* buffer, std::size_t size) : st(std::move(sp), buffer, size) {}

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t n, error_code&) {
        st.push_object(n);
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        st.push_array(n);
        return true;
    }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&) {
        st.push_key(s);
        return true;
    }
    bool on_string_part(string_view s, std::size_t, error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code&) {
        st.push_string(s);
        return true;
    }
    bool on_number_part(string_view s, error_code&) {
        number.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, string_view, error_code&) {
        number.clear();
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, string_view, error_code&) {
        number.clear();
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, string_view s, error_code&) {
        std::string_view text(s.data(), s.size());
        if (!number.empty()) text = number.append(s.data(), s.size());
        double exact = 0;
        const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), exact);
        // Out of range (1e400, 1e-400): Boost's ±Infinity or 0 is already what JSON.parse gives.
        if (err == std::errc() && end == text.data() + text.size()) d = exact;
        number.clear();
        st.push_double(d);
        return true;
    }
    bool on_bool(bool b, error_code&) {
        st.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        st.push_null();
        return true;
    }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }
};

}  // namespace

result<json::value> parse_json_exact(std::string_view text, unsigned max_depth) {
    json::parse_options options;
    options.max_depth = max_depth;
    unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
    json::basic_parser<exact_handler> p(options, json::storage_ptr(), temp, sizeof temp);
    p.handler().st.reset(json::storage_ptr());
    error_code ec;
    const std::size_t n = p.write_some(false, text.data(), text.size(), ec);
    // As boost::json::parse: the whole text must be one document.
    if (ec || n != text.size() || !p.done()) return fail(errc::malformed);
    return p.handler().st.release();
}

}  // namespace sesh::detail
