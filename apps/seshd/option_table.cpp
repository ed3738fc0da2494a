// seshd's settings as `seshd --help` describes them (see option_table.hpp). The defaults here are
// the ones src/seshd/config.hpp and config_load.cpp apply; keep them together when one changes.
#include "option_table.hpp"

#include <array>

namespace seshd_cli {
namespace {

constexpr std::array options{
    option_doc{"SESH_LISTEN", "--listen", "HOST:PORT", "127.0.0.1:3000", "address and port to serve on ([::1]:PORT for IPv6)"},
    option_doc{"SESH_URL", "--url", "URL", "http://$SESH_LISTEN",
               "public origin; https://… turns on Secure cookies and the __Secure-/__Host- names"},
    option_doc{"SESH_DATA_DIR", "--data-dir", "DIR", "./data",
               "created 0700; holds the SQLite file and the development secret"},
    option_doc{"SESH_STORE", "--store", "URL", "sqlite:$SESH_DATA_DIR/sesh.db",
               "sqlite:PATH, redis://[USER:PASSWORD@]HOST:PORT[/DB], redis-sentinel://HOST:PORT,…/MASTER, postgres://USER[:PASSWORD]@HOST[:PORT]/DB or "
               "memory:; accounts live in the same database"},
    option_doc{"SESH_STRATEGY", "--strategy", "NAME", "server",
               "server (opaque token, record in the store), jwt (next-auth's cookie), iron (iron-session's seal) or "
               "database (next-auth's database strategy, Auth.js's sessions table; sqlite: or postgres://)"},
    option_doc{"SESH_SECRET", nullptr, "TEXT", "generated in $SESH_DATA_DIR/secret in development",
               "CSRF key, jwt secret, iron password, 32+ characters (`sesh secret`); never a flag"},
    option_doc{"SESH_SECRET_FILE", "--secret-file", "PATH", "none", "a file holding SESH_SECRET"},
    option_doc{"SESH_ENV", "--env", "NAME", "development",
               "production refuses to start without a secret of 32+ characters"},
    option_doc{"SESH_LOG_LEVEL", "--log-level", "LEVEL", "info",
               "trace, debug, info, warn, error or off; logs go to stderr and never hold a token"},
    option_doc{"SESH_THREADS", "--threads", "N", "one per core", "I/O threads"},
    option_doc{"SESH_IDLE_TIMEOUT", "--idle-timeout", "SECONDS", "2592000 (30 days)",
               "inactivity limit of a signed-in session, and its cookie's Max-Age"},
    option_doc{"SESH_ABSOLUTE_TIMEOUT", "--absolute-timeout", "SECONDS", "7776000 (90 days)",
               "hard limit of a session however active"},
    option_doc{"SESH_UPDATE_AGE", "--update-age", "SECONDS", "86400 (1 day)", "sliding-renewal interval"},
    option_doc{"SESH_ANONYMOUS_IDLE_TIMEOUT", "--anonymous-idle-timeout", "SECONDS", "3600",
               "idle limit of a session with no user yet"},
    option_doc{"SESH_ANONYMOUS_MAX_DATA_BYTES", "--anonymous-max-data-bytes", "BYTES", "4096",
               "largest data of a session with no user yet (past it 413)"},
    option_doc{"SESH_NEW_SESSIONS_PER_MINUTE", "--new-sessions-per-minute", "N", "60",
               "anonymous sessions one client address (IPv6 /64) may start per minute; 0 = no limit"},
    option_doc{"SESH_MAX_SESSIONS", "--max-sessions", "N", "1000000",
               "sessions the SQLite or memory store holds at most; past it a new session gets 507"},
    option_doc{"SESH_READ_TIMEOUT_MS", "--read-timeout-ms", "MS", "10000", "time to read a request"},
    option_doc{"SESH_IDLE_CONNECTION_TIMEOUT_MS", "--idle-connection-timeout-ms", "MS", "60000",
               "a kept-alive connection with no request is closed after it"},
    option_doc{"SESH_MAX_CONNECTIONS", "--max-connections", "N", "10000", "open connections at most"},
    option_doc{"SESH_MAX_CONNECTIONS_PER_ADDRESS", "--max-connections-per-address", "N", "256",
               "open connections per client address; behind a proxy raise it to the proxy's upstream count"},
    option_doc{"SESH_MAX_BODY_BYTES", "--max-body-bytes", "BYTES", "65536", "largest request body (past it 413)"},
    option_doc{"SESH_METRICS_ALLOW", "--metrics-allow", "LIST", "127.0.0.0/8, ::1",
               "addresses and CIDR networks that may read /metrics, or none"},
    option_doc{"SESH_TRUSTED_PROXIES", "--trusted-proxies", "LIST", "none",
               "load balancers and gateways (addresses, CIDR networks): from them the client is the address their "
               "X-Forwarded-For names, and /api/auth/verify believes their X-Forwarded-*/X-Original-* headers"},
    option_doc{"SESH_GATEWAY_RULES", "--gateway-rules", "RULES", "none (anyone signed in)",
               "forward auth's access rules: [HOST]/PREFIX=user:NAME,email:ADDRESS,domain:DOMAIN,*;… (docs/GATEWAY.md)"},
    option_doc{"SESH_COOKIE_DOMAIN", "--cookie-domain", "DOMAIN", "host-only",
               "Domain of the session cookies, so sibling hosts share the session; its hosts may be callback URLs"},
    option_doc{"SESH_ALLOWED_REDIRECTS", "--allowed-redirects", "ORIGINS", "none",
               "further origins callback URLs may point to, comma-separated"},
    option_doc{"SESH_OIDC_ISSUER", "--oidc-issuer", "URL", "none (no provider)",
               "an OpenID Provider to sign in with, as its tokens' iss (https; http to loopback in development)"},
    option_doc{"SESH_OIDC_CLIENT_ID", "--oidc-client-id", "ID", "none", "seshd's client id at the provider"},
    option_doc{"SESH_OIDC_CLIENT_SECRET", nullptr, "TEXT", "none", "seshd's client secret at the provider; never a flag"},
    option_doc{"SESH_OIDC_CLIENT_SECRET_FILE", "--oidc-client-secret-file", "PATH", "none",
               "a file holding SESH_OIDC_CLIENT_SECRET"},
    option_doc{"SESH_OIDC_NAME", "--oidc-name", "TEXT", "OpenID Connect", "the provider's name on the sign-in button"},
    option_doc{"SESH_OIDC_USERINFO", "--oidc-userinfo", "BOOL", "0", "1: also read the provider's userinfo endpoint"},
    option_doc{"SESH_OIDC_AUTH_METHOD", "--oidc-auth-method", "NAME", "client_secret_basic",
               "client_secret_basic or client_secret_post"},
    option_doc{"SESH_OIDC_CA_FILE", "--oidc-ca-file", "PATH", "the system's CAs", "CA certificates (PEM) for the provider"},
    option_doc{"SESH_OIDC_TIMEOUT_MS", "--oidc-timeout-ms", "MS", "10000", "the deadline of each call to the provider"},
    option_doc{"SESH_CONFIG", "--config", "FILE", "none",
               "a TOML file of sign-in providers ([providers.ID] tables, presets github, google, gitlab, "
               "microsoft-entra, keycloak, auth0; docs/OIDC.md)"},
    option_doc{"SESH_OIDC_ALLOW_EMAIL_LINKING", "--oidc-allow-email-linking", "BOOL", "0",
               "1: a first sign-in whose verified e-mail a user has links to that user (next-auth's "
               "allowDangerousEmailAccountLinking); 0 refuses it (OAuthAccountNotLinked)"},
    option_doc{"SESH_ARGON2_OPS", "--argon2-ops", "N", "2", "argon2id passes (OWASP)"},
    option_doc{"SESH_ARGON2_MEM_KIB", "--argon2-mem-kib", "KIB", "19456", "argon2id memory (OWASP)"},
    option_doc{"SESH_SIGNUP_LIMIT", "--signup-limit", "N", "10",
               "sign-up attempts per client address per window; 0 = no limit"},
    option_doc{"SESH_SIGNUP_WINDOW", "--signup-window", "SECONDS", "600", "the sign-up limit's rolling window"},
    option_doc{"SESH_HASHING_QUEUE", "--hashing-queue", "N", "32",
               "argon2id jobs waiting or running at most; past it 503 with Retry-After"},
};

}  // namespace

std::span<const option_doc> option_table() { return options; }

}  // namespace seshd_cli
