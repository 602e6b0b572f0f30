// The signer's durable memory: one JSON line per signed order (UTC day, intent, order hash,
// signature, notional), so the intent rule and the daily cap survive restarts, and the head of
// the audit chain, so a removed last audit record is found at start.
//
// Appends are group committed with the audit log: one flusher thread takes whatever has queued
// since its last flush, writes and syncs the audit records first, then the ledger records with a
// line naming the new audit head, and syncs that. Concurrent requests share those syncs, and no
// signature is released before both files hold its records. A failed write (a full disk, the
// file size limit) fails that group only: both files are cut back to their last complete record,
// so the next start accepts them, and later groups try again once there is room.
//
// The ledger file is zero-filled ahead of the records (so fdatasync flushes data only); records
// end at the first NUL byte.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "signer/audit/audit_log.h"

namespace betteroms::signer {

struct LedgerRecord {
  std::string day;  // UTC, YYYY-MM-DD
  std::string intent;
  std::string order_hash;
  std::string signature;  // hex
  int64_t notional = 0;   // micro-USDC
};

struct LedgerOptions {
  // Committed with the ledger; null for none. Its chain must reach the head the ledger recorded.
  audit::AuditLog* audit = nullptr;
  // Start even when the audit log lacks records the ledger committed (see audit_gap()).
  bool accept_audit_gap = false;
};

class Ledger {
 public:
  // Opens (creating) `path` and calls `replay` for every record in it. A torn last line (a write
  // cut short) is cleared before anything is appended. FailedPrecondition when a line other than
  // a torn last one is damaged, the file cannot be opened, or the audit log ends before the head
  // the ledger recorded (its last records were removed) unless `accept_audit_gap`.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(
      const std::string& path, const std::function<void(const LedgerRecord&)>& replay,
      LedgerOptions options = {});
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Queues a ledger record, an audit record, or both; the returned ticket is durable once
  // WaitDurable(ticket) returns OK.
  uint64_t Append(const LedgerRecord& record) { return Append(record, std::nullopt); }
  uint64_t Append(std::optional<LedgerRecord> record,
                  std::optional<nlohmann::ordered_json> audit_record);
  // The last ticket handed out (0 before any): waiting on it waits for everything queued so far.
  uint64_t last_ticket();
  // Blocks until the ticket's group is on disk or failed. ResourceExhausted names a full disk or
  // a file size limit (signer/disk.h); nothing of a failed group is kept.
  absl::Status WaitDurable(uint64_t ticket);
  // Calls `done` once the ticket's group is on disk or failed, on the flusher thread or, when
  // that has already happened, at once on this one.
  void WhenDurable(uint64_t ticket, std::function<void(absl::Status)> done);
  // The latest group's failure for `hold` after it, then OK again: unhealthy while writes fail,
  // and ready again to take the request that finds out whether the disk has room now (nothing
  // else would write).
  absl::Status Health(std::chrono::steady_clock::duration hold = std::chrono::seconds(30));

  // When the audit log lacked committed records and accept_audit_gap let it start: what was
  // missing, for the audit record that notes it. Empty otherwise.
  const std::string& audit_gap() const { return audit_gap_; }

 private:
  Ledger(int fd, std::string path, audit::AuditLog* audit);
  // Writes and syncs one group: audit records, then ledger text with the audit head. Only the
  // flusher thread calls these.
  absl::Status Commit(std::string text, std::vector<nlohmann::ordered_json> audit_records);
  absl::Status WriteRecords(const std::string& text);
  // Zeroes what a failed write may have left past offset_.
  int ClearTail();
  void FlushLoop();
  absl::Status OutcomeLocked(uint64_t ticket) const;

  int fd_;
  std::string path_;
  audit::AuditLog* audit_;
  std::string audit_gap_;
  int64_t offset_ = 0;     // where the next record goes
  int64_t capacity_ = 0;   // bytes the file holds, zeros past offset_
  int64_t dirty_end_ = 0;  // past offset_ up to here, a failed write may have left bytes

  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;
  std::vector<nlohmann::ordered_json> pending_audit_;
  uint64_t queued_ = 0;  // tickets handed out
  uint64_t done_ = 0;    // every ticket up to this one is on disk or failed
  struct Failure {
    uint64_t first;
    uint64_t last;
    absl::Status status;
  };
  std::vector<Failure> failures_;                    // ticket ranges whose group failed
  std::chrono::steady_clock::time_point failed_at_;  // when the latest failed group was written
  bool stopping_ = false;
  std::vector<std::pair<uint64_t, std::function<void(absl::Status)>>> waiters_;
  std::thread flusher_;  // last: it starts once everything above exists
};

}  // namespace betteroms::signer
