// The injectable source of random bytes behind every key, salt, IV and token sesh makes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sesh {

/// Fills buffers with random bytes. Implementations must be thread-safe.
class random_source {
public:
    virtual ~random_source() = default;
    /// Fills `out` completely. The system source aborts the process if the OS cannot supply
    /// randomness: continuing with predictable tokens would be worse than stopping.
    virtual void fill(std::span<std::uint8_t> out) noexcept = 0;
};

/// Cryptographically secure randomness: OpenSSL's DRBG, seeded and reseeded from the OS
/// (getrandom). Valid for the whole program; thread-safe.
[[nodiscard]] random_source& system_random() noexcept;

}  // namespace sesh
