// Links the installed sesh and round-trips a token through a codec.
#include <sesh/sesh.hpp>

#include <cstdio>

int main() {
    const auto t = sesh::make_csrf_token("consumer-secret");
    if (!sesh::csrf_matches(t.cookie_value, t.token, "consumer-secret")) return 1;
    if (!sesh::is_opaque_token(sesh::make_opaque_token())) return 1;
    std::puts("consumer ok");
    return 0;
}
