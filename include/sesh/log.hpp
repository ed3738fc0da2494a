// Where libsesh's log lines go: one spdlog logger that the host program can replace or silence.
// The library never writes to stdout, which belongs to the host.
#pragma once

#include <memory>

#include <spdlog/logger.h>

namespace sesh {

/// The logger every libsesh log line goes to (store failures, corrupt records, a SQLite schema
/// migration, the server's start and stop, refused cookies at debug level; never a token).
/// Until set_logger is called: a logger named "sesh" writing to stderr at level warn, kept out
/// of spdlog's registry so it never clashes with the host's own "sesh" logger. Change its level
/// with `sesh::logger()->set_level(…)`. Never null. Thread-safe.
[[nodiscard]] std::shared_ptr<spdlog::logger> logger();

/// Makes `l` the library's logger, e.g. the host's own (`spdlog::default_logger()`), so the host
/// chooses sinks, format and level; null silences the library (a logger without sinks). Lines
/// being written while it is replaced finish on the previous logger. Thread-safe.
void set_logger(std::shared_ptr<spdlog::logger> l);

}  // namespace sesh
