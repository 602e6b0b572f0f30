// The signer's audit log: one JSON line per decision, signed or refused, each carrying the hash of
// the line before it and its own, so an edited, removed or reordered line is found. It never holds
// key material. Records are written in groups, each group synced before the ledger commits it
// (signer/ledger.h), and a failed write is cut back so the file always ends at a complete record.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace betteroms::audit {

// The hash an empty log's first record names as its "prev".
inline constexpr char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Where the chain ends: the last record's hash, how many lines lead to it, and their bytes.
struct AuditHead {
  std::string hash = kGenesisHash;
  int64_t lines = 0;
  int64_t bytes = 0;
};

class AuditLog {
 public:
  // Opens `path` (created 0600), continuing the chain of an existing file. A torn last line (a
  // write cut short, without its line end) is cut off first. FailedPrecondition when the existing
  // chain is broken or the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends one record durably (AppendDurably with one record).
  absl::Status Append(nlohmann::ordered_json record);

  // Adds "prev" and "hash" to each record in turn, writes them at the end of the file in one
  // write and syncs it. On failure the file is cut back to its last complete record and the head
  // does not move: ResourceExhausted names a full disk or a file size limit, Internal other errors.
  absl::Status AppendDurably(std::vector<nlohmann::ordered_json> records);

  // Cuts the file back to `head` (records synced here that the ledger then failed to commit).
  absl::Status TruncateTo(const AuditHead& head);

  AuditHead head() const;
  const std::string& path() const { return path_; }

  // The hash of line `line` (1-based) of the file as it is now. NotFound when the file has fewer
  // lines, DataLoss when the chain up to it is broken.
  absl::StatusOr<std::string> HashAtLine(int64_t line) const;

 private:
  AuditLog(int fd, std::string path, AuditHead head)
      : fd_(fd), path_(std::move(path)), head_(std::move(head)) {}
  int fd_;
  std::string path_;
  AuditHead head_;
  bool tail_after_head_ = false;  // bytes past the head (a torn line) to cut before a write
  mutable std::mutex mu_;
};

// Checks the whole chain. Returns the number of lines; DataLoss names the first line that was
// edited, removed, moved or cut short.
absl::StatusOr<int> VerifyAuditLog(const std::string& path);

}  // namespace betteroms::audit
