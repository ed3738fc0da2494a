// Parsing and matching SESH_GATEWAY_RULES (grammar in gateway_rules.hpp).
#include "seshd/gateway_rules.hpp"

#include <cctype>

namespace sesh::seshd {
namespace {

std::string_view rules_trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string rules_lower(std::string_view s) {
    std::string out(s);
    for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// `host:port` → host; `[v6]:port` → [v6]; a bare host as is.
std::string_view host_without_port(std::string_view host) {
    const auto bracket = host.rfind(']');
    const auto colon = host.rfind(':');
    if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) return host;
    if (bracket == std::string_view::npos && host.find(':') != colon) return host;  // a bare IPv6 address
    return host.substr(0, colon);
}

// True when normalized `path` lies under `prefix` at a segment boundary.
bool under_prefix(std::string_view path, std::string_view prefix) {
    if (prefix == "/") return true;
    return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace

std::optional<std::string> normalized_request_path(std::string_view path) {
    if (path.empty() || path.front() != '/') return std::nullopt;
    std::string decoded;
    decoded.reserve(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
        char c = path[i];
        if (c == '%') {
            if (i + 2 >= path.size()) return std::nullopt;
            const int hi = hex_digit(path[i + 1]);
            const int lo = hex_digit(path[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') return std::nullopt;
        decoded += c;
    }
    // Segments, with "." dropped, ".." popping one, and empty ones (from "//") dropped.
    std::vector<std::string_view> segments;
    std::string_view rest(decoded);
    const bool trailing_slash = decoded.size() > 1 && decoded.back() == '/';
    while (!rest.empty()) {
        rest.remove_prefix(1);  // the '/'
        const auto slash = rest.find('/');
        const std::string_view seg = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
        if (seg.empty() || seg == ".") continue;
        if (seg == "..") {
            if (!segments.empty()) segments.pop_back();
            continue;
        }
        segments.push_back(seg);
    }
    std::string out;
    for (auto seg : segments) {
        out += '/';
        out += seg;
    }
    if (out.empty() || trailing_slash) out += '/';
    return out;
}

tl::expected<gateway_rules, std::string> gateway_rules::parse(std::string_view text) {
    gateway_rules out;
    while (!text.empty()) {
        const auto semi = text.find(';');
        const std::string_view entry = rules_trim(text.substr(0, semi));
        text = semi == std::string_view::npos ? std::string_view() : text.substr(semi + 1);
        if (entry.empty()) continue;
        const auto bad = [&](std::string_view why) {
            return tl::unexpected("SESH_GATEWAY_RULES: " + std::string(why) + ": " + std::string(entry));
        };
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos) return bad("a rule is TARGET=WHO[,WHO…]");
        const std::string_view target = rules_trim(entry.substr(0, eq));
        const auto slash = target.find('/');
        if (slash == std::string_view::npos) return bad("the target needs a path prefix starting with '/'");
        rule r;
        const std::string_view host = target.substr(0, slash);
        if (host != "*") r.host = rules_lower(host);
        r.host_has_port = host_without_port(r.host) != r.host;
        for (char c : target)
            if (std::isspace(static_cast<unsigned char>(c))) return bad("a space in the target");
        auto prefix = normalized_request_path(target.substr(slash));
        if (!prefix) return bad("the path prefix cannot be decoded");
        r.prefix = std::move(*prefix);
        if (r.prefix.size() > 1 && r.prefix.back() == '/') r.prefix.pop_back();
        std::string_view who = entry.substr(eq + 1);
        while (!who.empty()) {
            const auto comma = who.find(',');
            const std::string_view w = rules_trim(who.substr(0, comma));
            who = comma == std::string_view::npos ? std::string_view() : who.substr(comma + 1);
            if (w.empty()) continue;
            condition c;
            if (w == "*") {
                c.what = condition::kind::anyone;
            } else if (w.starts_with("user:") && w.size() > 5) {
                c.what = condition::kind::user;
                c.value = std::string(w.substr(5));
            } else if (w.starts_with("email:") && w.size() > 6) {
                c.what = condition::kind::email;
                c.value = rules_lower(w.substr(6));
            } else if (w.starts_with("domain:") && w.size() > 7) {
                c.what = condition::kind::domain;
                c.value = rules_lower(w.substr(7));
                if (c.value.starts_with('@')) c.value.erase(0, 1);
            } else {
                return bad("WHO is user:NAME, email:ADDRESS, domain:DOMAIN or *");
            }
            r.who.push_back(std::move(c));
        }
        if (r.who.empty()) return bad("a rule names who may pass");
        out.rules_.push_back(std::move(r));
    }
    return out;
}

bool gateway_rules::allows(std::string_view host, std::string_view uri, const gateway_identity& who) const {
    if (rules_.empty()) return true;
    const auto end = uri.find_first_of("?#");
    auto path = normalized_request_path(uri.substr(0, end));
    if (!path) return false;
    const std::string full_host = rules_lower(host);
    const std::string bare_host(host_without_port(full_host));
    const rule* best = nullptr;
    for (const auto& r : rules_) {
        if (!r.host.empty() && r.host != (r.host_has_port ? full_host : bare_host)) continue;
        if (!under_prefix(*path, r.prefix)) continue;
        if (best == nullptr || r.prefix.size() > best->prefix.size() ||
            (r.prefix.size() == best->prefix.size() && best->host.empty() && !r.host.empty()))
            best = &r;
    }
    if (best == nullptr) return true;
    const std::string email = rules_lower(who.email);
    const auto at = email.rfind('@');
    const std::string_view email_domain = at == std::string::npos ? std::string_view() : std::string_view(email).substr(at + 1);
    for (const auto& c : best->who) {
        switch (c.what) {
            case condition::kind::anyone: return true;
            case condition::kind::user:
                if (!who.username.empty() && who.username == c.value) return true;
                break;
            case condition::kind::email:
                if (!email.empty() && email == c.value) return true;
                break;
            case condition::kind::domain:
                if (!email_domain.empty() && email_domain == c.value) return true;
                break;
        }
    }
    return false;
}

}  // namespace sesh::seshd
