// ISO 8601 with milliseconds (core/iso8601.hpp): one writer for next-auth's `expires` and seshd's pages.
#include "core/iso8601.hpp"

#include <cstdio>
#include <ctime>

#include "core/unix_ms.hpp"

namespace sesh::detail {

std::string iso8601_ms(clock::time_point t) {
    const auto ms = to_unix_ms(t);
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

}  // namespace sesh::detail
