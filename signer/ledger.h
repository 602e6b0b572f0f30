// The signer's durable memory: one JSON line per signed order (UTC day, intent, order hash,
// signature, notional), so the intent rule and the daily cap survive restarts. Appends are group
// committed: concurrent signatures share one fdatasync, and none is released before its line is
// on disk. One flusher thread writes whatever has queued since its last flush, so concurrent
// signatures share one fdatasync. The file is zero-filled ahead of the records, which end at the
// first NUL byte.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

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
  // Calls `done` once the ticket's record is on disk (or the ledger failed), on the flusher thread
  // or, when that has already happened, at once on this one.
  void WhenDurable(uint64_t ticket, std::function<void(absl::Status)> done);
  // OK until a write fails; then the error every wait returns (the health check reads it).
  absl::Status Health();

 private:
  explicit Ledger(int fd);
  // Writes and syncs one batch at the end of the records. Only the flusher thread calls it.
  bool Write(const std::string& batch);
  void FlushLoop();

  int fd_;
  int64_t offset_ = 0;    // where the next record goes
  int64_t capacity_ = 0;  // bytes the file holds, zeros past offset_
  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;
  uint64_t queued_ = 0;   // tickets handed out
  uint64_t durable_ = 0;  // every ticket up to this one is on disk
  bool stopping_ = false;
  absl::Status failed_;
  std::vector<std::pair<uint64_t, std::function<void(absl::Status)>>> waiters_;
  std::thread flusher_;  // last: it starts once everything above exists
};

}  // namespace betteroms::signer
