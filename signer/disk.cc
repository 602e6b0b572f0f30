#include "signer/disk.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace betteroms::signer {

int WriteAllAt(int fd, std::string_view data, int64_t offset) {
  while (!data.empty()) {
    ssize_t n = pwrite(fd, data.data(), data.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;  // cannot happen for a regular file; never loop on it
    data.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return 0;
}

absl::Status DiskWriteError(const std::string& what, int error) {
  if (error == ENOSPC || error == EDQUOT || error == EFBIG) {
    return absl::ResourceExhaustedError(
        absl::StrCat(what, ": write failed: ", std::strerror(error),
                     " (the disk is full, or a quota or file size limit is reached); nothing was "
                     "signed: free space and retry"));
  }
  return absl::InternalError(
      absl::StrCat(what, ": write failed: ", std::strerror(error), "; nothing was signed"));
}

}  // namespace betteroms::signer
