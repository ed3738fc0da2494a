// The message table behind sesh::errc.
#include <sesh/error.hpp>

namespace sesh {
namespace {

class category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "sesh"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::malformed: return "malformed input";
            case errc::bad_mac: return "authentication tag or MAC mismatch";
            case errc::expired: return "expired";
            case errc::not_yet_valid: return "not yet valid";
            case errc::unknown_key_id: return "unknown key id";
            case errc::unsupported_algorithm: return "unsupported algorithm";
            case errc::too_large: return "too large";
            case errc::invalid_argument: return "invalid argument";
            case errc::crypto_failure: return "crypto library failure";
            case errc::store_unavailable: return "session store unavailable";
            case errc::store_full: return "session store full";
            case errc::not_found: return "not found";
            case errc::already_exists: return "already exists";
            case errc::wrong_type: return "value of another type";
            case errc::access_denied: return "the store refused the credentials (wrong user or password)";
            case errc::upstream_failure: return "a remote peer failed, timed out or answered garbage";
            case errc::claim_mismatch: return "a token claim does not match what was expected";
        }
        return "unknown sesh error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const category_impl instance;
    return instance;
}

std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace sesh
