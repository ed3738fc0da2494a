// hashing_gate: two counters under a mutex (taken twice per argon2id job, which costs ~10^4
// times more).
#include "seshd/hashing_gate.hpp"

#include <algorithm>

namespace sesh::seshd {

hashing_gate::hashing_gate(std::size_t max_jobs, std::size_t sign_up_slots)
    : max_jobs_(std::max<std::size_t>(max_jobs, 1)), sign_up_slots_(std::max<std::size_t>(sign_up_slots, 1)) {}

std::optional<hashing_gate::ticket> hashing_gate::try_enter(kind k) {
    std::lock_guard lock(mutex_);
    if (jobs_ >= max_jobs_) return std::nullopt;
    if (k == kind::sign_up) {
        if (sign_ups_ >= sign_up_slots_) return std::nullopt;
        ++sign_ups_;
    }
    ++jobs_;
    return ticket(this, k);
}

void hashing_gate::leave(kind k) {
    std::lock_guard lock(mutex_);
    --jobs_;
    if (k == kind::sign_up) --sign_ups_;
}

hashing_gate::ticket::~ticket() {
    if (gate_ != nullptr) gate_->leave(kind_);
}

}  // namespace sesh::seshd
