// The asynchronous face's completion tokens (<sesh/async_store.hpp>): a coroutine, a callback bound
// to an executor and a future each get the result, on the executor they asked for, never inline.
#include <sesh/async_store.hpp>
#include <sesh/opaque_token.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

#include <gtest/gtest.h>

namespace sesh::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

session_record record(std::string_view name) {
    session_record r;
    r.key = opaque_token_store_key(name);
    r.user_id = "u1";
    r.data = R"({"n":1})";
    r.created = r.last_seen = system_clock().now();
    r.idle_expires = r.created + 30min;
    r.absolute_expires = r.created + 24h;
    return r;
}

std::unique_ptr<store> memory() { return open_store("memory:").value(); }

TEST(async_store, a_coroutine_awaits_each_operation_and_resumes_on_its_loop) {
    auto s = memory();
    asio::io_context loop;
    bool finished = false;
    asio::co_spawn(
        loop,
        [&]() -> asio::awaitable<void> {
            const auto loop_thread = std::this_thread::get_id();
            const auto r = record("a");
            auto created = co_await async_create(*s, r, asio::use_awaitable);
            EXPECT_TRUE(created);
            EXPECT_EQ(std::this_thread::get_id(), loop_thread);
            auto got = co_await async_get(*s, r.key, asio::use_awaitable);
            EXPECT_TRUE(got && *got && (*got)->data == r.data);
            auto again = co_await async_create(*s, r, asio::use_awaitable);
            EXPECT_EQ(again.error(), errc::already_exists) << "a failure is a value, not an exception";
            auto listed = co_await async_list_user(*s, "u1", asio::use_awaitable);
            EXPECT_TRUE(listed && listed->size() == 1);
            auto erased = co_await async_erase_user(*s, "u1", "", asio::use_awaitable);
            EXPECT_TRUE(erased && *erased == 1);
            finished = true;
        },
        asio::detached);
    loop.run();
    EXPECT_TRUE(finished);
}

TEST(async_store, a_callback_runs_on_its_bound_executor_after_the_call_returns) {
    auto s = memory();
    asio::io_context loop;
    std::thread::id ran_on;
    bool returned = false;
    bool called_before_return = false;
    async_get(*s, opaque_token_store_key("absent"),
              asio::bind_executor(loop, [&](result<std::optional<session_record>> r) {
                  called_before_return = !returned;
                  ran_on = std::this_thread::get_id();
                  EXPECT_TRUE(r && !*r);
              }));
    returned = true;
    EXPECT_EQ(loop.run(), 1u) << "the loop had work until the callback ran";
    EXPECT_FALSE(called_before_return);
    EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(async_store, a_future_gets_the_result_without_an_event_loop) {
    auto s = memory();
    const auto r = record("f");
    ASSERT_TRUE(async_create(*s, r, asio::use_future).get());
    EXPECT_TRUE(async_deny(*s, "jti-1", system_clock().now() + 1h, asio::use_future).get());
    auto revoked = async_revoked(*s, "jti-1", "", system_clock().now(), asio::use_future).get();
    EXPECT_TRUE(revoked && *revoked);
    auto touched = async_touch(*s, r.key, r.last_seen + 1s, r.idle_expires + 1s, asio::use_future).get();
    EXPECT_TRUE(touched && *touched);
}

}  // namespace
}  // namespace sesh::test
