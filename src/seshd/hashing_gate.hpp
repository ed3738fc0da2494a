// A bound on argon2id work in seshd: how many hashing jobs may wait or run, and how many of them
// sign-ups may take, so a burst of sign-ups never queues sign-ins behind it.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <type_traits>

#include <sesh/http/context.hpp>

namespace sesh::seshd {

/// Admits hashing jobs to the blocking thread pool, or refuses them at once (answer 503 with
/// Retry-After) instead of letting a backlog grow. Thread-safe.
class hashing_gate {
public:
    /// Who asks: a sign-in or password change (a user waiting) or a sign-up (anyone at all).
    enum class kind { sign_in, sign_up };

    /// `max_jobs`: jobs queued or running at most, of any kind (at least 1). `sign_up_slots`: of
    /// those, sign-ups at most; give it one less than the hashing threads, so a sign-in always
    /// finds a thread that no sign-up holds.
    hashing_gate(std::size_t max_jobs, std::size_t sign_up_slots);
    hashing_gate(const hashing_gate&) = delete;
    hashing_gate& operator=(const hashing_gate&) = delete;

    /// A place in the gate, given back when destroyed.
    class ticket {
    public:
        ticket(ticket&& other) noexcept : gate_(other.gate_), kind_(other.kind_) { other.gate_ = nullptr; }
        ticket& operator=(ticket&&) = delete;
        ~ticket();

    private:
        friend class hashing_gate;
        ticket(hashing_gate* g, kind k) : gate_(g), kind_(k) {}
        hashing_gate* gate_;
        kind kind_;
    };

    /// A ticket when a job of `k` may go on now; nullopt when the gate is full for `k`.
    [[nodiscard]] std::optional<ticket> try_enter(kind k);

    /// Runs `f` (argon2id) on the context's blocking pool if the gate admits it: its result, or
    /// nullopt when the gate is full (nothing was run).
    template <class F>
    [[nodiscard]] http::awaitable<std::optional<std::invoke_result_t<F&>>> run(http::context& ctx, kind k, F f) {
        auto t = try_enter(k);
        if (!t) co_return std::nullopt;
        co_return co_await http::offload(ctx, std::move(f));
    }

private:
    void leave(kind k);

    const std::size_t max_jobs_;
    const std::size_t sign_up_slots_;
    std::mutex mutex_;
    std::size_t jobs_ = 0;
    std::size_t sign_ups_ = 0;
};

}  // namespace sesh::seshd
