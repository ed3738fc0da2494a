// Password hashing for accounts: argon2id through libsodium, with OWASP's parameters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <sesh/result.hpp>

namespace sesh {

/// argon2id cost. Defaults are OWASP's Password Storage Cheat Sheet minimum (m = 19 MiB, t = 2,
/// p = 1; libsodium always uses one lane).
struct password_params {
    /// Iterations (argon2 t). Default 2.
    unsigned long long ops_limit = 2;
    /// Memory in bytes (argon2 m). Default 19 MiB.
    std::size_t mem_limit = 19 * 1024 * 1024;
};

/// Shortest and longest password accepted at sign-up and password change: ASVS 4.0.3 2.1.1
/// (at least 12 characters) and 2.1.2 (at least 64 allowed, at most 128).
inline constexpr std::size_t min_password_length = 12;
inline constexpr std::size_t max_password_length = 128;

/// True when `password` may be set: its length in UTF-8 code points is within the bounds above,
/// it is valid UTF-8 and holds no NUL. (ASVS 2.1.4: any printable character, spaces included.)
[[nodiscard]] bool is_acceptable_password(std::string_view password) noexcept;

/// The libsodium argon2id string (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`) of `password`, with a
/// fresh random salt. errc::invalid_argument for a password over max_password_length bytes * 4;
/// errc::crypto_failure when libsodium cannot allocate the memory. Thread-safe; takes ~tens of ms
/// by design, so servers call it off their I/O threads.
[[nodiscard]] result<std::string> hash_password(std::string_view password, const password_params& params = {});

/// True when `password` matches `hash` (a string from hash_password). False for a wrong password
/// and for a malformed or foreign hash. Constant-time in the password. Thread-safe.
[[nodiscard]] bool verify_password(std::string_view hash, std::string_view password);

/// True when `hash` was made with other parameters than `params` (or is not argon2id): the caller
/// should rehash the password it just verified and store the new hash.
[[nodiscard]] bool password_needs_rehash(std::string_view hash, const password_params& params = {});

/// Spends the same time verify_password would on a real hash made with `params`, and returns
/// false: call it when the account does not exist, so an unknown name and a wrong password take
/// about the same time (no user enumeration by timing). Thread-safe.
bool verify_dummy_password(std::string_view password, const password_params& params = {});

}  // namespace sesh
