// seshd's configuration file (--config / SESH_CONFIG): sign-in providers in TOML, read with
// toml++, presets filled in, client secrets read from the environment or a file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "seshd/config.hpp"

namespace sesh::seshd {

/// The providers `text` describes, ordered by id (toml++ keeps a table's keys sorted). `source` names the file in
/// messages. Errors are one message naming the file and line: "FILE:LINE: what is wrong" (bad
/// TOML, an unknown key, a value of the wrong type, an unknown preset, a missing setting, a
/// client secret written in the file, a secret file or variable that cannot be read).
[[nodiscard]] tl::expected<std::vector<provider_config>, std::string> parse_provider_file(std::string_view text,
                                                                                        std::string_view source);

/// parse_provider_file of the file at `path`; an unreadable file is an error too.
[[nodiscard]] tl::expected<std::vector<provider_config>, std::string> load_provider_file(const std::string& path);

}  // namespace sesh::seshd
