// Where the sesh CLI finds its secrets: the environment or a file, never the command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sesh/iron.hpp>
#include <sesh/result.hpp>

namespace sesh::cli {

/// The text of a secret: the file's contents (one trailing newline dropped) when `file` is set,
/// else the environment variable `env`. Throws std::runtime_error saying what is missing.
std::string read_secret_text(const std::optional<std::string>& file, const char* env);

/// JWT secrets: a JSON array of strings means several (the first encrypts; rotation), anything
/// else is one secret.
std::vector<std::string> parse_jwt_secrets(const std::string& text);

/// iron passwords: a JSON object {"1":"…"} or one password (id "1"), as iron-session reads them.
password_map parse_iron_passwords(const std::string& text);

}  // namespace sesh::cli
