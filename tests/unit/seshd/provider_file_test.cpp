// seshd's configuration file: providers in TOML with presets, secrets from the environment or a
// file, and every mistake an error that names its line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "seshd/provider_file.hpp"

namespace sesh::seshd {
namespace {

struct provider_file : ::testing::Test {
    void SetUp() override { ::setenv("SESH_TEST_PROVIDER_SECRET", "s3cret-from-the-environment", 1); }
    void TearDown() override { ::unsetenv("SESH_TEST_PROVIDER_SECRET"); }

    static std::vector<provider_config> parse_ok(std::string_view text) {
        auto r = parse_provider_file(text, "test.toml");
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
        return r ? std::move(*r) : std::vector<provider_config>{};
    }
    static std::string parse_error(std::string_view text) {
        auto r = parse_provider_file(text, "test.toml");
        EXPECT_FALSE(r.has_value());
        return r ? std::string() : r.error();
    }
};

TEST_F(provider_file, the_github_preset_gives_next_auths_endpoints_and_profile_fields) {
    const auto ps = parse_ok(R"toml(
[providers.github]
client_id = "Iv1.0123"
client_secret_env = "SESH_TEST_PROVIDER_SECRET"
)toml");
    ASSERT_EQ(ps.size(), 1u);
    const auto& p = ps[0];
    EXPECT_EQ(p.id, "github");
    EXPECT_EQ(p.name, "GitHub");
    EXPECT_EQ(p.type, provider_type::oauth);
    EXPECT_EQ(p.authorization_endpoint, "https://github.com/login/oauth/authorize");
    EXPECT_EQ(p.token_endpoint, "https://github.com/login/oauth/access_token");
    EXPECT_EQ(p.profile_url, "https://api.github.com/user");
    EXPECT_EQ(p.emails_url, "https://api.github.com/user/emails");
    EXPECT_EQ(p.scope, "read:user user:email");
    EXPECT_EQ(p.profile.id, (std::vector<std::string>{"id"}));
    EXPECT_EQ(p.profile.name, (std::vector<std::string>{"name", "login"}));
    EXPECT_EQ(p.profile.image, (std::vector<std::string>{"avatar_url"}));
    EXPECT_EQ(p.client_id, "Iv1.0123");
    EXPECT_EQ(p.client_secret, "s3cret-from-the-environment");
    EXPECT_FALSE(p.allow_email_linking);
}

TEST_F(provider_file, oidc_presets_take_their_issuer_and_settings_override_them) {
    const auto ps = parse_ok(R"toml(
[providers.company]
preset = "keycloak"
name = "Company SSO"
issuer = "https://sso.example.com/realms/main"
client_id = "seshd"
client_secret_env = "SESH_TEST_PROVIDER_SECRET"
allow_email_linking = true
auth_method = "client_secret_post"
timeout_ms = 2500

[providers.entra]
preset = "microsoft-entra"
tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
client_id = "app"
client_secret_env = "SESH_TEST_PROVIDER_SECRET"

[providers.google]
client_id = "x.apps.googleusercontent.com"
client_secret_env = "SESH_TEST_PROVIDER_SECRET"

[providers.shop]
preset = "auth0"
issuer = "https://shop.eu.auth0.com/"
client_id = "a"
client_secret_env = "SESH_TEST_PROVIDER_SECRET"
)toml");
    ASSERT_EQ(ps.size(), 4u);  // ordered by id
    EXPECT_EQ(ps[0].id, "company");
    EXPECT_EQ(ps[0].name, "Company SSO");
    EXPECT_EQ(ps[0].type, provider_type::oidc);
    EXPECT_EQ(ps[0].issuer, "https://sso.example.com/realms/main");
    EXPECT_EQ(ps[0].profile.name, (std::vector<std::string>{"name", "preferred_username"}));
    EXPECT_TRUE(ps[0].allow_email_linking);
    EXPECT_TRUE(ps[0].secret_in_body);
    EXPECT_EQ(ps[0].timeout, std::chrono::milliseconds(2500));
    EXPECT_EQ(ps[1].issuer, "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0");
    EXPECT_EQ(ps[1].name, "Microsoft Entra ID");
    EXPECT_EQ(ps[2].issuer, "https://accounts.google.com");
    EXPECT_EQ(ps[2].scope, "openid email profile");
    EXPECT_EQ(ps[3].profile.name, (std::vector<std::string>{"nickname"}));
}

TEST_F(provider_file, a_generic_oauth_provider_with_its_profile_mapping) {
    const auto ps = parse_ok(R"toml(
[providers.forge]
type = "oauth"
name = "Forge"
authorization_endpoint = "https://forge.example/oauth/authorize"
token_endpoint = "https://forge.example/oauth/token"
profile_url = "https://forge.example/api/me"
scope = "profile"
client_id = "c"
client_secret_env = "SESH_TEST_PROVIDER_SECRET"

[providers.forge.profile]
id = "uid"
name = ["display_name", "handle"]
image = "avatar"
trust_email = true
)toml");
    ASSERT_EQ(ps.size(), 1u);
    EXPECT_EQ(ps[0].type, provider_type::oauth);
    EXPECT_EQ(ps[0].profile.id, (std::vector<std::string>{"uid"}));
    EXPECT_EQ(ps[0].profile.name, (std::vector<std::string>{"display_name", "handle"}));
    EXPECT_EQ(ps[0].profile.email, (std::vector<std::string>{"email"}));
    EXPECT_TRUE(ps[0].profile.trust_email);
}

TEST_F(provider_file, reads_the_client_secret_from_a_file) {
    const auto path = std::filesystem::temp_directory_path() / ("sesh-secret-" + std::to_string(::getpid()));
    std::ofstream(path) << "from-a-file\n";
    const auto ps = parse_ok("[providers.github]\nclient_id = \"a\"\nclient_secret_file = \"" + path.string() + "\"\n");
    std::filesystem::remove(path);
    ASSERT_EQ(ps.size(), 1u);
    EXPECT_EQ(ps[0].client_secret, "from-a-file");
}

TEST_F(provider_file, bad_toml_names_its_line) {
    EXPECT_TRUE(parse_error("[providers.github]\nclient_id = \"a\"\nclient_secret_env = \n").starts_with("test.toml:3: "));
}

TEST_F(provider_file, an_unknown_key_is_an_error_with_its_line) {
    const auto e = parse_error("[providers.github]\nclient_id = \"a\"\nclient_secret_env = \"SESH_TEST_PROVIDER_SECRET\"\n"
                               "scopes = \"read:user\"\n");
    EXPECT_EQ(e, "test.toml:4: unknown key scopes in provider github");
    EXPECT_TRUE(parse_error("[server]\nlisten = \"x\"\n").starts_with("test.toml:1: unknown key server"));
    EXPECT_TRUE(parse_error("[providers.x]\ntype = \"oauth\"\n[providers.x.profile]\nnick = \"n\"\n")
                    .starts_with("test.toml:4: unknown key profile.nick"));
}

TEST_F(provider_file, a_value_of_the_wrong_type_names_its_line) {
    EXPECT_EQ(parse_error("[providers.github]\nclient_id = 12\n"), "test.toml:2: client_id must be a string");
    EXPECT_EQ(parse_error("[providers.github]\nallow_email_linking = \"yes\"\n"),
              "test.toml:2: allow_email_linking must be true or false");
    EXPECT_EQ(parse_error("[providers.github]\ntimeout_ms = -5\n"),
              "test.toml:2: timeout_ms must be a positive number of milliseconds");
    EXPECT_EQ(parse_error("[providers.x]\ntype = \"saml\"\n"), "test.toml:2: type must be \"oidc\" or \"oauth\"");
}

TEST_F(provider_file, a_secret_written_in_the_file_is_refused) {
    EXPECT_TRUE(parse_error("[providers.github]\nclient_id = \"a\"\nclient_secret = \"plain\"\n")
                    .starts_with("test.toml:3: client_secret is not read from the file"));
}

TEST_F(provider_file, missing_settings_are_errors) {
    EXPECT_EQ(parse_error("[providers.github]\nclient_secret_env = \"SESH_TEST_PROVIDER_SECRET\"\n"),
              "test.toml:1: provider github needs client_id");
    EXPECT_EQ(parse_error("[providers.github]\nclient_id = \"a\"\n"),
              "test.toml:1: provider github needs client_secret_env or client_secret_file");
    EXPECT_EQ(parse_error("[providers.kc]\npreset = \"keycloak\"\nclient_id = \"a\"\n"),
              "test.toml:1: keycloak needs `issuer` (https://HOST/realms/REALM)");
    EXPECT_TRUE(parse_error("[providers.ms]\npreset = \"microsoft-entra\"\ntenant = \"common\"\n")
                    .starts_with("test.toml:1: microsoft-entra needs `tenant`"));
    EXPECT_TRUE(parse_error("[providers.x]\ntype = \"oauth\"\nclient_id = \"a\"\n")
                    .starts_with("test.toml:1: provider x (oauth) needs authorization_endpoint"));
    EXPECT_EQ(parse_error("[providers.x]\nclient_id = \"a\"\n"), "test.toml:1: provider x (oidc) needs issuer");
    EXPECT_EQ(parse_error("[providers.github]\nclient_id = \"a\"\nclient_secret_env = \"SESH_NO_SUCH_VARIABLE\"\n"),
              "test.toml:3: the environment variable SESH_NO_SUCH_VARIABLE is not set");
    EXPECT_TRUE(parse_error("[providers.github]\nclient_id = \"a\"\nclient_secret_file = \"/nonexistent/secret\"\n")
                    .starts_with("test.toml:3: cannot read the client secret"));
}

TEST_F(provider_file, unknown_presets_and_bad_ids_are_errors) {
    EXPECT_EQ(parse_error("[providers.x]\npreset = \"okta\"\n"),
              "test.toml:2: unknown preset 'okta' (github, google, gitlab, microsoft-entra, keycloak, auth0)");
    EXPECT_TRUE(parse_error("[providers.\"Bad Id\"]\ntype = \"oidc\"\n").starts_with("test.toml:1: provider id 'Bad Id'"));
    EXPECT_TRUE(parse_error("providers = 3\n").starts_with("test.toml:1: providers must be a table"));
}

TEST_F(provider_file, an_unreadable_file_is_an_error) {
    auto r = load_provider_file("/nonexistent/seshd.toml");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "cannot read the configuration file /nonexistent/seshd.toml");
}

}  // namespace
}  // namespace sesh::seshd
