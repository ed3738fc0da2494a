// argon2id password hashing through libsodium (crypto_pwhash_str with ARGON2ID13).
#include <sesh/password.hpp>

#include <sesh/error.hpp>

#include <map>
#include <mutex>
#include <utility>

#include <sodium.h>

namespace sesh {
namespace {

void init_sodium() {
    static std::once_flag once;
    // sodium_init picks CPU-specific code paths; it is idempotent but not free, so once.
    std::call_once(once, [] {
        if (sodium_init() < 0) std::abort();
    });
}

}  // namespace

result<std::string> hash_password(std::string_view password, const password_params& params) {
    init_sodium();
    if (password.size() > max_password_length * 4) return fail(errc::invalid_argument);
    std::string out(crypto_pwhash_STRBYTES, '\0');
    if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), params.ops_limit, params.mem_limit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return fail(errc::crypto_failure);
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
    init_sodium();
    // libsodium wants a NUL-terminated string of at most STRBYTES - 1 characters.
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || password.size() > max_password_length * 4) return false;
    const std::string h(hash);
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash, const password_params& params) {
    init_sodium();
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || !hash.starts_with("$argon2id$")) return true;
    const std::string h(hash);
    return crypto_pwhash_str_needs_rehash(h.c_str(), params.ops_limit, params.mem_limit) != 0;
}

bool verify_dummy_password(std::string_view password, const password_params& params) {
    // One dummy hash per parameter set, made on first use, so the unknown-user path does the
    // same argon2id work as a real verification.
    static std::mutex mutex;
    static std::map<std::pair<unsigned long long, std::size_t>, std::string> dummies;
    std::string dummy;
    {
        std::lock_guard lock(mutex);
        auto& d = dummies[{params.ops_limit, params.mem_limit}];
        if (d.empty()) d = hash_password("sesh dummy password, never valid", params).value_or("");
        dummy = d;
    }
    (void)verify_password(dummy, password);
    return false;
}

}  // namespace sesh
