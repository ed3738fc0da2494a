// `sesh sessions list USER` and `sesh sessions revoke USER|ID`.
#include <cstdio>

#include "accounts.hpp"
#include "commands.hpp"

namespace sesh::cli {
namespace {

long long unix_seconds(clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool is_session_id(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

void add_sessions_commands(CLI::App& app) {
    auto* cmd = app.add_subcommand("sessions", "list or end a user's server sessions");
    cmd->require_subcommand(1);
    struct args {
        store_location where;
        std::string target;
    };

    auto list = std::make_shared<args>();
    auto* list_cmd = cmd->add_subcommand("list", "a user's live sessions: id, created, last seen, expires, address, user agent");
    list_cmd->add_option("user", list->target, "login name")->required();
    add_store_options(*list_cmd, list->where);
    list_cmd->callback([list] {
        auto a = open_accounts(list->where);
        const user u = find_user_or_fail(a, list->target);
        auto records = a.sessions->list_user(u.id);
        if (!records) fail_with("the session store is unavailable: " + records.error().message());
        for (const auto& r : *records)
            std::printf("%s\t%lld\t%lld\t%lld\t%s\t%s\n", r.key.c_str(), unix_seconds(r.created), unix_seconds(r.last_seen),
                        unix_seconds(r.expires()), r.address.empty() ? "-" : r.address.c_str(),
                        r.user_agent.empty() ? "-" : r.user_agent.c_str());
    });

    auto revoke = std::make_shared<args>();
    auto* revoke_cmd = cmd->add_subcommand("revoke", "end one session (its 64-hex id) or every session of a user");
    revoke_cmd->add_option("target", revoke->target, "a session id or a login name")->required();
    add_store_options(*revoke_cmd, revoke->where);
    revoke_cmd->callback([revoke] {
        auto a = open_accounts(revoke->where);
        if (is_session_id(revoke->target)) {
            if (auto r = a.sessions->erase(revoke->target); !r) fail_with("the session store is unavailable: " + r.error().message());
            std::printf("session ended\n");
            return;
        }
        const user u = find_user_or_fail(a, revoke->target);
        const auto ended = revoke_all_sessions(a, u.id);
        std::printf("%zu session(s) of %s ended; signed tokens issued before now are refused\n", ended, u.name.c_str());
    });
}

}  // namespace sesh::cli
