// Test helper: a free TCP port on 127.0.0.1, for the servers the integration tests start.
#pragma once

namespace sesh::test {

/// A loopback TCP port that nothing listens on right now (0 if none could be found). Another
/// process may take it before the caller binds it: a server start retries with another.
[[nodiscard]] int free_loopback_port();

}  // namespace sesh::test
