// Well-known providers' endpoints and profile fields, as next-auth 4.24's provider files give
// them (providers/github.js, google.js, gitlab.js, azure-ad.js, keycloak.js, auth0.js).
#pragma once

#include <string>
#include <string_view>

#include "seshd/config.hpp"

namespace sesh::seshd {

/// Fills `p` with the preset `name`: github, google, gitlab, microsoft-entra, keycloak, auth0
/// (type, button name, endpoints, scope, profile mapping); the settings the file gives after it
/// win. keycloak and auth0 need the file's `issuer`, microsoft-entra its `tenant`
/// (finish_preset). False for an unknown name.
[[nodiscard]] bool apply_preset(std::string_view name, provider_config& p);

/// What a preset builds from the file's own settings once they are read: microsoft-entra's
/// issuer from `tenant`. Returns a message for a missing or unusable setting, else empty.
[[nodiscard]] std::string finish_preset(std::string_view name, std::string_view tenant, provider_config& p);

/// The preset names, for messages: "github, google, gitlab, microsoft-entra, keycloak, auth0".
[[nodiscard]] std::string_view preset_names() noexcept;

}  // namespace sesh::seshd
