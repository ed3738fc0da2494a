// Making request-derived text safe to write into a log line.
#pragma once

#include <string>
#include <string_view>

namespace sesh {

/// `text` with everything that could end a log line, fake one or garble a terminal escaped:
/// `\n` `\r` `\t` as themselves, other C0 controls, DEL and bytes that are not valid UTF-8 as
/// `\xNN`, C1 controls and U+2028/U+2029 as `\uNNNN`, and the backslash as `\\` (so an escape
/// cannot be faked). Valid UTF-8 text passes through unchanged. Call it on every value that came
/// from a request before logging it (OWASP Logging Cheat Sheet: log injection, CWE-117).
[[nodiscard]] std::string escape_for_log(std::string_view text);

}  // namespace sesh
