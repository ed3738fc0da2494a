// Creating an account: the checks, the hash, the insert, the first session.
#include <spdlog/spdlog.h>

#include <sesh/error.hpp>

#include "seshd/app.hpp"

namespace sesh::seshd {

http::awaitable<signup_result> sign_up(http::context& ctx, app& a, std::string_view typed_name,
                                       std::string_view typed_password, std::string_view email) {
    using http::status;
    const std::string name = normalize_user_name(typed_name);
    if (!is_valid_user_name(name))
        co_return signup_result{status::bad_request,
                                "Username: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."};
    if (!is_acceptable_password(typed_password))
        co_return signup_result{status::bad_request, "Password: 12 to 128 characters."};
    if (!is_valid_email(email)) co_return signup_result{status::bad_request, "E-mail address is not valid."};

    const std::string password(typed_password);
    const password_params params = a.config.password;
    auto hash = co_await http::offload(ctx, [&] { return hash_password(password, params); });
    if (!hash) co_return signup_result{status::service_unavailable, "Try again later."};

    const auto now = system_clock().now();
    user u{make_user_id(), name, std::string(email), std::move(*hash), now, now};
    if (auto created = a.users->create(u); !created) {
        if (created.error() == errc::already_exists) co_return signup_result{status::conflict, "That username is taken."};
        a.metrics.store_error();
        co_return signup_result{status::service_unavailable, "Try again later."};
    }
    spdlog::info("account created: {}", name);
    if (!start_user_session(ctx, u)) co_return signup_result{status::service_unavailable, "Try again later."};
    co_return signup_result{};
}

}  // namespace sesh::seshd
