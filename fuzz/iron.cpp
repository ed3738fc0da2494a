// iron-session 8 seals: unseal anything without harm; for JSON input, seal then unseal gives it back.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sesh/iron.hpp>

#include "fuzz_support.hpp"
#include "json_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sesh;
    static const auto codec = [] {
        iron_options o;
        o.passwords = {{"1", "fuzzing-password-fuzzing-password-1"}, {"2", "fuzzing-password-fuzzing-password-2"}};
        return *iron_codec::create(std::move(o));
    }();
    const auto input = fuzz::text(data, size);
    // First byte 'J': the rest is data for a round trip; otherwise the input is a seal.
    if (!input.empty() && input.front() == 'J') {
        boost::system::error_code ec;
        boost::json::value value = boost::json::parse(input.substr(1), ec);
        // null seals as "no data" by design; non-finite numbers become null, as in JSON.stringify.
        if (ec || value.is_null() || fuzz::has_non_finite(value)) return 0;
        const auto sealed = codec.seal(value);
        if (!sealed) return 0;
        const auto back = codec.unseal(*sealed);
        fuzz::require(back.has_value(), "a seal seal() made does not unseal");
        fuzz::require(boost::json::serialize(*back) == boost::json::serialize(value), "the round trip changed the data");
        return 0;
    }
    (void)codec.unseal(input);
    return 0;
}
