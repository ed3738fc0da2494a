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
/// errc::malformed for a JSON object with a non-string value.
[[nodiscard]] result<password_map> parse_password_map(std::string_view text);

/// Options for iron_codec.
struct iron_options {
    /// Required, non-empty; each password at least 32 characters, each id letters, digits or '_'.
    password_map passwords;
    /// Seal lifetime. Default 14 days, as iron-session; zero means a seal that never expires.
    std::chrono::seconds ttl = std::chrono::hours(24 * 14);
    /// Tolerance on the expiry check. Default 60 s, as iron.
    std::chrono::seconds clock_skew{60};
    /// Seals longer than this are refused before any work (errc::too_large). Default 64 KiB.
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
    /// errc::invalid_argument for an empty map, a short password or a bad id.
    [[nodiscard]] static result<iron_codec> create(iron_options options);

    /// `Fe26.2*<id>*<salt>*<iv>*<cipher>*<exp>*<salt>*<mac>~2` of the JSON of `data`, sealed
    /// with the password of the highest numeric id (the greatest id if none is numeric).
    [[nodiscard]] result<std::string> seal(const boost::json::value& data) const;

    /// The data of a seal. Errors: too_large; malformed (part count, prefix, base64url, expiry
    /// field, JSON); unknown_key_id (no password under the seal's id; an empty id means
    /// "default"); expired (exp <= now - skew); bad_mac. The `~N` suffix is outside the MAC, so
    /// it is never trusted: a seal with or without it opens the same way.
    [[nodiscard]] result<boost::json::value> unseal(std::string_view sealed) const;

    /// The cookie Max-Age iron-session pairs with this ttl: ttl - 60 s, or 2147483647 for ttl 0.
    [[nodiscard]] std::chrono::seconds cookie_max_age() const noexcept;

    struct impl;

private:
    explicit iron_codec(std::shared_ptr<const impl> p) noexcept : impl_(std::move(p)) {}
    std::shared_ptr<const impl> impl_;
};

}  // namespace sesh
