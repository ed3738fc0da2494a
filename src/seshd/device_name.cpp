// device_name and time_ago: see device_name.hpp. User agents are matched by the tokens browsers
// are known to send, most specific first (Edge and Opera also send "Chrome/", Chrome also sends
// "Safari/", every browser on iOS says "Version/" or "CriOS/" or "FxiOS/").
#include "seshd/device_name.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace sesh::seshd {
namespace {

// The major version after `token` ("Chrome/" in "Chrome/156.0.1") or nothing.
std::string major_after(std::string_view ua, std::string_view token) {
    const auto at = ua.find(token);
    if (at == std::string_view::npos) return {};
    std::string out;
    for (std::size_t i = at + token.size(); i < ua.size() && std::isdigit(static_cast<unsigned char>(ua[i])); ++i) out += ua[i];
    return out;
}

struct browser_token {
    std::string_view token;
    std::string_view name;
};

// Order matters: the first token found names the browser.
constexpr std::array browsers{
    browser_token{"EdgA/", "Edge"},          browser_token{"EdgiOS/", "Edge"},    browser_token{"Edg/", "Edge"},
    browser_token{"OPR/", "Opera"},          browser_token{"SamsungBrowser/", "Samsung Internet"},
    browser_token{"FxiOS/", "Firefox"},      browser_token{"Firefox/", "Firefox"},
    browser_token{"CriOS/", "Chrome"},       browser_token{"HeadlessChrome/", "Headless Chrome"},
    browser_token{"Chrome/", "Chrome"},      browser_token{"Version/", "Safari"}, browser_token{"curl/", "curl"},
};

std::string browser_of(std::string_view ua) {
    for (const auto& b : browsers) {
        if (ua.find(b.token) == std::string_view::npos) continue;
        // "Version/" names Safari only when Safari is there too.
        if (b.name == "Safari" && ua.find("Safari/") == std::string_view::npos) continue;
        const auto v = major_after(ua, b.token);
        return v.empty() ? std::string(b.name) : std::string(b.name) + " " + v;
    }
    // Unknown: the first product token, "Name/1.2" as "Name 1" (no comments, no raw header).
    const std::string_view product = ua.substr(0, ua.find_first_of(" (;"));
    const std::string_view name = product.substr(0, std::min<std::size_t>(product.find('/'), 40));
    const auto v = major_after(product, std::string(name) + "/");
    return v.empty() ? std::string(name) : std::string(name) + " " + v;
}

std::string_view system_of(std::string_view ua) {
    struct system_token {
        std::string_view token;
        std::string_view name;
    };
    // iPhone and iPad before "Mac OS X" (they say "like Mac OS X"), Android before Linux.
    static constexpr std::array systems{
        system_token{"iPhone", "iOS"},       system_token{"iPad", "iPadOS"},    system_token{"Android", "Android"},
        system_token{"CrOS", "ChromeOS"},    system_token{"Windows", "Windows"}, system_token{"Mac OS X", "macOS"},
        system_token{"Macintosh", "macOS"},  system_token{"Linux", "Linux"},     system_token{"FreeBSD", "FreeBSD"},
    };
    for (const auto& s : systems)
        if (ua.find(s.token) != std::string_view::npos) return s.name;
    return {};
}

std::string plural(long long n, std::string_view unit) {
    return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s") + " ago";
}

}  // namespace

std::string device_name(std::string_view user_agent) {
    if (user_agent.empty()) return "Unknown device";
    const auto system = system_of(user_agent);
    std::string browser = browser_of(user_agent);
    if (browser.empty()) browser = "Unknown browser";
    return system.empty() ? browser : browser + " on " + std::string(system);
}

std::string time_ago(clock::time_point then, clock::time_point now) {
    using namespace std::chrono;
    const auto s = duration_cast<seconds>(now - then).count();
    if (s < 60) return "just now";
    if (s < 3600) return plural(s / 60, "minute");
    if (s < 86400) return plural(s / 3600, "hour");
    return plural(s / 86400, "day");
}

}  // namespace sesh::seshd
