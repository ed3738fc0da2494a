// The PostgreSQL store's migrations, in order; `sesh_schema` counts the ones a database has run.
#include "store/postgres/postgres_schema.hpp"

#include <array>
#include <cstdlib>

#include <sesh/log.hpp>

namespace sesh::detail {
namespace {

// pg_advisory_xact_lock's key: any constant no other program uses; "sesh" in ASCII.
constexpr const char* advisory_lock_sql = "SELECT pg_advisory_xact_lock(1936028520)";

// postgres_migrations[i] takes the schema from version i to i + 1. Append only: a released migration is
// never edited, since databases in the field already ran it.
constexpr std::array<const char*, postgres_schema_version> postgres_migrations = {
    // 1: the server strategy's sessions and the stateless strategies' revocation.
    //
    // Server-strategy sessions are sesh's own table, not Auth.js's `sessions`: that table's
    // "userId" is NOT NULL (anonymous sessions, a cart before sign-in, cannot live there), its key
    // is the raw token (sesh keeps only SHA-256 of it), and it has no data, created or last-seen
    // columns. Auth.js's `sessions` is for the `database` strategy, which shares rows with a
    // next-auth app (a later migration creates it when absent).
    //
    // Times are Unix milliseconds from the store's injected clock, as in the SQLite store;
    // `expires_ms` is the earlier of the two expiries, its own column so "live" is one indexed
    // comparison in every query and the purge walks an index. `data` is text, not jsonb: the store
    // hands back the JSON it was given, byte for byte (jsonb reorders keys and drops duplicates).
    R"sql(
CREATE TABLE sesh_sessions (
    key                 text   NOT NULL PRIMARY KEY,
    user_id             text   NOT NULL,
    data                text   NOT NULL,
    created_ms          bigint NOT NULL,
    last_seen_ms        bigint NOT NULL,
    idle_expires_ms     bigint NOT NULL,
    absolute_expires_ms bigint NOT NULL,
    expires_ms          bigint NOT NULL,
    address             text   NOT NULL,
    user_agent          text   NOT NULL
);
CREATE INDEX sesh_sessions_by_expiry ON sesh_sessions (expires_ms);
CREATE INDEX sesh_sessions_by_user ON sesh_sessions (user_id, created_ms) WHERE user_id <> '';
CREATE TABLE sesh_denied (
    jti      text   NOT NULL PRIMARY KEY,
    until_ms bigint NOT NULL
);
CREATE INDEX sesh_denied_by_expiry ON sesh_denied (until_ms);
CREATE TABLE sesh_not_before (
    user_id text   NOT NULL PRIMARY KEY,
    t_ms    bigint NOT NULL
);
)sql",
    // 2: Auth.js's schema (@auth/pg-adapter's schema.sql, column for column) when absent, and
    // what sesh keeps beside it in its own tables: accounts' passwords, the database strategy's
    // per-session extras, the login throttle.
    //
    // A Next.js app with the adapter may have made these tables already: each is created only
    // if no table of its name exists, and then never altered (to_regclass looks along the
    // search_path, as the adapter's unqualified names do). The indexes on "sessionToken" and
    // "userId" come only with a `sessions` sesh creates: the adapter's own schema has none,
    // and an operator's table is the operator's to index.
    //
    // sesh's tables key to Auth.js's rows by the text of their ids (`users.id::text`), not by a
    // foreign key: the adapter's ids are SERIAL integers, other Auth.js adapters' are text or uuid,
    // and sesh must work with the table it finds.
    R"sql(
DO $sesh$
BEGIN
    IF to_regclass('users') IS NULL THEN
        CREATE TABLE users (
            id SERIAL,
            name VARCHAR(255),
            email VARCHAR(255),
            "emailVerified" TIMESTAMPTZ,
            image TEXT,
            PRIMARY KEY (id)
        );
        -- sesh_passwords keys to users by the id's text: this lets that join use an index.
        CREATE UNIQUE INDEX sesh_authjs_users_by_text_id ON users ((id::text));
    END IF;
    IF to_regclass('accounts') IS NULL THEN
        CREATE TABLE accounts (
            id SERIAL,
            "userId" INTEGER NOT NULL,
            type VARCHAR(255) NOT NULL,
            provider VARCHAR(255) NOT NULL,
            "providerAccountId" VARCHAR(255) NOT NULL,
            refresh_token TEXT,
            access_token TEXT,
            expires_at BIGINT,
            id_token TEXT,
            scope TEXT,
            session_state TEXT,
            token_type TEXT,
            PRIMARY KEY (id)
        );
    END IF;
    IF to_regclass('sessions') IS NULL THEN
        CREATE TABLE sessions (
            id SERIAL,
            "userId" INTEGER NOT NULL,
            expires TIMESTAMPTZ NOT NULL,
            "sessionToken" VARCHAR(255) NOT NULL,
            PRIMARY KEY (id)
        );
        CREATE UNIQUE INDEX sesh_authjs_sessions_by_token ON sessions ("sessionToken");
        CREATE INDEX sesh_authjs_sessions_by_user ON sessions (("userId"::text));
    END IF;
    IF to_regclass('verification_token') IS NULL THEN
        CREATE TABLE verification_token (
            identifier TEXT NOT NULL,
            expires TIMESTAMPTZ NOT NULL,
            token TEXT NOT NULL,
            PRIMARY KEY (identifier, token)
        );
    END IF;
END
$sesh$;
CREATE TABLE sesh_passwords (
    user_id             text   NOT NULL PRIMARY KEY,
    username            text   NOT NULL UNIQUE,
    password_hash       text   NOT NULL,
    created_ms          bigint NOT NULL,
    password_changed_ms bigint NOT NULL
);
CREATE TABLE sesh_authjs_extras (
    session_id   text   NOT NULL PRIMARY KEY,
    data         text   NOT NULL,
    created_ms   bigint NOT NULL,
    last_seen_ms bigint NOT NULL,
    address      text   NOT NULL,
    user_agent   text   NOT NULL
);
CREATE TABLE sesh_throttle (
    id      bigserial PRIMARY KEY,
    kind    integer NOT NULL,
    account text    NOT NULL,
    address text    NOT NULL,
    at_ms   bigint  NOT NULL
);
CREATE INDEX sesh_throttle_by_key ON sesh_throttle (kind, account, address, at_ms);
CREATE INDEX sesh_throttle_by_time ON sesh_throttle (at_ms);
)sql",
};

