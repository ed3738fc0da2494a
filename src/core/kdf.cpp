// HKDF-SHA256 (RFC 5869) and PBKDF2 (RFC 8018) over sesh's precomputed HMAC.
#include "core/crypto.hpp"

#include <algorithm>
#include <cstring>

namespace sesh::detail {

result<bytes> hkdf_sha256(byte_view ikm, byte_view salt, byte_view info, std::size_t length) {
    constexpr std::size_t hash_len = 32;
    if (length > 255 * hash_len) return fail(errc::invalid_argument);
    // Extract. An empty salt is HashLen zeros; HMAC pads short keys with zeros, so both agree.
    sha256_digest prk;
    hmac(hash_alg::sha256, salt).compute(ikm, prk.data());
    // Expand.
    const hmac prf(hash_alg::sha256, prk);
    bytes okm(length);
    sha256_digest t{};
    std::size_t t_len = 0;
    for (std::size_t done = 0, i = 1; done < length; ++i) {
        auto s = prf.begin();
        s.update({t.data(), t_len});
        s.update(info);
        const std::uint8_t counter = static_cast<std::uint8_t>(i);
        s.update({&counter, 1});
        s.finish(t.data());
        t_len = hash_len;
        const std::size_t n = std::min(hash_len, length - done);
        std::memcpy(okm.data() + done, t.data(), n);
        done += n;
    }
    return okm;
}

void pbkdf2(const hmac& prf, byte_view salt, std::uint32_t iterations, std::span<std::uint8_t> out) noexcept {
    const std::size_t h = prf.size();
    std::array<std::uint8_t, 64> u{}, t{};
    for (std::uint32_t block = 1, done = 0; done < out.size(); ++block) {
        const std::uint8_t be[4] = {static_cast<std::uint8_t>(block >> 24), static_cast<std::uint8_t>(block >> 16),
                                    static_cast<std::uint8_t>(block >> 8), static_cast<std::uint8_t>(block)};
        auto s = prf.begin();
        s.update(salt);
        s.update({be, 4});
        s.finish(u.data());
        t = u;
        for (std::uint32_t i = 1; i < iterations; ++i) {
            prf.compute({u.data(), h}, u.data());
            for (std::size_t j = 0; j < h; ++j) t[j] ^= u[j];
        }
        const std::size_t n = std::min<std::size_t>(h, out.size() - done);
        std::memcpy(out.data() + done, t.data(), n);
        done += static_cast<std::uint32_t>(n);
    }
}

}  // namespace sesh::detail
