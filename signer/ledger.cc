#include "signer/ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metrics.h"
#include "signer/disk.h"

namespace betteroms::signer {
namespace {

constexpr char kAuditHead[] = "audit_head";
constexpr char kAuditLines[] = "audit_lines";
constexpr size_t kMaxFailures = 256;  // failed ticket ranges remembered; older ones are settled

std::string HeadLine(const audit::AuditHead& head) {
  nlohmann::ordered_json line = {{kAuditHead, head.hash}, {kAuditLines, head.lines}};
  return line.dump() + "\n";
}

}  // namespace

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(
    const std::string& path, const std::function<void(const LedgerRecord&)>& replay,
    LedgerOptions options) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("signer ledger ", path, ": ", std::strerror(errno)));
  }
  auto ledger = std::unique_ptr<Ledger>(new Ledger(fd, path, options.audit));
  std::string text;
  char buf[1 << 16];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) text.append(buf, static_cast<size_t>(n));
  ledger->capacity_ = static_cast<int64_t>(text.size());
  size_t end = text.find('\0');
  if (end != std::string::npos) text.resize(end);
  size_t pos = 0;
  int n = 0;
  std::string head_hash;
  int64_t head_lines = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // a torn last line released no signature
    ++n;
    auto rec = nlohmann::json::parse(text.data() + pos, text.data() + nl, nullptr, false);
    bool head = rec.is_object() && rec.contains(kAuditHead);
    bool ok = head ? rec[kAuditHead].is_string() &&
                         rec[kAuditHead].get_ref<const std::string&>().size() == 64 &&
                         rec.contains(kAuditLines) && rec[kAuditLines].is_number_unsigned()
                   : rec.is_object() && rec.contains("intent") && rec["intent"].is_string() &&
                         rec.contains("notional") && rec["notional"].is_number_integer();
    if (!ok) {
      return absl::FailedPreconditionError(
          absl::StrCat("signer ledger ", path, ": line ", n, " is damaged"));
    }
    if (head) {
      head_hash = rec[kAuditHead];
      head_lines = rec[kAuditLines].get<int64_t>();
    } else {
      replay({rec.value("day", ""), rec["intent"], rec.value("order_hash", ""),
              rec.value("signature", ""), rec["notional"].get<int64_t>()});
    }
    pos = nl + 1;
  }
  ledger->offset_ = static_cast<int64_t>(pos);
  ledger->dirty_end_ = static_cast<int64_t>(text.size());
  // A torn tail is cleared now, so no append can land behind a fragment; if even that fails,
  // the first write retries it.
  if (ledger->ClearTail() != 0) {
    LogWarn("signer ledger: cannot clear a torn last record yet", {{"path", path}});
  }

  audit::AuditLog* log = options.audit;
  if (log != nullptr && head_lines > 0) {
    absl::StatusOr<std::string> there = log->HashAtLine(head_lines);
    if (!there.ok() || *there != head_hash) {
      std::string gap = absl::StrCat(
          "the ledger committed audit line ", head_lines, " with hash ", head_hash, ", but ",
          log->path(),
          there.ok()
              ? " holds another record there (the file was replaced)"
              : absl::StrCat(" has ", log->head().lines, " lines (its last records were removed)"));
      if (!options.accept_audit_gap) {
        return absl::FailedPreconditionError(absl::StrCat(
            "audit log ", log->path(), " is missing committed records: ", gap,
            ". Restore the log from a backup and restart; to start anyway and record the gap in "
            "the log, pass --accept-audit-gap"));
      }
      ledger->audit_gap_ = std::move(gap);
    }
  }
  return ledger;
}

Ledger::Ledger(int fd, std::string path, audit::AuditLog* audit)
    : fd_(fd), path_(std::move(path)), audit_(audit), flusher_([this] { FlushLoop(); }) {}

Ledger::~Ledger() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  flusher_.join();
  close(fd_);
}

int Ledger::ClearTail() {
  if (dirty_end_ <= offset_) return 0;
  std::string zeros(static_cast<size_t>(dirty_end_ - offset_), '\0');
  int error = WriteAllAt(fd_, zeros, offset_);
  if (error == 0 && fdatasync(fd_) != 0) error = errno;
  if (error == 0) dirty_end_ = offset_;
  return error;
}

