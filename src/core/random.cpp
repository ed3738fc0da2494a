// System randomness through OpenSSL's DRBG: per-thread, fork-safe, seeded from getrandom(2).
#include <sesh/random.hpp>

#include <cstdio>
#include <cstdlib>

#include <openssl/rand.h>

namespace sesh {
namespace {

class system_random_impl final : public random_source {
public:
    void fill(std::span<std::uint8_t> out) noexcept override {
        if (out.empty()) return;
        if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
            std::fputs("sesh: the system random generator failed; stopping\n", stderr);
            std::abort();
        }
    }
};

}  // namespace

random_source& system_random() noexcept {
    static system_random_impl instance;
    return instance;
}

}  // namespace sesh
