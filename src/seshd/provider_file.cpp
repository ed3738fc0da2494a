// Reading the providers of seshd's configuration file (TOML, toml++):
//
//     [providers.github]                 # the key names a preset, or give `preset = "…"`
//     client_id = "Iv1.0123"
//     client_secret_env = "GITHUB_SECRET"
//
// Every key is checked: a misspelt one is an error with its line, never silently ignored.
#include "seshd/provider_file.hpp"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include <toml++/toml.h>

#include "seshd/config_load.hpp"
#include "seshd/provider_presets.hpp"

namespace sesh::seshd {
namespace {

using failure = tl::unexpected<std::string>;

struct file_reader {
    std::string source;

    failure at(const toml::source_region& where, std::string_view what) const {
        return failure(source + ":" + std::to_string(where.begin.line) + ": " + std::string(what));
    }
};

bool is_provider_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    return true;
}


// A string, or a list of strings (profile fields); nothing for any other type.
std::optional<std::vector<std::string>> string_list(const toml::node& n) {
    if (auto s = n.value<std::string>()) return std::vector<std::string>{*s};
    const auto* arr = n.as_array();
    if (!arr) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& e : *arr) {
        auto s = e.value<std::string>();
        if (!s) return std::nullopt;
        out.push_back(*s);
    }
    return out;
}

tl::expected<void, std::string> read_profile(const file_reader& r, const toml::table& t, profile_mapping& m) {
    for (const auto& [key, node] : t) {
        const std::string_view k = key.str();
        std::vector<std::string>* list = k == "id" ? &m.id : k == "name" ? &m.name : k == "email" ? &m.email
                                       : k == "image" ? &m.image : nullptr;
        if (list) {
            auto v = string_list(node);
            if (!v) return r.at(node.source(), "profile." + std::string(k) + " must be a string or a list of strings");
            *list = std::move(*v);
        } else if (k == "email_verified") {
            auto v = node.value<std::string>();
            if (!v) return r.at(node.source(), "profile.email_verified must be a string (a field name)");
            m.email_verified = *v;
        } else if (k == "trust_email") {
            auto v = node.value<bool>();
            if (!v) return r.at(node.source(), "profile.trust_email must be true or false");
            m.trust_email = *v;
        } else {
            return r.at(node.source(), "unknown key profile." + std::string(k) +
                                           " (id, name, email, image, email_verified, trust_email)");
        }
    }
    return {};
}

