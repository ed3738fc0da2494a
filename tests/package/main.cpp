// Links the installed sesh and round-trips a token through a codec.
#include <sesh/sesh.hpp>

#include <cstdio>
#include <memory>

int main() {
    const auto t = sesh::make_csrf_token("consumer-secret");
    if (!sesh::csrf_matches(t.cookie_value, t.token, "consumer-secret")) return 1;
    if (!sesh::is_opaque_token(sesh::make_opaque_token())) return 1;
    // A server-side session over the memory store: save, then load it back from the cookie.
    sesh::session_options o;
    o.store = std::shared_ptr<sesh::store>(sesh::open_store("memory:").value());
    const auto manager = sesh::session_manager::create(o).value();
    auto s = manager.load("", {}).value();
    s.set("n", 1);
    const auto cookies = manager.save(s).value();
    if (cookies.size() != 1) return 1;
    const std::string value = cookies[0].substr(0, cookies[0].find(';'));
    auto back = manager.load(value, {}).value();
    if (back.get_int("n").value_or(0) != 1) return 1;
    std::puts("consumer ok");
    return 0;
}
