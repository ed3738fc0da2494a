// "My devices" names: real user-agent strings of the browsers people use, as they read them.
#include "seshd/device_name.hpp"

#include <gtest/gtest.h>

namespace {

using sesh::seshd::device_name;
using sesh::seshd::time_ago;

TEST(device_name, names_the_browser_major_version_and_system) {
    EXPECT_EQ(device_name("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.7390.54 "
                          "Safari/537.36"),
              "Chrome 156 on Linux");
    EXPECT_EQ(device_name("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"),
              "Firefox 128 on Windows");
    EXPECT_EQ(device_name("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                          "Version/17.4 Safari/605.1.15"),
              "Safari 17 on macOS");
    EXPECT_EQ(device_name("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                          "Version/17.4 Mobile/15E148 Safari/604.1"),
              "Safari 17 on iOS");
    EXPECT_EQ(device_name("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                          "CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1"),
              "Chrome 124 on iOS");
    EXPECT_EQ(device_name("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                          "Chrome/125.0.0.0 Mobile Safari/537.36"),
              "Chrome 125 on Android");
}

TEST(device_name, browsers_that_also_say_chrome_are_named_for_themselves) {
    EXPECT_EQ(device_name("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                          "Chrome/125.0.0.0 Safari/537.36 Edg/125.0.2535.67"),
              "Edge 125 on Windows");
    EXPECT_EQ(device_name("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
                          "Safari/537.36 OPR/110.0.0.0"),
              "Opera 110 on Linux");
    EXPECT_EQ(device_name("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
                          "Chrome/124.0.0.0 Safari/537.36"),
              "Chrome 124 on ChromeOS");
    EXPECT_EQ(device_name("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                          "HeadlessChrome/120.0.6099.224 Safari/537.36"),
              "Headless Chrome 120 on Linux");
}

TEST(device_name, tools_and_unknown_agents_give_their_product_never_the_raw_header) {
    EXPECT_EQ(device_name("curl/7.88.1"), "curl 7");
    EXPECT_EQ(device_name("node"), "node");
    EXPECT_EQ(device_name("python-requests/2.31.0"), "python-requests 2");
    EXPECT_EQ(device_name("SomeBot/3 (+https://example.com/bot; Linux)"), "SomeBot 3 on Linux");
    EXPECT_EQ(device_name(""), "Unknown device");
    EXPECT_EQ(device_name(std::string(500, 'x')).size(), 40u);
}

TEST(device_name, time_ago_reads_like_speech) {
    const auto now = std::chrono::system_clock::now();
    using namespace std::chrono_literals;
    EXPECT_EQ(time_ago(now - 5s, now), "just now");
    EXPECT_EQ(time_ago(now + 30s, now), "just now");
    EXPECT_EQ(time_ago(now - 60s, now), "1 minute ago");
    EXPECT_EQ(time_ago(now - 3min - 59s, now), "3 minutes ago");
    EXPECT_EQ(time_ago(now - 1h, now), "1 hour ago");
    EXPECT_EQ(time_ago(now - 23h, now), "23 hours ago");
    EXPECT_EQ(time_ago(now - 24h * 40, now), "40 days ago");
}

}  // namespace
