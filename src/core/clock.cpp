// The system clock behind sesh::system_clock().
#include <sesh/clock.hpp>

namespace sesh {
namespace {

class system_clock_impl final : public clock {
public:
    [[nodiscard]] time_point now() const noexcept override { return std::chrono::system_clock::now(); }
};

}  // namespace

const clock& system_clock() noexcept {
    static const system_clock_impl instance;
    return instance;
}

}  // namespace sesh
