// `sesh user add|del|list|passwd`: accounts in the store seshd uses.
#include <cstdio>

#include <sesh/error.hpp>

#include "accounts.hpp"
#include "commands.hpp"

namespace sesh::cli {

void add_user_commands(CLI::App& app) {
    auto* user_cmd = app.add_subcommand("user", "manage accounts (in SESH_STORE, default sqlite:./data/sesh.db)");
    user_cmd->require_subcommand(1);

    struct add_args {
        store_location where;
        std::string name, email;
        bool password_stdin = false;
    };
    auto add = std::make_shared<add_args>();
    auto* add_cmd = user_cmd->add_subcommand("add", "create an account; prints its id");
    add_cmd->add_option("name", add->name, "login name")->required();
    add_cmd->add_option("--email", add->email, "e-mail address");
    add_cmd->add_flag("--password-stdin", add->password_stdin, "read the password from stdin");
    add_store_options(*add_cmd, add->where);
    add_cmd->callback([add] {
        const std::string name = normalize_user_name(add->name);
        if (!is_valid_user_name(name)) fail_with("a name is 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit");
        if (!is_valid_email(add->email)) fail_with("not an e-mail address: " + add->email);
        auto a = open_accounts(add->where);
        const std::string_view personal[] = {name, add->email};
        const std::string pw = read_new_password(add->password_stdin, personal);
        auto hash = hash_password(pw, a.params);
        if (!hash) fail_with("cannot hash the password");
        const auto now = system_clock().now();
        user u{make_user_id(), name, add->email, std::move(*hash), now, now};
        if (auto r = a.users->create(u); !r)
            fail_with(r.error() == errc::already_exists ? "the name is taken: " + name : "cannot create: " + r.error().message());
        // The id the store keeps: PostgreSQL gives the account its `users` row's.
        auto stored = a.users->find_by_name(name);
        if (!stored || !*stored) fail_with("created, but cannot read the account back");
        std::printf("%s\n", (*stored)->id.c_str());
    });

    struct name_args {
        store_location where;
        std::string name;
        bool password_stdin = false;
    };
    auto del = std::make_shared<name_args>();
    auto* del_cmd = user_cmd->add_subcommand("del", "delete an account and end its sessions");
    del_cmd->add_option("name", del->name, "login name")->required();
    add_store_options(*del_cmd, del->where);
    del_cmd->callback([del] {
        auto a = open_accounts(del->where);
        const user u = find_user_or_fail(a, del->name);
        const auto ended = revoke_all_sessions(a, u.id);
        if (auto r = a.users->erase(u.id); !r) fail_with("cannot delete: " + r.error().message());
        std::printf("deleted %s (%zu session(s) ended)\n", u.name.c_str(), ended);
    });

    auto passwd = std::make_shared<name_args>();
    auto* passwd_cmd = user_cmd->add_subcommand("passwd", "set a new password; ends the user's sessions");
    passwd_cmd->add_option("name", passwd->name, "login name")->required();
    passwd_cmd->add_flag("--password-stdin", passwd->password_stdin, "read the password from stdin");
    add_store_options(*passwd_cmd, passwd->where);
    passwd_cmd->callback([passwd] {
        auto a = open_accounts(passwd->where);
        const user u = find_user_or_fail(a, passwd->name);
        const std::string_view personal[] = {u.name, u.email};
        const std::string pw = read_new_password(passwd->password_stdin, personal);
        auto hash = hash_password(pw, a.params);
        if (!hash) fail_with("cannot hash the password");
        if (auto r = a.users->set_password(u.id, *hash, system_clock().now()); !r) fail_with("cannot set: " + r.error().message());
        const auto ended = revoke_all_sessions(a, u.id);
        std::printf("password changed for %s (%zu session(s) ended)\n", u.name.c_str(), ended);
    });

    auto list = std::make_shared<store_location>();
    auto* list_cmd = user_cmd->add_subcommand("list", "list accounts: name, e-mail, id, created");
    add_store_options(*list_cmd, *list);
    list_cmd->callback([list] {
        auto a = open_accounts(*list);
        auto all = a.users->list();
        if (!all) fail_with("the user store is unavailable: " + all.error().message());
        for (const auto& u : *all) {
            const auto created = std::chrono::duration_cast<std::chrono::seconds>(u.created.time_since_epoch()).count();
            std::printf("%s\t%s\t%s\t%lld\n", u.name.c_str(), u.email.empty() ? "-" : u.email.c_str(), u.id.c_str(),
                        static_cast<long long>(created));
        }
    });
}

}  // namespace sesh::cli
