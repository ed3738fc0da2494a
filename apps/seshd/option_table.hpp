// Every seshd setting, once: its environment variable, its flag, its default and what it does.
// `seshd --help` is printed from it, so the help cannot forget a setting the README names (a
// test compares the two).
#pragma once

#include <span>

namespace seshd_cli {

struct option_doc {
    const char* env;          ///< SESH_…; the configuration is read from the environment only
    const char* flag;         ///< --… that sets `env`, or nullptr (a secret is never a flag)
    const char* value;        ///< what the value is: ADDRESS, SECONDS, URL …
    const char* default_text; ///< the default as a reader needs it
    const char* meaning;
};

/// The table, in the order the help shows it (most used first).
[[nodiscard]] std::span<const option_doc> option_table();

}  // namespace seshd_cli
