// The library's replaceable logger (include/sesh/log.hpp): stderr at warn until the host says.
#include <sesh/log.hpp>

#include <atomic>

#include <spdlog/sinks/stdout_sinks.h>

namespace sesh {
namespace {

std::shared_ptr<spdlog::logger> default_logger() {
    auto l = std::make_shared<spdlog::logger>("sesh", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_level(spdlog::level::warn);
    return l;
}

// One atomic slot, so a host may swap the logger while requests are logging.
std::atomic<std::shared_ptr<spdlog::logger>>& slot() {
    static std::atomic<std::shared_ptr<spdlog::logger>> current{default_logger()};
    return current;
}

}  // namespace

std::shared_ptr<spdlog::logger> logger() { return slot().load(std::memory_order_acquire); }

void set_logger(std::shared_ptr<spdlog::logger> l) {
    if (!l) l = std::make_shared<spdlog::logger>("sesh");
    slot().store(std::move(l), std::memory_order_release);
}

}  // namespace sesh
