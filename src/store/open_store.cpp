// open_store: the session store over the backend a URL names.
#include <sesh/store.hpp>

#include "store/backends.hpp"

namespace sesh {

result<std::unique_ptr<store>> open_store(std::string_view url, const store_options& options) {
    auto b = detail::open_backend(url, options);
    if (!b) return fail(b.error());
    return std::visit([&](const auto& db) { return detail::make_store(db, options); }, *b);
}

}  // namespace sesh
