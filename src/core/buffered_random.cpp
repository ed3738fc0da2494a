// A per-thread buffer in front of the system DRBG, discarded on fork.
#include "core/buffered_random.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>

#include <pthread.h>

namespace sesh::detail {
namespace {

// Bumped in the child after every fork(); a buffer filled under another generation is stale.
std::atomic<std::uint64_t> fork_generation{0};

void on_fork_child() noexcept { fork_generation.fetch_add(1, std::memory_order_relaxed); }

struct fork_watch {
    fork_watch() noexcept { pthread_atfork(nullptr, nullptr, &on_fork_child); }
};

class buffered_random final : public random_source {
public:
    void fill(std::span<std::uint8_t> out) noexcept override {
        static const fork_watch watch;
        // Requests larger than the buffer gain nothing from it.
        if (out.size() > page_size) return system_random().fill(out);
        thread_local page p;
        const std::uint64_t generation = fork_generation.load(std::memory_order_relaxed);
        if (p.generation != generation || page_size - p.used < out.size()) {
            system_random().fill(p.bytes);
            p.used = 0;
            p.generation = generation;
        }
        std::copy_n(p.bytes.data() + p.used, out.size(), out.data());
        p.used += out.size();
    }

private:
    static constexpr std::size_t page_size = 4096;
    struct page {
        std::array<std::uint8_t, page_size> bytes{};
        std::size_t used = page_size;
        std::uint64_t generation = ~std::uint64_t{0};
    };
};

}  // namespace

random_source& codec_random(random_source* chosen) noexcept {
    static buffered_random buffered;
    return !chosen || chosen == &system_random() ? buffered : *chosen;
}

}  // namespace sesh::detail
