// Reading seshd's configuration from the environment, and preparing the secret and data dir.
#pragma once

#include <string>

#include <sesh/result.hpp>

#include "seshd/config.hpp"

namespace sesh::seshd {

/// The configuration the SESH_* environment variables describe (unset ones keep their defaults).
/// Returns the message of the first invalid value instead (e.g. "SESH_STRATEGY must be …").
[[nodiscard]] tl::expected<config, std::string> config_from_env();

/// Fills what depends on other settings: the data dir (created 0700), the store URL, the public
/// URL, and the secret — in development a missing one is generated once into <data_dir>/secret
/// (0600) and reused; in production a missing or short one is an error. Returns a message on error.
[[nodiscard]] tl::expected<void, std::string> finish_config(config& c);

/// The contents of the file at `path` without trailing newlines and spaces; `ok` tells whether it
/// could be opened.
[[nodiscard]] std::string read_file_trimmed(const std::string& path, bool& ok);

}  // namespace sesh::seshd
