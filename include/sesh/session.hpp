// A request's session: a JSON object of data plus the metadata the session_manager keeps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <sesh/clock.hpp>
#include <sesh/result.hpp>

namespace sesh {

class session_manager;
namespace detail {
struct session_ops;
}

/// One request's session, handed out by session_manager::load and given back to save/destroy.
/// A session that was never saved is anonymous and empty; it is stored only when something is
/// saved in it (lazy creation). Not thread-safe: a session belongs to the request handling it.
class session {
public:
    /// The data, read-only. For jwt and iron, the members sesh keeps for itself (the JWT's
    /// `sub`, `iat`, `exp`, `jti`, `sesh_sid`, `sesh_iat_ms`, `sesh_created_ms`; iron's `_sesh`)
    /// are not in it.
    [[nodiscard]] const boost::json::object& data() const noexcept { return data_; }
    /// The data, for changing; marks the session modified so the next save writes it.
    [[nodiscard]] boost::json::object& mutable_data() noexcept {
        modified_ = true;
        return data_;
    }

    /// The string under `key`: errc::not_found when absent, errc::wrong_type when not a string.
    /// The view lives as long as the entry.
    [[nodiscard]] result<std::string_view> get_string(std::string_view key) const;
    /// The integer under `key`: a JSON number without fraction that fits int64 (`3`, `3.0`,
    /// `1e3`); not_found when absent, wrong_type for anything else (`3.5`, `"3"`, 2^63).
    [[nodiscard]] result<std::int64_t> get_int(std::string_view key) const;
    /// The boolean under `key`: not_found / wrong_type.
    [[nodiscard]] result<bool> get_bool(std::string_view key) const;
    /// The object under `key`: not_found / wrong_type. The pointer lives as long as the entry.
    [[nodiscard]] result<const boost::json::object*> get_object(std::string_view key) const;
    /// The array under `key`: not_found / wrong_type. The pointer lives as long as the entry.
    [[nodiscard]] result<const boost::json::array*> get_array(std::string_view key) const;

    /// Sets `key` to `value`; marks the session modified.
    void set(std::string_view key, boost::json::value value);
    /// Removes `key`; returns whether it was there. Marks the session modified if it was.
    bool erase(std::string_view key);
    /// Empties the data; marks the session modified.
    void clear();

    /// The signed-in user, empty for an anonymous session.
    [[nodiscard]] const std::string& user_id() const noexcept { return user_id_; }
    /// Sets the signed-in user (call session_manager::regenerate at login too).
    void set_user_id(std::string id) {
        user_id_ = std::move(id);
        modified_ = true;
    }

    /// True until the session has been stored (or a valid cookie loaded it).
    [[nodiscard]] bool is_new() const noexcept { return is_new_; }
    /// True when the data or user changed since load or the last save.
    [[nodiscard]] bool modified() const noexcept { return modified_; }
    /// True once session_manager::destroy ended it: a later save writes nothing.
    [[nodiscard]] bool destroyed() const noexcept { return destroyed_; }
    /// An identifier safe to log and show, the same for every token the session is given (at
    /// login, after each write, at each renewal), so that session_manager::revoke(id) and destroy
    /// end them all: the store key (SHA-256 of the token, server strategy); the session id (jwt;
    /// iron with a store), drawn when the session is created or regenerated and copied into each
    /// re-issued token (a token next-auth made has none: its `jti`, kept as the id from then on);
    /// or empty (iron without a store, a seal iron-session made, or a session not saved yet).
    /// Never the token itself.
    [[nodiscard]] const std::string& id() const noexcept { return id_; }
    /// When the session was created (first saved); the epoch for a new session.
    [[nodiscard]] clock::time_point created() const noexcept { return created_; }
    /// Server: the last renewal. jwt/iron: when the current token was issued (the epoch when an
    /// iron seal carries no sesh metadata).
    [[nodiscard]] clock::time_point last_seen() const noexcept { return last_seen_; }
    /// When the session ends if nothing renews it (the earliest of idle expiry, absolute expiry
    /// and the token's own expiry); the epoch for a new session.
    [[nodiscard]] clock::time_point expires() const noexcept { return expires_; }

private:
    friend class session_manager;
    friend struct detail::session_ops;

    boost::json::object data_;
    std::string user_id_;
    std::string id_;
    std::string token_;                 ///< the cookie value (server: opaque token); never logged
    std::string previous_id_;           ///< set by regenerate: the store key / session id the next save retires
    clock::time_point previous_expires_{};  ///< jwt/iron: how long previous_id_ must stay denied
    clock::time_point created_{};
    clock::time_point last_seen_{};     ///< server: last renewal; jwt/iron: token issue time
    clock::time_point idle_expires_{};  ///< server: the record's idle expiry
    clock::time_point absolute_expires_{};
    clock::time_point token_expires_{}; ///< jwt/iron: the token's own expiry
    clock::time_point expires_{};
    std::string address_;
    std::string user_agent_;
    std::vector<std::string> seen_chunks_;  ///< `name.N` cookies of this strategy the request carried
    bool saw_base_cookie_ = false;      ///< the request carried the cookie under its plain name
    bool is_new_ = true;
    bool modified_ = false;
    bool stale_cookie_ = false;         ///< the request carried an expired, tampered or unknown cookie
    bool destroyed_ = false;
    bool reissue_ = false;              ///< jwt/iron: the next save writes a new token even if unchanged
    bool has_metadata_ = true;          ///< iron: the seal carried sesh's `_sesh` member
    bool stored_anonymous_ = false;     ///< server: the stored record has no user id (its idle expiry is the short one)
};

}  // namespace sesh
