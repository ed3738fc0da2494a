// Request bodies: the JSON object parser, the form parser and the Content-Type check.
#include <sesh/http/body.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sesh;
    const auto input = fuzz::text(data, size);
    (void)http::parse_json_object(input);
    if (const auto f = http::parse_form(input)) {
        for (const auto& [name, value] : *f) (void)http::form_value(*f, name);
    }
    (void)http::content_type_is(input, "application/json");
    (void)http::content_type_is(input, "application/x-www-form-urlencoded");
    return 0;
}
