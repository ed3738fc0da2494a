// Who may pass the gateway to which host and path (SESH_GATEWAY_RULES): forward auth's access rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace sesh::seshd {

/// The signed-in user a rule is checked against.
struct gateway_identity {
    std::string_view username;  ///< the account name (signed_in_username)
    std::string_view email;     ///< empty when the account has none
};

/// Access rules for protected hosts and path prefixes. Immutable once parsed; thread-safe to read.
///
/// Grammar (SESH_GATEWAY_RULES): rules separated by ';', each `TARGET=WHO[,WHO…]`.
/// TARGET is `[HOST]/PREFIX`: HOST a host name (`app.example.com`, any port) or `host:port`
/// (that port only), empty or `*` for every host; PREFIX a path prefix matched at segment
/// boundaries (`/admin` covers `/admin` and `/admin/x`, not `/administrator`). WHO is `user:NAME`
/// (the account name), `email:ADDRESS` (case-insensitive), `domain:DOMAIN` (an e-mail address
/// at that domain, case-insensitive) or `*` (anyone signed in).
/// For a request the most specific rule decides: the longest prefix among the rules whose host
/// matches, a named host before `*` at equal length. A request no rule covers is allowed for
/// anyone signed in.
class gateway_rules {
public:
    /// Parses the grammar above; an empty text is no rules. Returns a message naming the rule
    /// that does not parse.
    [[nodiscard]] static tl::expected<gateway_rules, std::string> parse(std::string_view text);

    [[nodiscard]] bool empty() const noexcept { return rules_.empty(); }

    /// True when `who` may reach `uri` (the original request target, `/path?query`, as sent) on
    /// `host` (the original Host, with its port if any). The path is percent-decoded and its
    /// dot segments and repeated slashes resolved first, so `/public/../admin` and `/%61dmin` meet
    /// the rule for `/admin`; a target that cannot be decoded is refused when any rule exists.
    [[nodiscard]] bool allows(std::string_view host, std::string_view uri, const gateway_identity& who) const;

private:
    struct condition {
        enum class kind { user, email, domain, anyone } what = kind::anyone;
        std::string value;  ///< user: as given; email, domain: lower case
    };
    struct rule {
        std::string host;    ///< lower case; empty for every host
        bool host_has_port = false;
        std::string prefix;  ///< normalized, no trailing '/' except the root "/"
        std::vector<condition> who;
    };
    std::vector<rule> rules_;
};

/// `path` percent-decoded, with repeated slashes collapsed and `.`/`..` segments resolved (RFC
/// 3986 §5.2.4); nothing when it holds a bad escape or a NUL byte, or does not start with '/'.
[[nodiscard]] std::optional<std::string> normalized_request_path(std::string_view path);

}  // namespace sesh::seshd
