// SESH_* environment variables into a config; the secret and data dir prepared for start-up.
#include "seshd/config_load.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sesh/log.hpp>

#include "seshd/provider_file.hpp"

#include <sesh/encoding.hpp>
#include <sesh/random.hpp>

namespace sesh::seshd {
namespace {

// Secrets shorter than this are refused in production: 32 characters is what next-auth's docs
// ask (`openssl rand -base64 32`) and what iron needs for a password.
constexpr std::size_t min_secret_length = 32;

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : nullptr;
}

template <class T>
bool parse_number(const char* text, T& out) {
    const std::string_view s(text);
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}


}  // namespace

// A secret kept in a file (a systemd credential, a mounted secret) usually ends in a newline.
std::string read_file_trimmed(const std::string& path, bool& ok) {
    std::ifstream in(path);
    ok = static_cast<bool>(in);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

tl::expected<config, std::string> config_from_env() {
    config c;
    if (auto v = env("SESH_LISTEN")) c.listen = v;
    if (auto v = env("SESH_DATA_DIR")) c.data_dir = v;
    if (auto v = env("SESH_STORE")) c.store_url = v;
    if (auto v = env("SESH_URL")) c.public_url = v;
    if (auto v = env("SESH_LOG_LEVEL")) c.log_level = v;
    if (auto v = env("SESH_STRATEGY")) {
        const std::string_view s(v);
        if (s == "server") c.strategy = strategy::server;
        else if (s == "jwt") c.strategy = strategy::jwt;
        else if (s == "iron") c.strategy = strategy::iron;
        else if (s == "database") c.strategy = strategy::database;
        else return tl::unexpected(std::string("SESH_STRATEGY must be server, jwt, iron or database"));
    }
    if (auto v = env("SESH_ENV")) {
        const std::string_view s(v);
        if (s == "production") c.production = true;
        else if (s != "development") return tl::unexpected(std::string("SESH_ENV must be development or production"));
    }
    if (auto v = env("SESH_SECRET")) c.secret = v;
    if (auto v = env("SESH_SECRET_FILE")) {
        bool ok = false;
        c.secret = read_file_trimmed(v, ok);
        if (!ok) return tl::unexpected(std::string("SESH_SECRET_FILE cannot be read: ") + v);
    }
    struct seconds_var {
        const char* name;
        std::chrono::seconds* field;
    };
    for (auto [name, field] : {seconds_var{"SESH_IDLE_TIMEOUT", &c.idle_timeout},
                               seconds_var{"SESH_ABSOLUTE_TIMEOUT", &c.absolute_timeout},
                               seconds_var{"SESH_UPDATE_AGE", &c.update_age},
                               seconds_var{"SESH_ANONYMOUS_IDLE_TIMEOUT", &c.anonymous_idle_timeout},

                               seconds_var{"SESH_SIGNUP_WINDOW", &c.signup_window}}) {
        if (auto v = env(name)) {
            long long n = 0;
            if (!parse_number(v, n) || n < 0) return tl::unexpected(std::string(name) + " must be a number of seconds");
            *field = std::chrono::seconds(n);
        }
    }
    struct ms_var {
        const char* name;
        std::chrono::milliseconds* field;
    };
    for (auto [name, field] : {ms_var{"SESH_READ_TIMEOUT_MS", &c.server.read_timeout},
                               ms_var{"SESH_IDLE_CONNECTION_TIMEOUT_MS", &c.server.idle_timeout}}) {
        if (auto v = env(name)) {
            long long n = 0;
            if (!parse_number(v, n) || n <= 0) return tl::unexpected(std::string(name) + " must be a number of milliseconds");
            *field = std::chrono::milliseconds(n);
        }
    }
    if (auto v = env("SESH_MAX_CONNECTIONS"); v && !parse_number(v, c.server.max_connections))
        return tl::unexpected(std::string("SESH_MAX_CONNECTIONS must be a number"));
    if (auto v = env("SESH_MAX_CONNECTIONS_PER_ADDRESS"); v && !parse_number(v, c.server.max_connections_per_address))
        return tl::unexpected(std::string("SESH_MAX_CONNECTIONS_PER_ADDRESS must be a number"));
    if (auto v = env("SESH_METRICS_ALLOW")) c.metrics_allow = v;
    if (auto v = env("SESH_COOKIE_DOMAIN")) c.cookie_domain = v;
    if (auto v = env("SESH_ALLOWED_REDIRECTS")) c.allowed_redirects = v;
    if (auto v = env("SESH_TRUSTED_PROXIES")) c.trusted_proxies = v;
    if (auto v = env("SESH_GATEWAY_RULES")) c.gateway_rules = v;
    if (auto v = env("SESH_MAX_BODY_BYTES"); v && !parse_number(v, c.server.max_body_bytes))
        return tl::unexpected(std::string("SESH_MAX_BODY_BYTES must be a number"));
    if (auto v = env("SESH_ANONYMOUS_MAX_DATA_BYTES"); v && (!parse_number(v, c.anonymous_max_data_bytes) || c.anonymous_max_data_bytes == 0))
        return tl::unexpected(std::string("SESH_ANONYMOUS_MAX_DATA_BYTES must be a positive number"));
    if (auto v = env("SESH_NEW_SESSIONS_PER_MINUTE"); v && !parse_number(v, c.new_sessions_per_minute))
        return tl::unexpected(std::string("SESH_NEW_SESSIONS_PER_MINUTE must be a number"));
    if (auto v = env("SESH_MAX_SESSIONS"); v && (!parse_number(v, c.max_sessions) || c.max_sessions == 0))
        return tl::unexpected(std::string("SESH_MAX_SESSIONS must be a positive number"));
    if (auto v = env("SESH_SIGNUP_LIMIT"); v && !parse_number(v, c.signup_limit))
        return tl::unexpected(std::string("SESH_SIGNUP_LIMIT must be a number"));
    if (auto v = env("SESH_HASHING_QUEUE"); v && (!parse_number(v, c.hashing_queue) || c.hashing_queue == 0))
        return tl::unexpected(std::string("SESH_HASHING_QUEUE must be a number over 0"));
    if (auto v = env("SESH_THREADS"); v && !parse_number(v, c.threads))
        return tl::unexpected(std::string("SESH_THREADS must be a number"));
    if (auto v = env("SESH_ARGON2_OPS"); v && !parse_number(v, c.password.ops_limit))
        return tl::unexpected(std::string("SESH_ARGON2_OPS must be a number"));
    if (auto v = env("SESH_ARGON2_MEM_KIB")) {
        std::size_t kib = 0;
        if (!parse_number(v, kib)) return tl::unexpected(std::string("SESH_ARGON2_MEM_KIB must be a number"));
        c.password.mem_limit = kib * 1024;
    }
    if (auto v = env("SESH_CONFIG")) c.config_file = v;
    if (auto v = env("SESH_OIDC_ISSUER")) {
        provider_config o;
        o.issuer = v;
        if (auto id = env("SESH_OIDC_CLIENT_ID")) o.client_id = id;
        if (auto secret = env("SESH_OIDC_CLIENT_SECRET")) o.client_secret = secret;
        if (auto file = env("SESH_OIDC_CLIENT_SECRET_FILE")) {
            bool ok = false;
            o.client_secret = read_file_trimmed(file, ok);
            if (!ok) return tl::unexpected(std::string("SESH_OIDC_CLIENT_SECRET_FILE cannot be read: ") + file);
        }
        if (o.client_id.empty() || o.client_secret.empty())
            return tl::unexpected(std::string("SESH_OIDC_ISSUER needs SESH_OIDC_CLIENT_ID and SESH_OIDC_CLIENT_SECRET"));
        if (auto name = env("SESH_OIDC_NAME")) o.name = name;
        if (auto u = env("SESH_OIDC_USERINFO")) o.userinfo = std::string_view(u) == "1" || std::string_view(u) == "true";
        if (auto l = env("SESH_OIDC_ALLOW_EMAIL_LINKING"))
            o.allow_email_linking = std::string_view(l) == "1" || std::string_view(l) == "true";
        if (auto m = env("SESH_OIDC_AUTH_METHOD")) {
            const std::string_view method(m);
            if (method == "client_secret_post") o.secret_in_body = true;
            else if (method != "client_secret_basic")
                return tl::unexpected(std::string("SESH_OIDC_AUTH_METHOD must be client_secret_basic or client_secret_post"));
        }
        if (auto ca = env("SESH_OIDC_CA_FILE")) o.ca_file = ca;
        if (auto t = env("SESH_OIDC_TIMEOUT_MS")) {
            long long n = 0;
            if (!parse_number(t, n) || n <= 0) return tl::unexpected(std::string("SESH_OIDC_TIMEOUT_MS must be a number of milliseconds"));
            o.timeout = std::chrono::milliseconds(n);
        }
        c.providers.push_back(std::move(o));
    }
    if (!c.config_file.empty()) {
        auto file = load_provider_file(c.config_file);
        if (!file) return tl::unexpected(file.error());
        for (auto& p : *file) {
            for (const auto& q : c.providers)
                if (q.id == p.id)
                    return tl::unexpected(c.config_file + ": provider " + p.id + " is also configured by SESH_OIDC_ISSUER");
            c.providers.push_back(std::move(p));
        }
    }
    return c;
}

tl::expected<void, std::string> finish_config(config& c) {
    // Listen address: HOST:PORT, with [v6]:PORT allowed.
    const auto colon = c.listen.rfind(':');
    std::uint16_t port = 0;
    if (colon == std::string::npos || !parse_number(c.listen.substr(colon + 1).c_str(), port))
        return tl::unexpected("SESH_LISTEN must be HOST:PORT, got " + c.listen);
    std::string host = c.listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    c.server.address = host;
    c.server.port = port;
    c.server.threads = c.threads;

    if (::mkdir(c.data_dir.c_str(), 0700) != 0 && errno != EEXIST)
        return tl::unexpected("cannot create the data directory " + c.data_dir + ": " + std::strerror(errno));
    // The directory holds the secret and the SQLite store (password hashes, sessions): an existing
    // one that others may enter is the operator's to fix, and to hear about.
    if (struct stat st {}; ::stat(c.data_dir.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        sesh::logger()->warn("the data directory {} (mode {:o}) is accessible by other users: it holds the secret and the "
                     "store; chmod 700 it", c.data_dir, st.st_mode & 07777);
    if (c.store_url.empty()) c.store_url = "sqlite:" + c.data_dir + "/sesh.db";
    if (c.public_url.empty()) c.public_url = "http://" + c.listen;
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();

    if (c.secret.empty() && !c.production) {
        const std::string path = c.data_dir + "/secret";
        bool ok = false;
        c.secret = read_file_trimmed(path, ok);
        if (!ok || c.secret.empty()) {
            std::array<std::uint8_t, 32> raw{};
            system_random().fill(raw);
            c.secret = base64url_encode(raw);
            const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
            if (fd < 0) return tl::unexpected("cannot write " + path + ": " + std::strerror(errno));
            const std::string line = c.secret + "\n";
            const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
            ::close(fd);
            if (!written) return tl::unexpected("cannot write " + path);
            sesh::logger()->info("development: generated a secret in {} (mode 0600); set SESH_SECRET in production", path);
        }
    }
    if (c.secret.empty())
        return tl::unexpected(std::string("no secret: set SESH_SECRET or SESH_SECRET_FILE (at least 32 characters, e.g. `sesh secret`)"));
    // next-auth takes any non-empty secret, so development does too (an app's short test secret
    // must still be shareable) but says what it costs; production refuses, and iron cannot seal
    // under a password shorter than 32 characters (iron-session refuses it too).
    if (c.secret.size() < min_secret_length) {
        if (c.production || c.strategy == sesh::strategy::iron)
            return tl::unexpected(std::string("secret too short: set SESH_SECRET or SESH_SECRET_FILE to at least 32 "
                                              "characters (e.g. `sesh secret`)") +
                                  (c.production ? "" : "; the iron strategy needs 32"));
        sesh::logger()->warn("the secret has {} characters: tokens sealed under it can be guessed offline; use at least "
                             "32 (`sesh secret`) — production refuses it",
                             c.secret.size());
    }
    return {};
}

}  // namespace sesh::seshd
