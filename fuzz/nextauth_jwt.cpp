// next-auth v4 session tokens (JWE dir + A256GCM): the decoder and the encode/decode round trip.
#include <sesh/nextauth_jwt.hpp>

#include "jwt_codecs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto codec = [] {
        sesh::nextauth_jwt_options o;
        o.secrets = {"fuzzing-secret-fuzzing-secret-fuzzing-secret", "second-secret-for-rotation-00000000"};
        return *sesh::nextauth_jwt_codec::create(std::move(o));
    }();
    return sesh::fuzz::fuzz_jwt(codec, sesh::fuzz::text(data, size));
}