// Rolls back unless committed, so every early return leaves the database as it was. (A connection
// closed by a failure rolls back on the server by itself; exec on it then fails harmlessly.)
struct migration_transaction {
    migration_transaction(postgres_connection& conn, postgres_deadline until) noexcept : c(conn), deadline(until) {}
    migration_transaction(const migration_transaction&) = delete;
    migration_transaction& operator=(const migration_transaction&) = delete;
    ~migration_transaction() {
        if (open) (void)c.exec("ROLLBACK", deadline, "rolling back the migration");
    }
    postgres_connection& c;
    postgres_deadline deadline;
    bool open = true;
};

}  // namespace

result<void> postgres_migrate(postgres_connection& c, postgres_deadline deadline, const std::string& label) {
    // One transaction: PostgreSQL's DDL is transactional, so a migration that fails halfway leaves
    // nothing behind, and the version row moves with the tables it describes.
    if (auto r = c.exec("BEGIN", deadline, "starting the migration"); !r) return fail(r.error());
    migration_transaction tx{c, deadline};
    if (auto r = c.exec(advisory_lock_sql, deadline, "locking the schema"); !r) return fail(r.error());
    if (auto r = c.exec("CREATE TABLE IF NOT EXISTS sesh_schema (version integer NOT NULL)", deadline,
                        "creating sesh_schema");
        !r)
        return fail(r.error());
    auto found = c.exec("SELECT version FROM sesh_schema", deadline, "reading the schema version");
    if (!found) return fail(found.error());
    const int rows = PQntuples(found->get());
    const int version = rows == 0 ? 0 : std::atoi(PQgetvalue(found->get(), 0, 0));
    if (rows > 1 || version < 0 || version > postgres_schema_version) {
        sesh::logger()->error("postgres store: {} has sesh schema version {}{}, which this build (version {}) cannot "
                              "use; refusing it (upgrade sesh, or point it at another database)",
                              label, version, rows > 1 ? " (in more than one row)" : "", postgres_schema_version);
        return fail(errc::store_unavailable);
    }
    if (version == postgres_schema_version) return {};  // nothing to write
    for (int v = version; v < postgres_schema_version; ++v) {
        const std::string what = "migration " + std::to_string(v + 1);
        if (auto r = c.exec(postgres_migrations[static_cast<std::size_t>(v)], deadline, what); !r)
            return fail(r.error());
    }
    // The version is this build's constant, never input.
    const std::string set_version = (rows == 0 ? "INSERT INTO sesh_schema (version) VALUES (" : "UPDATE sesh_schema SET version = (") +
                                    std::to_string(postgres_schema_version) + ")";
    if (auto r = c.exec(set_version, deadline, "setting the schema version"); !r) return fail(r.error());
    tx.open = false;  // COMMIT ends it either way: a failed COMMIT rolls back by itself
    if (auto r = c.exec("COMMIT", deadline, "committing the migration"); !r) return fail(r.error());
    sesh::logger()->info("postgres store: {} migrated from sesh schema version {} to {}", label, version,
                         postgres_schema_version);
    return {};
}

}  // namespace sesh::detail
