// 429 and 503 answers.
#include "seshd/refusals.hpp"

#include <algorithm>
#include <string>

namespace sesh::seshd {

http::response with_retry_after(http::response res, std::chrono::milliseconds wait) {
    const auto seconds = std::max<long long>((wait.count() + 999) / 1000, 1);
    res.set(http::field::retry_after, std::to_string(seconds));
    return res;
}

http::response hashing_busy() {
    return with_retry_after(http::json_error(http::status::service_unavailable, "Busy, try again shortly"),
                            std::chrono::seconds(1));
}

http::response store_down() {
    return http::json_error(http::status::service_unavailable, "Session store unavailable");
}

}  // namespace sesh::seshd
