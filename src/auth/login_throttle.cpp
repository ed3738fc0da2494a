// The throttle's policy: exponential backoff per (account, address) and per address, and an
// hourly cap per account, computed from the failures its throttle_store keeps.
#include <sesh/login_throttle.hpp>

#include <algorithm>
#include <limits>

#include <sesh/log.hpp>

#include "auth/throttle_backends.hpp"

namespace sesh {
namespace {

using time_point = clock::time_point;
using std::chrono::milliseconds;
constexpr std::size_t no_limit = std::numeric_limits<std::size_t>::max();

// The wait imposed by `all` (oldest first): nothing for the free failures, then base * 2^(n - free)
// after the latest failure, capped at max_delay; and, past the hourly cap, until the oldest
// counted failure leaves the hour. Failures an hour old or more do not count.
milliseconds wait_of(const std::vector<time_point>& all, std::size_t free, std::size_t hourly_cap, time_point now,
                     const throttle_options& o) {
    const auto first = std::find_if(all.begin(), all.end(), [&](time_point t) { return now - t < detail::throttle_hour; });
    const std::size_t n = static_cast<std::size_t>(all.end() - first);
    if (n == 0) return milliseconds(0);
    milliseconds w(0);
    if (n >= hourly_cap) w = std::chrono::ceil<milliseconds>(first[n - hourly_cap] + detail::throttle_hour - now);
    if (n >= free) {
        const std::size_t doublings = std::min<std::size_t>(n - free, 30);
        const milliseconds delay = std::min<milliseconds>(o.base_delay * (1LL << doublings), o.max_delay);
        w = std::max(w, std::chrono::ceil<milliseconds>(all.back() + delay - now));
    }
    return std::max(w, milliseconds(0));
}

}  // namespace

struct login_throttle::impl {
    throttle_options options;
    const sesh::clock& clock;
    std::shared_ptr<throttle_store> counts;

    impl(std::shared_ptr<throttle_store> c, throttle_options o)
        : options(o), clock(o.clock ? *o.clock : system_clock()), counts(std::move(c)) {}

    // The backoff needs the last failure and the count up to 30 doublings; the share needs the
    // hour's count up to the share.
    [[nodiscard]] throttle_keep keep() const {
        const auto& o = options;
        return throttle_keep{std::max(o.free_failures_per_account + 31, o.address_share_per_hour + 1),
                             o.free_failures_per_address + 31, o.max_failures_per_hour, o.address_share_per_hour};
    }

    // An address has no hourly cap of its own beyond its backoff: many people may share it.
    [[nodiscard]] milliseconds wait(const throttle_failures& f, time_point now) const {
        const auto& o = options;
        return std::max({wait_of(f.pair, o.free_failures_per_account, no_limit, now, o),
                         wait_of(f.address, o.free_failures_per_address, no_limit, now, o),
                         wait_of(f.account, no_limit, o.max_failures_per_hour, now, o)});
    }
};

login_throttle::login_throttle(throttle_options options)
    : login_throttle(detail::make_memory_throttle_store(options.max_entries), options) {}
login_throttle::login_throttle(std::shared_ptr<throttle_store> counts, throttle_options options)
    : impl_(std::make_shared<impl>(std::move(counts), options)) {}
login_throttle::~login_throttle() = default;

result<milliseconds> login_throttle::check(std::string_view account, std::string_view address) const {
    const auto now = impl_->clock.now();
    auto f = impl_->counts->load(account, address, now);
    if (!f) return fail(f.error());
    return impl_->wait(*f, now);
}

milliseconds login_throttle::retry_after(std::string_view account, std::string_view address) const {
    auto w = check(account, address);
    if (w) return *w;
    sesh::logger()->error("login throttle: the failure counts cannot be read ({}); refusing the attempt",
                          w.error().message());
    return impl_->options.max_delay;
}

void login_throttle::record_failure(std::string_view account, std::string_view address) {
    if (auto r = impl_->counts->add_failure(account, address, impl_->clock.now(), impl_->keep()); !r)
        sesh::logger()->error("login throttle: a failure could not be recorded ({})", r.error().message());
}

void login_throttle::record_success(std::string_view account, std::string_view address) {
    if (auto r = impl_->counts->clear_pair(account, address); !r)
        sesh::logger()->error("login throttle: a success could not be recorded ({})", r.error().message());
}

void login_throttle::start_check(std::string account, std::string address, boost::asio::io_context* loop,
                                 store_callback<milliseconds> done) const {
    // The callback borrows the state (the throttle outlives its operations, as a store does):
    // owning it would let the last reference die on the store's own thread, whose destructor
    // would then join itself (std::system_error "Resource deadlock avoided").
    const auto now = impl_->clock.now();
    impl_->counts->start_load(std::move(account), std::move(address), now, loop,
                              [i = impl_.get(), now, done = std::move(done)](result<throttle_failures> f) {
                                  if (!f) return done(fail(f.error()));
                                  done(i->wait(*f, now));
                              });
}

void login_throttle::start_record_failure(std::string account, std::string address, boost::asio::io_context* loop,
                                          store_callback<void> done) {
    impl_->counts->start_add_failure(std::move(account), std::move(address), impl_->clock.now(), impl_->keep(), loop,
                                     std::move(done));
}

void login_throttle::start_record_success(std::string account, std::string address, boost::asio::io_context* loop,
                                          store_callback<void> done) {
    impl_->counts->start_clear_pair(std::move(account), std::move(address), loop, std::move(done));
}

}  // namespace sesh
