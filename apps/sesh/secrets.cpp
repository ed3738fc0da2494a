// Reads the CLI's secrets from a file or the environment, so they never show in `ps` or history.
#include "secrets.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/json/parse.hpp>

namespace sesh::cli {

std::string read_secret_text(const std::optional<std::string>& file, const char* env) {
    std::string text;
    if (file) {
        std::ifstream in(*file, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read secret file " + *file);
        std::ostringstream s;
        s << in.rdbuf();
        text = s.str();
        if (!text.empty() && text.back() == '\n') text.pop_back();
        if (!text.empty() && text.back() == '\r') text.pop_back();
    } else if (const char* v = std::getenv(env)) {
        text = v;
    }
    if (text.empty()) throw std::runtime_error(std::string("no secret: set ") + env + " or pass --secret-file");
    return text;
}

std::vector<std::string> parse_jwt_secrets(const std::string& text) {
    if (text.front() == '[') {
        boost::system::error_code ec;
        const auto v = boost::json::parse(text, ec);
        const auto* a = ec ? nullptr : v.if_array();
        if (!a || a->empty()) throw std::runtime_error("secret list must be a non-empty JSON array of strings");
        std::vector<std::string> out;
        for (const auto& s : *a) {
            const auto* str = s.if_string();
            if (!str) throw std::runtime_error("secret list must be a non-empty JSON array of strings");
            out.emplace_back(*str);
        }
        return out;
    }
    return {text};
}

password_map parse_iron_passwords(const std::string& text) {
    auto map = parse_password_map(text);
    if (!map) throw std::runtime_error("password map must be a JSON object of strings: " + map.error().message());
    return *map;
}

}  // namespace sesh::cli
