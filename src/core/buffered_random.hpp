// System randomness drawn a page at a time, for the many public salts, IVs and ids codecs make.
#pragma once

#include <sesh/random.hpp>

namespace sesh::detail {

/// sesh::system_random() behind a per-thread 4 KiB buffer. OpenSSL 3.0 makes a getpid(2)
/// system call on every RAND_bytes (its fork check), which costs more than the rest of a seal;
/// one call per page makes it negligible. A fork discards the buffer in the child (pthread_atfork),
/// so parent and child never hand out the same bytes. Valid for the whole program; thread-safe.
[[nodiscard]] random_source& buffered_system_random() noexcept;

}  // namespace sesh::detail
