// Auth.js v5 session tokens (A256CBC-HS512 or A256GCM, kid thumbprints): decoder and round trip.
#include <sesh/authjs_jwt.hpp>

#include "jwt_codecs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto codec = [] {
        sesh::authjs_jwt_options o;
        o.secrets = {"fuzzing-secret-fuzzing-secret-fuzzing-secret", "second-secret-for-rotation-00000000"};
        return *sesh::authjs_jwt_codec::create(std::move(o));
    }();
    return sesh::fuzz::fuzz_jwt(codec, sesh::fuzz::text(data, size));
}
