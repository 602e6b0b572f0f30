// Writes that must reach the disk before the signer answers: whole writes at an offset (a short
// write is retried until the kernel says why it stopped), and the error a failed one reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace betteroms::signer {

// Writes all of `data` at `offset`. Returns 0, or the errno that stopped it (EFBIG past
// RLIMIT_FSIZE once SIGXFSZ is ignored, ENOSPC on a full disk, EIO).
int WriteAllAt(int fd, std::string_view data, int64_t offset);

// The status for a failed write of `what` (a path): ResourceExhausted for a full disk, a quota or
// the file size limit, naming the disk problem and that nothing was signed; Internal otherwise.
absl::Status DiskWriteError(const std::string& what, int error);

}  // namespace betteroms::signer
