// The one definition of sesh::result: a value or a std::error_code (GCC 12 lacks std::expected).
#pragma once

#include <string>
#include <system_error>
#include <utility>

#include <tl/expected.hpp>

#include <sesh/error.hpp>

/// What `.value()` on a sesh::result holding an error throws. tl-expected's own says only
/// "Bad expected access"; this one is a std::system_error whose code() is the error and whose
/// what() names it: "sesh::result::value() on an error (sesh:10): session store unavailable".
/// `error()` as tl::bad_expected_access has it. Specialized here, where sesh::result is defined:
/// a program must include <sesh/result.hpp> (any sesh header) before calling `.value()` on a
/// tl::expected<T, std::error_code> of its own.
template <>
class tl::bad_expected_access<std::error_code> : public std::system_error {
public:
    explicit bad_expected_access(std::error_code e)
        : std::system_error(e, "sesh::result::value() on an error (" + std::string(e.category().name()) + ":" +
                                   std::to_string(e.value()) + ")") {}

    [[nodiscard]] const std::error_code& error() const& noexcept { return code(); }
};

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
