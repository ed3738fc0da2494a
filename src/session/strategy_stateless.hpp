// What the jwt and iron strategies share: the session travels in the token, which is re-issued
// when the session changes or is due for renewal, and an optional store revokes it (a deny-list
// of session ids, a per-user not-before time). Each format fills in the four hooks. Internal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "session/strategy.hpp"

namespace sesh::detail {

/// What a token says about itself, besides the session data.
struct token_facts {
    std::string jti;
    std::string sid;  ///< the session id every token of the session shares; empty in a peer's token
    std::string user_id;
    std::int64_t issued_ms = -1;  ///< -1: unknown (an iron seal without sesh metadata)
    std::int64_t created_ms = -1;
    std::int64_t expires_ms = max_unix_ms;
    bool has_metadata = true;
};

/// A fresh token and what it says about itself.
struct issued_token {
    std::string token;
    clock::time_point expires;
    bool has_metadata = true;
};

/// Reads and removes the string `key` from `o`: absent → true with `out` untouched; present but
/// not a string → false.
[[nodiscard]] bool take_string(boost::json::object& o, std::string_view key, std::string& out);
/// Reads and removes the number `key` from `o`, a whole count in [0, limit] (a double floored,
/// as JavaScript peers may write one): absent → true with `out` untouched; unusable → false.
[[nodiscard]] bool take_number(boost::json::object& o, std::string_view key, std::int64_t limit, std::int64_t& out);

/// The steps of both stateless strategies; the token format is the subclass's.
class session_ops::stateless_strategy : public strategy_faces<stateless_strategy> {
public:
    bool lists_sessions() const noexcept final { return false; }
    void regenerate(const impl& m, session& s) const final;

    template <class Io>
    task<Io, result<void>> load_with(const impl& m, session& s, const std::vector<cookie>& cookies,
                                     std::optional<std::string_view> plain) const;
    template <class Io>
    task<Io, result<std::vector<std::string>>> save_with(const impl& m, session& s) const;
    template <class Io>
    task<Io, result<void>> end_with(const impl& m, session& s) const;
    template <class Io>
    task<Io, result<void>> revoke_with(const impl& m, std::string session_id) const;
    template <class Io>
    task<Io, result<std::size_t>> revoke_user_with(const impl& m, std::string user_id) const;
    template <class Io>
    task<Io, result<std::size_t>> revoke_others_with(const impl& m, session& s) const;

private:
    /// The data of an authentic, unexpired `token` with sesh's own claims taken out into `f`.
    /// Errors: the codec's (errc::expired is the one not logged), or errc::malformed when sesh's
    /// claims are unusable.
    [[nodiscard]] virtual result<boost::json::object> open(std::string_view token, token_facts& f) const = 0;
    /// A token of `data` for `user_id` (empty: anonymous) with the session id `sid` (empty: none),
    /// issued at `now`, for a session created at `created`. The codec's errors.
    [[nodiscard]] virtual result<issued_token> issue(const impl& m, const boost::json::object& data,
                                                     const std::string& user_id, const std::string& sid,
                                                     clock::time_point now, clock::time_point created) const = 0;
    /// True when `data` holds a name sesh writes into the token itself (errc::invalid_argument at save).
    [[nodiscard]] virtual bool holds_reserved(const boost::json::object& data) const noexcept = 0;
    /// True when every token carries a session id; false when only a store makes one useful.
    [[nodiscard]] virtual bool ids_without_store() const noexcept = 0;

    /// How long `s`'s session id must stay denied so that no token of it loads again.
    [[nodiscard]] static clock::time_point deny_until(const session& s) noexcept;
};

}  // namespace sesh::detail
