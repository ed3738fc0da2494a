// Passwords for accounts: which ones may be set (length, strength through zxcvbn), and hashing
// with argon2id through libsodium, with OWASP's parameters.
#pragma once

#include <cstddef>
#include <span>
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

/// The least strength a new password must have, in bits of zxcvbn's guess estimate: log2(10^8),
/// zxcvbn's score 3 ("safely unguessable: moderate protection from offline slow-hash
/// scenario"). 'correct horse battery staple' has ~70; 'password1234' ~3; 'aaaaaaaaaaaa' ~6.
inline constexpr double min_password_guess_bits = 26.6;

/// Why a new password is refused (none: it is not).
enum class password_problem {
    none,
    too_short,      ///< under min_password_length code points
    too_long,       ///< over max_password_length code points
    not_text,       ///< invalid UTF-8, or a NUL inside
    too_common,     ///< mostly a common password or word (zxcvbn's dictionaries)
    too_guessable,  ///< a repeat, sequence, keyboard pattern, date, or too short for its variety
    too_personal,   ///< mostly the user's own name or e-mail address
};

/// Checks a password someone wants to set (sign-up, password change, `sesh user`), ASVS 4.0.3
/// 2.1.1, 2.1.2, 2.1.4 (any printable character, spaces included) and 2.1.7 (no common or
/// guessable passwords: zxcvbn's estimate, whose built-in lists hold the common passwords).
/// `personal` holds words of the user (name, e-mail) that make a password guessable. Thread-safe;
/// takes up to a few milliseconds for a 128-character password.
[[nodiscard]] password_problem check_new_password(std::string_view password,
                                                  std::span<const std::string_view> personal = {});

/// True when check_new_password(password) finds no problem.
[[nodiscard]] bool is_acceptable_password(std::string_view password);

/// A sentence for people saying why a password is refused ("Password is too common: …"); empty
/// for none.
[[nodiscard]] std::string_view describe(password_problem p) noexcept;

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
