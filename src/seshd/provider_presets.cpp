// Provider presets: the facts of next-auth 4.24's provider files, written as seshd's settings.
#include "seshd/provider_presets.hpp"

namespace sesh::seshd {
namespace {

void oauth_endpoints(provider_config& p, std::string authorize, std::string token, std::string profile) {
    p.type = provider_type::oauth;
    p.authorization_endpoint = std::move(authorize);
    p.token_endpoint = std::move(token);
    p.profile_url = std::move(profile);
}

}  // namespace

std::string_view preset_names() noexcept { return "github, google, gitlab, microsoft-entra, keycloak, auth0"; }

bool apply_preset(std::string_view name, provider_config& p) {
    if (name == "github") {
        // No OpenID Connect: the profile from the REST API; ids are numbers, the display name
        // falls back to the login, and a private e-mail is read from /user/emails (the primary).
        p.name = "GitHub";
        oauth_endpoints(p, "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token",
                        "https://api.github.com/user");
        p.emails_url = "https://api.github.com/user/emails";
        p.scope = "read:user user:email";
        p.profile.id = {"id"};
        p.profile.name = {"name", "login"};
        p.profile.image = {"avatar_url"};
        return true;
    }
    if (name == "gitlab") {
        p.name = "GitLab";
        oauth_endpoints(p, "https://gitlab.com/oauth/authorize", "https://gitlab.com/oauth/token",
                        "https://gitlab.com/api/v4/user");
        p.scope = "read_user";
        p.profile.id = {"id"};
        p.profile.name = {"name", "username"};
        p.profile.image = {"avatar_url"};
        return true;
    }
    if (name == "google") {
        p.name = "Google";
        p.type = provider_type::oidc;
        p.issuer = "https://accounts.google.com";
        p.scope = "openid email profile";
        p.profile.name = {"name"};
        return true;
    }
    if (name == "microsoft-entra") {
        p.name = "Microsoft Entra ID";
        p.type = provider_type::oidc;
        p.scope = "openid profile email";
        p.profile.name = {"name"};
        p.profile.image = {};  // next-auth reads the photo from Microsoft Graph; seshd shows none
        return true;
    }
    if (name == "keycloak") {
        p.name = "Keycloak";
        p.type = provider_type::oidc;
        p.scope = "openid email profile";
        p.profile.name = {"name", "preferred_username"};
        return true;
    }
    if (name == "auth0") {
        p.name = "Auth0";
        p.type = provider_type::oidc;
        p.scope = "openid email profile";
        p.profile.name = {"nickname"};
        return true;
    }
    return false;
}

std::string finish_preset(std::string_view name, std::string_view tenant, provider_config& p) {
    if (name == "microsoft-entra") {
        // The multi-tenant names are no issuer: each ID token names its own tenant, which
        // discovery's `issuer` cannot match (Discovery 1.0 §4.3). The directory's id is.
        if (tenant.empty() || tenant == "common" || tenant == "organizations" || tenant == "consumers")
            return "microsoft-entra needs `tenant`: the directory (tenant) id, not common, organizations or consumers";
        if (p.issuer.empty()) p.issuer = "https://login.microsoftonline.com/" + std::string(tenant) + "/v2.0";
        return {};
    }
    if ((name == "keycloak" || name == "auth0") && p.issuer.empty())
        return std::string(name) + " needs `issuer` (" +
               (name == "keycloak" ? "https://HOST/realms/REALM" : "https://TENANT.auth0.com/") + ")";
    return {};
}

}  // namespace sesh::seshd
