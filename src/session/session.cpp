// session's typed accessors: a value of the asked type, or why not (absent / wrong type),
// never a silent default.
#include <sesh/session.hpp>

#include <cmath>

namespace sesh {

namespace json = boost::json;

namespace {

const json::value* find(const json::object& data, std::string_view key) noexcept {
    return data.if_contains(json::string_view(key.data(), key.size()));
}

}  // namespace

result<std::string_view> session::get_string(std::string_view key) const {
    const json::value* v = find(data_, key);
    if (!v) return fail(errc::not_found);
    const json::string* s = v->if_string();
    if (!s) return fail(errc::wrong_type);
    return std::string_view(s->data(), s->size());
}

result<std::int64_t> session::get_int(std::string_view key) const {
    const json::value* v = find(data_, key);
    if (!v) return fail(errc::not_found);
    if (const auto* i = v->if_int64()) return *i;
    if (const auto* u = v->if_uint64()) {
        if (*u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(*u);
        return fail(errc::wrong_type);
    }
    if (const auto* d = v->if_double()) {
        // JavaScript has only doubles: `1e3` or `3.0` from a peer is the integer it looks like.
        // 2^63 is exactly representable and already out of range; NaN fails every comparison.
        constexpr double limit = 9223372036854775808.0;
        if (*d >= -limit && *d < limit && std::trunc(*d) == *d) return static_cast<std::int64_t>(*d);
    }
    return fail(errc::wrong_type);
}

result<bool> session::get_bool(std::string_view key) const {
    const json::value* v = find(data_, key);
    if (!v) return fail(errc::not_found);
    if (const bool* b = v->if_bool()) return *b;
    return fail(errc::wrong_type);
}

result<const json::object*> session::get_object(std::string_view key) const {
    const json::value* v = find(data_, key);
    if (!v) return fail(errc::not_found);
    if (const json::object* o = v->if_object()) return o;
    return fail(errc::wrong_type);
}

result<const json::array*> session::get_array(std::string_view key) const {
    const json::value* v = find(data_, key);
    if (!v) return fail(errc::not_found);
    if (const json::array* a = v->if_array()) return a;
    return fail(errc::wrong_type);
}

void session::set(std::string_view key, json::value value) {
    data_.insert_or_assign(json::string_view(key.data(), key.size()), std::move(value));
    modified_ = true;
}

bool session::erase(std::string_view key) {
    // Order kept, as JavaScript's `delete` keeps it: a rewritten token lists the same members.
    if (data_.stable_erase(json::string_view(key.data(), key.size())) == 0) return false;
    modified_ = true;
    return true;
}

void session::clear() {
    data_.clear();
    modified_ = true;
}

}  // namespace sesh
