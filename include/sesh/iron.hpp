// iron-session 8 seals: `Fe26.2*…~2`, AES-256-CBC + HMAC-SHA256 under PBKDF2 keys from a password.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include <sesh/clock.hpp>
#include <sesh/random.hpp>
#include <sesh/result.hpp>

namespace sesh {

/// Password id → password. Ids are what a seal names; iron-session seals with the highest
/// numeric id.
using password_map = std::map<std::string, std::string>;

/// Reads iron-session's `password` option from text: a JSON object {"1":"…","2":"…"} is a map,
/// anything else is one password with id "1" (iron-session's normalizePasswordsMap).
/// errc::malformed for a JSON object with a non-string value. Validation of ids and lengths is
/// left to iron_codec::create.
[[nodiscard]] result<password_map> parse_password_map(std::string_view text);

/// Options for iron_codec.
struct iron_options {
    /// Required, non-empty. Each id is one or more letters, digits or '_' (iron's /^\w+$/); each
    /// password is valid UTF-8 of at least 32 characters, counted as JavaScript counts them
    /// (UTF-16 code units), so sesh and iron-session accept exactly the same passwords.
    password_map passwords;
    /// Seal lifetime, 0 to 10^12 s. Default 14 days, as iron-session; zero means a seal that
    /// never expires (its expiry field is empty).
    std::chrono::seconds ttl = std::chrono::hours(24 * 14);
    /// Tolerance on the expiry check, 0 to 10^12 s. Default 60 s, as iron.
    std::chrono::seconds clock_skew{60};
    /// Seals longer than this are refused before any work (errc::too_large), and seal() refuses
    /// to make one. Default 64 KiB; must be 1 to 2^30.
    std::size_t max_seal_bytes = 64 * 1024;
    /// Time source; null means sesh::system_clock(). Must outlive the codec.
    const sesh::clock* clock = nullptr;
    /// Randomness for salts and IVs; null means sesh::system_random(). Must outlive the codec.
    random_source* random = nullptr;
};

/// Seals and unseals iron-session 8 cookies. Immutable once created; copies share keys;
/// thread-safe.
class iron_codec {
public:
    /// Precomputes each password's PBKDF2 state. errc::invalid_argument for an empty map, a
    /// short or non-UTF-8 password, a bad id, or an option out of range.
    [[nodiscard]] static result<iron_codec> create(iron_options options);

    /// `Fe26.2*<id>*<salt>*<iv>*<cipher>*<exp>*<salt>*<mac>~2` of the JSON of `data`, sealed
    /// with the password of the highest numeric id (the greatest id if none is numeric). As
    /// JSON.stringify, non-finite numbers are written as null. Errors: too_large (the seal would
    /// exceed max_seal_bytes), invalid_argument (the clock reads before 1970, so the expiry would
    /// be negative, which iron cannot read), crypto_failure.
    [[nodiscard]] result<std::string> seal(const boost::json::value& data) const;

    /// What iron-session's unsealData returns for `sealed`, or why there is nothing.
    ///
    /// Errors, checked in this order: too_large; malformed (a marker other than a final `~2`,
    /// part count, prefix, expiry field, salts that are not lower-case hex, IV or MAC shape);
    /// unknown_key_id (no password under the seal's id; an empty id means "default", as iron);
    /// bad_mac; expired (exp <= now - skew; reported only for authentic seals, where iron checks
    /// expiry before the MAC: both refuse the seal); malformed (cipher, padding or JSON of an
    /// authentic seal).
    ///
    /// Result, as unsealData: with the `~2` marker, the sealed JSON value, with null (or empty
    /// plaintext) read as {}. Without a marker, iron-session takes the seal for a v1 seal and
    /// returns `{...data.persistent}`, so this returns the `persistent` member as an object (an
    /// array or string spread into index keys, anything else {}). The marker is outside the MAC,
    /// so it is never trusted: it only selects between these two readings of the same data.
    /// iron-session also reads `~2x`, `~02` or `~3`; sesh calls them malformed.
    [[nodiscard]] result<boost::json::value> unseal(std::string_view sealed) const;

    /// The cookie Max-Age iron-session pairs with this ttl: ttl - 60 s, or 2147483647 for ttl 0.
    /// Never negative: for ttl < 60 s iron-session writes a negative Max-Age, which browsers
    /// treat as 0, and this returns 0.
    [[nodiscard]] std::chrono::seconds cookie_max_age() const noexcept;

    struct impl;

private:
    explicit iron_codec(std::shared_ptr<const impl> p) noexcept : impl_(std::move(p)) {}
    std::shared_ptr<const impl> impl_;
};

}  // namespace sesh
