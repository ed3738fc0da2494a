// `memory:` user store: process-local accounts in a map, for tests and single-process demos.
#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

#include <sesh/error.hpp>

#include "auth/user_backends.hpp"

namespace sesh::detail {
namespace {

class memory_user_store final : public user_store {
public:
    result<std::optional<user>> find_by_name(std::string_view name) override {
        std::lock_guard lock(mutex_);
        auto it = by_name_.find(std::string(name));
        if (it == by_name_.end()) return std::nullopt;
        return users_.at(it->second);
    }
    result<std::optional<user>> find_by_id(std::string_view id) override {
        std::lock_guard lock(mutex_);
        auto it = users_.find(std::string(id));
        if (it == users_.end()) return std::nullopt;
        return it->second;
    }
    result<void> create(const user& u) override {
        if (!user_is_well_formed(u)) return fail(errc::invalid_argument);
        std::lock_guard lock(mutex_);
        if (by_name_.contains(u.name) || users_.contains(u.id)) return fail(errc::already_exists);
        users_.emplace(u.id, u);
        by_name_.emplace(u.name, u.id);
        return {};
    }
    result<void> set_password(std::string_view id, std::string_view hash, clock::time_point changed) override {
        std::lock_guard lock(mutex_);
        auto it = users_.find(std::string(id));
        if (it == users_.end()) return fail(errc::not_found);
        it->second.password_hash = hash;
        it->second.password_changed = changed;
        return {};
    }
    result<void> erase(std::string_view id) override {
        std::lock_guard lock(mutex_);
        auto it = users_.find(std::string(id));
        if (it == users_.end()) return {};
        by_name_.erase(it->second.name);
        users_.erase(it);
        std::erase_if(accounts_, [&](const auto& kv) { return kv.second.user_id == id; });
        return {};
    }
    result<std::vector<user>> list() override {
        std::lock_guard lock(mutex_);
        std::vector<user> out;
        for (const auto& [name, id] : by_name_) out.push_back(users_.at(id));
        return out;
    }

    result<std::optional<user>> find_by_email(std::string_view email) override {
        if (email.empty()) return std::nullopt;
        const std::string key = email_key(email);
        std::lock_guard lock(mutex_);
        const user* oldest = nullptr;
        for (const auto& [id, u] : users_)
            if (email_key(u.email) == key && (!oldest || u.created < oldest->created)) oldest = &u;
        if (!oldest) return std::nullopt;
        return *oldest;
    }
    result<std::optional<linked_account>> find_account(std::string_view provider,
                                                       std::string_view provider_account_id) override {
        std::lock_guard lock(mutex_);
        auto it = accounts_.find({std::string(provider), std::string(provider_account_id)});
        if (it == accounts_.end()) return std::nullopt;
        return it->second;
    }
    result<void> link_account(const linked_account& a) override {
        if (!account_is_well_formed(a)) return fail(errc::invalid_argument);
        std::lock_guard lock(mutex_);
        if (!users_.contains(a.user_id)) return fail(errc::not_found);
        if (!accounts_.emplace(std::pair{a.provider, a.provider_account_id}, a).second) return fail(errc::already_exists);
        return {};
    }
    result<std::vector<linked_account>> list_accounts(std::string_view user_id) override {
        std::lock_guard lock(mutex_);
        std::vector<linked_account> out;
        for (const auto& [key, a] : accounts_)  // ordered by (provider, provider_account_id)
            if (a.user_id == user_id) out.push_back(a);
        return out;
    }

private:
    std::mutex mutex_;
    std::map<std::string, user> users_;          // by id
    std::map<std::string, std::string> by_name_;  // name -> id, ordered for list()
    std::map<std::pair<std::string, std::string>, linked_account> accounts_;  // by (provider, provider account id)
};

}  // namespace

result<std::unique_ptr<user_store>> make_user_store(const memory_backend&, const store_options&) {
    return std::unique_ptr<user_store>(std::make_unique<memory_user_store>());
}

}  // namespace sesh::detail