tl::expected<provider_config, std::string> read_provider(const file_reader& r, std::string_view id, const toml::table& t) {
    provider_config p;
    p.id = std::string(id);
    p.name = std::string(id);
    p.scope.clear();
    if (!is_provider_id(id)) return r.at(t.source(), "provider id '" + std::string(id) + "' must be 1 to 64 of a-z, 0-9, - and _");

    // The preset first, so the file's own settings override it.
    std::string preset;
    if (const auto* n = t.get("preset")) {
        auto v = n->value<std::string>();
        if (!v) return r.at(n->source(), "preset must be a string");
        preset = *v;
        if (!apply_preset(preset, p))
            return r.at(n->source(), "unknown preset '" + preset + "' (" + std::string(preset_names()) + ")");
    } else if (apply_preset(id, p)) {
        preset = std::string(id);
    }

    std::string tenant, secret_env, secret_file;
    std::optional<toml::source_region> secret_at;
    for (auto&& entry : t) {
        // Named, not structured bindings: clang 14 cannot capture those in the lambdas below.
        const std::string k(entry.first.str());
        const toml::node& node = entry.second;
        auto text = [&](std::string& out) -> tl::expected<void, std::string> {
            auto v = node.value<std::string>();
            if (!v) return r.at(node.source(), k + " must be a string");
            out = *v;
            return {};
        };
        auto flag = [&](bool& out) -> tl::expected<void, std::string> {
            auto v = node.value<bool>();
            if (!v) return r.at(node.source(), k + " must be true or false");
            out = *v;
            return {};
        };
        tl::expected<void, std::string> ok;
        if (k == "preset") continue;
        else if (k == "type") {
            std::string type;
            ok = text(type);
            if (ok && type == "oidc") p.type = provider_type::oidc;
            else if (ok && type == "oauth") p.type = provider_type::oauth;
            else if (ok) return r.at(node.source(), "type must be \"oidc\" or \"oauth\"");
        } else if (k == "name") ok = text(p.name);
        else if (k == "issuer") ok = text(p.issuer);
        else if (k == "tenant") ok = text(tenant);
        else if (k == "authorization_endpoint") ok = text(p.authorization_endpoint);
        else if (k == "token_endpoint") ok = text(p.token_endpoint);
        else if (k == "profile_url") ok = text(p.profile_url);
        else if (k == "emails_url") ok = text(p.emails_url);
        else if (k == "client_id") ok = text(p.client_id);
        else if (k == "client_secret") {
            // A secret in a file that is often committed, copied and logged by config tools.
            return r.at(node.source(), "client_secret is not read from the file: name an environment variable "
                                       "(client_secret_env) or a file (client_secret_file)");
        } else if (k == "client_secret_env") {
            ok = text(secret_env);
            secret_at = node.source();
        } else if (k == "client_secret_file") {
            ok = text(secret_file);
            secret_at = node.source();
        } else if (k == "scope") ok = text(p.scope);
        else if (k == "userinfo") ok = flag(p.userinfo);
        else if (k == "allow_email_linking") ok = flag(p.allow_email_linking);
        else if (k == "ca_file") ok = text(p.ca_file);
        else if (k == "auth_method") {
            std::string method;
            ok = text(method);
            if (ok && method == "client_secret_post") p.secret_in_body = true;
            else if (ok && method == "client_secret_basic") p.secret_in_body = false;
            else if (ok) return r.at(node.source(), "auth_method must be client_secret_basic or client_secret_post");
        } else if (k == "timeout_ms") {
            auto v = node.value<std::int64_t>();
            if (!v || *v <= 0) return r.at(node.source(), "timeout_ms must be a positive number of milliseconds");
            p.timeout = std::chrono::milliseconds(*v);
        } else if (k == "profile") {
            const auto* pt = node.as_table();
            if (!pt) return r.at(node.source(), "profile must be a table");
            ok = read_profile(r, *pt, p.profile);
        } else {
            return r.at(node.source(), "unknown key " + k + " in provider " + std::string(id));
        }
        if (!ok) return failure(ok.error());
    }

    if (!preset.empty())
        if (auto problem = finish_preset(preset, tenant, p); !problem.empty()) return r.at(t.source(), problem);
    if (!tenant.empty() && preset != "microsoft-entra") return r.at(t.source(), "tenant is only for the microsoft-entra preset");
    if (p.type == provider_type::oidc) {
        if (p.issuer.empty()) return r.at(t.source(), "provider " + p.id + " (oidc) needs issuer");
        if (p.scope.empty()) p.scope = "openid email profile";
    } else if (p.authorization_endpoint.empty() || p.token_endpoint.empty() || p.profile_url.empty()) {
        return r.at(t.source(), "provider " + p.id + " (oauth) needs authorization_endpoint, token_endpoint and profile_url");
    }
    if (p.client_id.empty()) return r.at(t.source(), "provider " + p.id + " needs client_id");
    if (!secret_env.empty() && !secret_file.empty())
        return r.at(*secret_at, "give client_secret_env or client_secret_file, not both");
    if (!secret_env.empty()) {
        const char* v = std::getenv(secret_env.c_str());
        if (v == nullptr || *v == '\0') return r.at(*secret_at, "the environment variable " + secret_env + " is not set");
        p.client_secret = v;
    } else if (!secret_file.empty()) {
        bool readable = false;
        p.client_secret = read_file_trimmed(secret_file, readable);
        if (!readable || p.client_secret.empty()) return r.at(*secret_at, "cannot read the client secret from " + secret_file);
    } else {
        return r.at(t.source(), "provider " + p.id + " needs client_secret_env or client_secret_file");
    }
    return p;
}

}  // namespace

tl::expected<std::vector<provider_config>, std::string> parse_provider_file(std::string_view text, std::string_view source) {
    const file_reader r{std::string(source)};
    toml::table doc;
    try {
        doc = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        return r.at(e.source(), std::string(e.description()));
    }
    std::vector<provider_config> out;
    for (const auto& [key, node] : doc) {
        if (key.str() != "providers") return r.at(node.source(), "unknown key " + std::string(key.str()) + " (the file holds [providers.ID] tables)");
        const auto* providers = node.as_table();
        if (!providers) return r.at(node.source(), "providers must be a table of [providers.ID] tables");
        for (const auto& [id, entry] : *providers) {
            const auto* t = entry.as_table();
            if (!t) return r.at(entry.source(), "providers." + std::string(id.str()) + " must be a table");
            auto p = read_provider(r, id.str(), *t);
            if (!p) return failure(p.error());
            out.push_back(std::move(*p));
        }
    }
    return out;
}

tl::expected<std::vector<provider_config>, std::string> load_provider_file(const std::string& path) {
    bool ok = false;
    std::ifstream in(path);
    ok = static_cast<bool>(in);
    if (!ok) return failure("cannot read the configuration file " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_provider_file(ss.str(), path);
}

}  // namespace sesh::seshd
