// Encoding of session records and times for the Redis backend.
#include "store/redis/redis_record.hpp"

#include <charconv>
#include <cstdint>

#include <sesh/log.hpp>

namespace sesh::detail::redis {
namespace {

using std::chrono::nanoseconds;

std::optional<std::string_view> text_of(const redisReply* r) noexcept {
    if (r == nullptr || r->type != REDIS_REPLY_STRING) return std::nullopt;
    return reply_text(*r);
}

}  // namespace

std::string encode_time(clock::time_point t) {
    const std::int64_t ns = std::chrono::duration_cast<nanoseconds>(t.time_since_epoch()).count();
    return std::to_string(ns < 0 ? 0 : ns);
}

std::optional<clock::time_point> decode_time(std::string_view s) noexcept {
    std::int64_t ns = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ns);
    if (ec != std::errc() || end != s.data() + s.size() || ns < 0) return std::nullopt;
    return clock::time_point(std::chrono::duration_cast<clock::time_point::duration>(nanoseconds(ns)));
}

long long expire_at_ms(clock::time_point t) noexcept {
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(t.time_since_epoch()).count();
    return ms < 1 ? 1 : static_cast<long long>(ms);
}

void append_record_fields(command& cmd, const session_record& r) {
    cmd.arg("v").arg(record_version);
    cmd.arg("u").arg(r.user_id);
    cmd.arg("d").arg(r.data);
    cmd.arg("c").arg(encode_time(r.created));
    cmd.arg("l").arg(encode_time(r.last_seen));
    cmd.arg("i").arg(encode_time(r.idle_expires));
    cmd.arg("a").arg(encode_time(r.absolute_expires));
    cmd.arg("ip").arg(r.address);
    cmd.arg("ua").arg(r.user_agent);
}

decoded decode_record(std::string_view key, redisReply* const* values, session_record& out) {
    std::array<std::string_view, record_fields.size()> v;
    std::size_t missing = 0;
    for (std::size_t i = 0; i < record_fields.size(); ++i) {
        const redisReply* r = values[i];
        if (r != nullptr && r->type == REDIS_REPLY_NIL) {
            ++missing;
            continue;
        }
        auto text = text_of(r);
        if (!text) return decoded::corrupt;
        v[i] = *text;
    }
    if (missing == record_fields.size()) return decoded::absent;
    if (missing != 0 || v[0] != record_version) return decoded::corrupt;
    const auto created = decode_time(v[3]);
    const auto last_seen = decode_time(v[4]);
    const auto idle = decode_time(v[5]);
    const auto absolute = decode_time(v[6]);
    if (!created || !last_seen || !idle || !absolute) return decoded::corrupt;
    out.key = std::string(key);
    out.user_id = std::string(v[1]);
    out.data = std::string(v[2]);
    out.created = *created;
    out.last_seen = *last_seen;
    out.idle_expires = *idle;
    out.absolute_expires = *absolute;
    out.address = std::string(v[7]);
    out.user_agent = std::string(v[8]);
    return decoded::ok;
}

void log_corrupt(std::string_view what, std::string_view key) {
    std::string shown;  // printable only: a key is caller input and must not forge log lines
    for (char c : key.substr(0, 8)) shown.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    sesh::logger()->warn("sesh redis: corrupt {} (key {}...) read as absent", what, shown);
}

}  // namespace sesh::detail::redis