absl::Status Ledger::WriteRecords(const std::string& text) {
  std::string what = absl::StrCat("signer ledger ", path_);
  if (int error = ClearTail(); error != 0) return DiskWriteError(what, error);
  auto size = static_cast<int64_t>(text.size());
  // Records overwrite zeros written earlier, so fdatasync flushes data only: appending would also
  // change the file's size and cost a journal commit per signature.
  if (offset_ + size > capacity_) {
    constexpr int64_t kChunk = 1 << 20;
    std::string zeros(static_cast<size_t>(kChunk + size), '\0');
    int error = WriteAllAt(fd_, zeros, capacity_);
    if (error == 0 && fsync(fd_) != 0) error = errno;
    if (error != 0) {
      // Drop the part of the extension that was written: the file stays as it was.
      if (ftruncate(fd_, capacity_) == 0) (void)fsync(fd_);
      return DiskWriteError(what, error);
    }
    capacity_ += static_cast<int64_t>(zeros.size());
  }
  int error = WriteAllAt(fd_, text, offset_);
  if (error == 0 && fdatasync(fd_) != 0) error = errno;
  if (error != 0) {
    dirty_end_ = std::max(dirty_end_, offset_ + size);
    (void)ClearTail();  // over allocated zeros: needs no space; else the next write retries
    return DiskWriteError(what, error);
  }
  offset_ += size;
  return absl::OkStatus();
}

absl::Status Ledger::Commit(std::string text, std::vector<nlohmann::ordered_json> audit_records) {
  bool audited = audit_ != nullptr && !audit_records.empty();
  audit::AuditHead before;
  if (audited) {
    // The audit records first: once the ledger names their head, they must already be on disk.
    before = audit_->head();
    if (absl::Status written = audit_->AppendDurably(std::move(audit_records)); !written.ok()) {
      return written;
    }
    text += HeadLine(audit_->head());
  }
  if (text.empty()) return absl::OkStatus();
  absl::Status written = WriteRecords(text);
  // The ledger did not commit the audit records: they released nothing, so they go too.
  if (!written.ok() && audited) (void)audit_->TruncateTo(before);
  return written;
}

uint64_t Ledger::Append(std::optional<LedgerRecord> record,
                        std::optional<nlohmann::ordered_json> audit_record) {
  std::string line;
  if (record) {
    nlohmann::ordered_json rec = {{"day", record->day},
                                  {"intent", record->intent},
                                  {"order_hash", record->order_hash},
                                  {"signature", record->signature},
                                  {"notional", record->notional}};
    line = rec.dump() + "\n";
  }
  uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ += line;
    if (audit_record && audit_ != nullptr) pending_audit_.push_back(std::move(*audit_record));
    ticket = ++queued_;
  }
  cv_.notify_all();
  return ticket;
}

uint64_t Ledger::last_ticket() {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_;
}

absl::Status Ledger::OutcomeLocked(uint64_t ticket) const {
  for (const Failure& f : failures_) {
    if (ticket >= f.first && ticket <= f.last) return f.status;
  }
  return absl::OkStatus();
}

absl::Status Ledger::WaitDurable(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return done_ >= ticket; });
  return OutcomeLocked(ticket);
}

void Ledger::WhenDurable(uint64_t ticket, std::function<void(absl::Status)> done) {
  absl::Status now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_ < ticket) {
      waiters_.emplace_back(ticket, std::move(done));
      return;
    }
    now = OutcomeLocked(ticket);
  }
  done(now);
}

absl::Status Ledger::Health(std::chrono::steady_clock::duration hold) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!failures_.empty() && failures_.back().last == done_ &&
      std::chrono::steady_clock::now() - failed_at_ < hold) {
    return failures_.back().status;
  }
  return absl::OkStatus();
}

void Ledger::FlushLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return done_ < queued_ || stopping_; });
    if (done_ == queued_ && stopping_) return;
    std::string text;
    text.swap(pending_);
    std::vector<nlohmann::ordered_json> records;
    records.swap(pending_audit_);
    uint64_t first = done_ + 1;
    uint64_t last = queued_;
    lock.unlock();
    size_t audit_records = records.size();
    metrics::Stopwatch watch;
    absl::Status outcome = Commit(std::move(text), std::move(records));
    metrics::ObserveLedgerFlush(outcome.ok(), watch.Seconds());
    for (size_t i = 0; i < audit_records; ++i) metrics::CountAuditWrite(outcome.ok());
    lock.lock();
    if (!outcome.ok()) {
      LogError("signer: a group of records was not written; its requests fail",
               {{"error", std::string(outcome.message())}});
      failed_at_ = std::chrono::steady_clock::now();
      if (!failures_.empty() && failures_.back().last + 1 == first) {
        failures_.back().last = last;  // one outage, one range
        failures_.back().status = outcome;
      } else {
        failures_.push_back({first, last, outcome});
        if (failures_.size() > kMaxFailures) failures_.erase(failures_.begin());
      }
    }
    done_ = last;
    // Release everyone whose group is now settled.
    std::vector<std::pair<std::function<void(absl::Status)>, absl::Status>> ready;
    std::erase_if(waiters_, [&](auto& w) {
      if (w.first > done_) return false;
      ready.emplace_back(std::move(w.second), OutcomeLocked(w.first));
      return true;
    });
    cv_.notify_all();
    lock.unlock();
    for (auto& [callback, status] : ready) callback(status);
    lock.lock();
  }
}

}  // namespace betteroms::signer
