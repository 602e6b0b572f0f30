// The signer's audit log: one JSON line per decision, signed or refused, each carrying the hash of
// the line before it and its own, so an edited, removed or reordered line is found. It never holds
// key material.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"

namespace betteroms::audit {

class AuditLog {
 public:
  // Opens `path` for appending, continuing the chain of an existing file. FailedPrecondition when
  // the existing file's chain is broken.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path);
  ~AuditLog();

  // Appends `record` with "prev" and "hash" fields added.
  absl::Status Append(nlohmann::ordered_json record);

 private:
  AuditLog(int fd, std::string last_hash) : fd_(fd), last_hash_(std::move(last_hash)) {}
  int fd_;
  std::string last_hash_;
  std::mutex mu_;
};

// Checks the whole chain. Returns the number of lines; DataLoss names the first line that was
// edited, removed or moved.
absl::StatusOr<int> VerifyAuditLog(const std::string& path);

}  // namespace betteroms::audit
