// System randomness drawn a page at a time, for the many public salts, IVs and ids codecs make.
#pragma once

#include <sesh/random.hpp>

namespace sesh::detail {

/// The source a codec draws its public salts, IVs and ids from: `chosen` when the caller injected
/// one; else (null, or sesh::system_random() itself) sesh::system_random() behind a per-thread
/// 4 KiB buffer. OpenSSL 3.0 makes a getpid(2) system call on every RAND_bytes (its fork check),
/// which costs more than the rest of a seal; one call per page makes it negligible. A fork
/// discards the buffer in the child (pthread_atfork), so parent and child never hand out the same
/// bytes. Secrets (keys, session tokens) are not drawn through a buffer: they come from
/// system_random() directly, so no future secret waits in memory. The buffered source is valid
/// for the whole program and thread-safe.
[[nodiscard]] random_source& codec_random(random_source* chosen) noexcept;

}  // namespace sesh::detail
