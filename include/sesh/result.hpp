// The one definition of sesh::result: a value or a std::error_code (GCC 12 lacks std::expected).
#pragma once

#include <system_error>

#include <tl/expected.hpp>

#include <sesh/error.hpp>

namespace sesh {

/// Either a T or the std::error_code saying why there is none.
template <class T>
using result = tl::expected<T, std::error_code>;

/// The failure value for any sesh::result: `return fail(errc::expired);`.
[[nodiscard]] inline tl::unexpected<std::error_code> fail(std::error_code ec) noexcept {
    return tl::unexpected<std::error_code>(ec);
}

/// Overload taking sesh's own enumerator.
[[nodiscard]] inline tl::unexpected<std::error_code> fail(errc e) noexcept {
    return tl::unexpected<std::error_code>(make_error_code(e));
}

}  // namespace sesh
