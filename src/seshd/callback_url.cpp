// Callback URL checks shared by /api/auth, the login page and forward auth.
#include "seshd/callback_url.hpp"

#include <cctype>

#include <boost/url/parse.hpp>

namespace sesh::seshd {
namespace {

// A path that browsers resolve on this origin: one leading '/', then no '/' or '\' (which would
// make it protocol-relative), and no control characters or spaces.
bool is_local_path(std::string_view p) {
    if (p.empty() || p[0] != '/') return false;
    if (p.size() > 1 && (p[1] == '/' || p[1] == '\\')) return false;
    for (char c : p)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '\\') return false;
    return true;
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Browsers and URL parsers disagree about these (WHATWG turns '\' into '/', drops tabs and
// newlines), so a URL holding one is never sent anywhere but seshd's own pages.
bool has_ambiguous_characters(std::string_view url) {
    for (char c : url)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '\\') return true;
    return false;
}

}  // namespace

std::optional<std::string> origin_of(std::string_view url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u || !u->has_authority() || u->encoded_host().empty()) return std::nullopt;
    const auto scheme = u->scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return std::nullopt;
    std::string out = std::string(u->scheme()) + "://" + std::string(u->encoded_host());
    const bool default_port = (scheme == boost::urls::scheme::http && u->port_number() == 80) ||
                              (scheme == boost::urls::scheme::https && u->port_number() == 443);
    if (u->has_port() && !u->port().empty() && !default_port) out += ":" + std::string(u->port());
    return lower_ascii(out);
}

std::string safe_local_path(std::string_view wanted, std::string_view origin, std::string_view fallback) {
    if (is_local_path(wanted)) return std::string(wanted);
    if (wanted.size() > origin.size() && wanted.starts_with(origin) && is_local_path(wanted.substr(origin.size())))
        return std::string(wanted.substr(origin.size()));
    if (wanted == origin) return "/";
    return std::string(fallback);
}

std::string safe_callback_url(std::string_view wanted, std::string_view origin, std::string_view fallback) {
    const std::string marker = "\x01";
    const std::string path = safe_local_path(wanted, origin, marker);
    if (path == marker) return std::string(fallback);
    return std::string(origin) + path;
}

tl::expected<redirect_policy, std::string> redirect_policy::make(std::string_view own_origin, std::string_view cookie_domain,
                                                                 std::string_view allowed_origins) {
    redirect_policy p;
    p.own_origin_ = std::string(own_origin);
    p.own_scheme_ = own_origin.starts_with("https://") ? "https" : "http";
    cookie_domain = trim_spaces(cookie_domain);
    if (cookie_domain.starts_with('.')) cookie_domain.remove_prefix(1);
    p.cookie_domain_ = lower_ascii(cookie_domain);
    while (!allowed_origins.empty()) {
        const auto comma = allowed_origins.find(',');
        const std::string_view entry = trim_spaces(allowed_origins.substr(0, comma));
        allowed_origins = comma == std::string_view::npos ? std::string_view() : allowed_origins.substr(comma + 1);
        if (entry.empty()) continue;
        auto origin = origin_of(entry);
        // Only a bare origin: a path would suggest a narrower permission than the one granted.
        auto u = boost::urls::parse_absolute_uri(entry);
        if (!origin || has_ambiguous_characters(entry) || u->has_userinfo() || !(u->path().empty() || u->path() == "/") ||
            u->has_query() || u->has_fragment())
            return tl::unexpected("not an origin (scheme://host[:port]): " + std::string(entry));
        p.allowed_.push_back(std::move(*origin));
    }
    return p;
}

bool redirect_policy::allows_other_origin(std::string_view url) const {
    if (cookie_domain_.empty() && allowed_.empty()) return false;
    if (has_ambiguous_characters(url)) return false;
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u || u->has_userinfo()) return false;
    const std::string_view host = u->encoded_host();
    if (host.find('%') != std::string_view::npos) return false;
    auto origin = origin_of(url);
    if (!origin) return false;
    for (const auto& a : allowed_)
        if (*origin == a) return true;
    if (cookie_domain_.empty() || u->scheme() != own_scheme_ ||
        u->host_type() != boost::urls::host_type::name)
        return false;
    const std::string h = lower_ascii(host);
    return h == cookie_domain_ || (h.size() > cookie_domain_.size() + 1 && h.ends_with(cookie_domain_) &&
                                   h[h.size() - cookie_domain_.size() - 1] == '.');
}

std::string redirect_policy::form_action_sources() const {
    std::string out = "'self'";
    for (const auto& a : allowed_) out += " " + a;
    if (!cookie_domain_.empty())
        out += " " + own_scheme_ + "://" + cookie_domain_ + ":* " + own_scheme_ + "://*." + cookie_domain_ + ":*";
    return out;
}

std::string redirect_policy::callback_url(std::string_view wanted, std::string_view fallback) const {
    const std::string marker = "\x01";
    std::string own = safe_callback_url(wanted, own_origin_, marker);
    if (own != marker) return own;
    if (allows_other_origin(wanted)) return std::string(wanted);
    return std::string(fallback);
}

std::string redirect_policy::page_target(std::string_view wanted, std::string_view fallback) const {
    const std::string marker = "\x01";
    std::string local = safe_local_path(wanted, own_origin_, marker);
    if (local != marker) return local;
    if (allows_other_origin(wanted)) return std::string(wanted);
    return std::string(fallback);
}

}  // namespace sesh::seshd
