// The signer's durable memory: one JSON line per signed order (UTC day, intent, order hash,
// signature, notional), so the intent rule and the daily cap survive restarts. Appends are group
// committed: concurrent signatures share one fdatasync, and none is released before its line is
// on disk. The file is zero-filled ahead of the records, which end at the first NUL byte.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"

namespace betteroms::signer {

struct LedgerRecord {
  std::string day;  // UTC, YYYY-MM-DD
  std::string intent;
  std::string order_hash;
  std::string signature;  // hex
  int64_t notional = 0;   // micro-USDC
};

class Ledger {
 public:
  // Opens (creating) `path` and calls `replay` for every record in it. FailedPrecondition when a
  // line other than a torn last one is damaged, or the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(
      const std::string& path, const std::function<void(const LedgerRecord&)>& replay);
  ~Ledger();

  // Queues a record; the returned ticket is durable once WaitDurable(ticket) returns OK.
  uint64_t Append(const LedgerRecord& record);
  // Blocks until the ticket's record is on disk. After a failed write every wait fails: the
  // signer must not release signatures it cannot remember.
  absl::Status WaitDurable(uint64_t ticket);

 private:
  explicit Ledger(int fd) : fd_(fd) {}
  // Writes and syncs one batch at the end of the records. Called by one flusher at a time.
  bool Write(const std::string& batch);

  int fd_;
  int64_t offset_ = 0;    // where the next record goes
  int64_t capacity_ = 0;  // bytes the file holds, zeros past offset_
  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;
  uint64_t queued_ = 0;   // tickets handed out
  uint64_t durable_ = 0;  // every ticket up to this one is on disk
  bool flushing_ = false;
  absl::Status failed_;
};

}  // namespace betteroms::signer
