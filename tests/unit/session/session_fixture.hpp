// Test helpers for the session manager: a browser cookie jar, a store that counts (and can fail)
// its calls, and a fixed clock and random source.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include <sesh/session_manager.hpp>
#include <sesh/store.hpp>

namespace sesh_test {

using namespace std::chrono_literals;

/// A fixed instant to start every test at (2023-11-14), away from any boundary.
inline const sesh::clock::time_point t0{std::chrono::seconds(1'700'000'000)};

/// A browser's cookie jar for one site: applies Set-Cookie values the way a browser does
/// (Max-Age=0 deletes), and sends them back as one Cookie header.
struct browser {
    std::map<std::string, std::string> jar;

    void apply(const std::vector<std::string>& set_cookies) {
        for (const auto& line : set_cookies) {
            const auto eq = line.find('=');
            const auto semi = line.find(';');
            ASSERT_NE(eq, std::string::npos) << line;
            std::string name = line.substr(0, eq);
            std::string value = line.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
            if (line.find("; Max-Age=0;") != std::string::npos || line.ends_with("; Max-Age=0"))
                jar.erase(name);
            else
                jar[name] = value;
        }
    }
    [[nodiscard]] std::string header() const {
        std::string h;
        for (const auto& [n, v] : jar) {
            if (!h.empty()) h += "; ";
            h += n + "=" + v;
        }
        return h;
    }
};

/// True when `line` is a deletion: empty value and Max-Age=0.
[[nodiscard]] inline bool is_deletion(std::string_view line) {
    const auto eq = line.find('=');
    return eq != std::string_view::npos && eq + 1 < line.size() && line[eq + 1] == ';' &&
           line.find("; Max-Age=0;") != std::string_view::npos;
}

/// The cookie name of a Set-Cookie value.
[[nodiscard]] inline std::string name_of(std::string_view line) { return std::string(line.substr(0, line.find('='))); }

/// The value of a Set-Cookie line.
[[nodiscard]] inline std::string value_of(std::string_view line) {
    const auto eq = line.find('=');
    return std::string(line.substr(eq + 1, line.find(';') - eq - 1));
}

/// A store that forwards to the memory backend, counts the calls that write, and can be taken
/// down to play an outage.
class counting_store final : public sesh::store {
public:
    explicit counting_store(const sesh::clock& clk) {
        sesh::store_options o;
        o.clock = &clk;
        inner_ = sesh::open_store("memory:", o).value();
    }

    std::atomic<int> gets{0}, creates{0}, updates{0}, touch_calls{0}, touch_writes{0};
    std::atomic<int> erases{0}, denies{0}, revoked_calls{0};
    std::atomic<bool> down{false};

    sesh::result<std::optional<sesh::session_record>> get(std::string_view key) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        ++gets;
        return inner_->get(key);
    }
    sesh::result<void> create(const sesh::session_record& r) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        ++creates;
        return inner_->create(r);
    }
    sesh::result<void> update(const sesh::session_record& r) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        ++updates;
        return inner_->update(r);
    }
    sesh::result<bool> touch(std::string_view key, sesh::clock::time_point last_seen,
                             sesh::clock::time_point idle_expires) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        ++touch_calls;
        auto r = inner_->touch(key, last_seen, idle_expires);
        if (r && *r) ++touch_writes;
        return r;
    }
    sesh::result<void> erase(std::string_view key) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        ++erases;
        return inner_->erase(key);
    }
    sesh::result<std::vector<sesh::session_record>> list_user(std::string_view user_id) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        return inner_->list_user(user_id);
    }
    sesh::result<std::size_t> erase_user(std::string_view user_id, std::string_view keep) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        return inner_->erase_user(user_id, keep);
    }
    sesh::result<void> deny(std::string_view jti, sesh::clock::time_point until) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        ++denies;
        return inner_->deny(jti, until);
    }
    sesh::result<void> set_not_before(std::string_view user_id, sesh::clock::time_point t) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        return inner_->set_not_before(user_id, t);
    }
    sesh::result<bool> revoked(std::string_view jti, std::string_view user_id,
                               sesh::clock::time_point issued_at) override {
        if (down) return sesh::fail(sesh::errc::store_unavailable);
        ++revoked_calls;
        return inner_->revoked(jti, user_id, issued_at);
    }
    sesh::result<std::size_t> purge_expired(std::size_t max) override { return inner_->purge_expired(max); }

private:
    std::unique_ptr<sesh::store> inner_;
};

/// Randomness a test can predict: draw n fills every byte i with byte i % 8 of the counter n,
/// so each draw differs from every other in each of its 8-byte blocks.
class counter_random final : public sesh::random_source {
public:
    void fill(std::span<std::uint8_t> out) noexcept override {
        const std::uint64_t n = next_.fetch_add(1);
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(n >> (8 * (i % 8)));
    }
    [[nodiscard]] std::uint64_t draws() const noexcept { return next_.load(); }

private:
    std::atomic<std::uint64_t> next_{0};
};

/// The Set-Cookie values of a save that must succeed.
[[nodiscard]] inline std::vector<std::string> saved(const sesh::session_manager& m, sesh::session& s) {
    auto r = m.save(s);
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : std::vector<std::string>{};
}

/// The session of a Cookie header, which must load.
[[nodiscard]] inline sesh::session loaded(const sesh::session_manager& m, const std::string& header,
                                          const sesh::client_info& client = {"127.0.0.1", "test-agent/1.0"}) {
    auto r = m.load(header, client);
    EXPECT_TRUE(r) << r.error().message();
    return r ? std::move(*r) : sesh::session{};
}

}  // namespace sesh_test
