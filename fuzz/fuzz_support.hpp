// What every fuzz target shares: the input as text, and a check that stops the run loudly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace sesh::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) noexcept {
    return {reinterpret_cast<const char*>(data), size};
}

/// A broken invariant is a finding: abort, so libFuzzer saves the input as a crash.
inline void require(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
}

/// Splits at the first `sep`: two inputs from one (the second empty when there is none).
inline std::pair<std::string_view, std::string_view> split(std::string_view s, char sep) noexcept {
    const auto at = s.find(sep);
    if (at == std::string_view::npos) return {s, {}};
    return {s.substr(0, at), s.substr(at + 1)};
}

}  // namespace sesh::fuzz
