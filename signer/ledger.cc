#include "signer/ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/metrics.h"

namespace betteroms::signer {

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(
    const std::string& path, const std::function<void(const LedgerRecord&)>& replay) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("signer ledger ", path, ": ", std::strerror(errno)));
  }
  auto ledger = std::unique_ptr<Ledger>(new Ledger(fd));
  // The file is pre-zeroed ahead of the records (see Flush); records end at the first NUL.
  std::string text;
  char buf[1 << 16];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) text.append(buf, static_cast<size_t>(n));
  ledger->capacity_ = static_cast<int64_t>(text.size());
  size_t end = text.find('\0');
  if (end != std::string::npos) text.resize(end);
  size_t pos = 0;
  int n = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // a torn last line released no signature
    std::string line = text.substr(pos, nl - pos);
    ++n;
    auto rec = nlohmann::json::parse(line, nullptr, false);
    bool ok = !rec.is_discarded() && rec.contains("intent") && rec.contains("notional") &&
              rec["notional"].is_number_integer();
    if (!ok) {
      return absl::FailedPreconditionError(
          absl::StrCat("signer ledger ", path, ": line ", n, " is damaged"));
    }
    replay({rec.value("day", ""), rec["intent"], rec.value("order_hash", ""),
            rec.value("signature", ""), rec["notional"].get<int64_t>()});
    pos = nl + 1;
  }
  ledger->offset_ = static_cast<int64_t>(pos);
  return ledger;
}

bool Ledger::Write(const std::string& batch) {
  // Records overwrite zeros written earlier, so fdatasync flushes data only: appending would also
  // change the file's size and cost a journal commit per signature.
  if (offset_ + static_cast<int64_t>(batch.size()) > capacity_) {
    constexpr int64_t kChunk = 1 << 20;
    std::string zeros(static_cast<size_t>(kChunk + static_cast<int64_t>(batch.size())), '\0');
    if (pwrite(fd_, zeros.data(), zeros.size(), capacity_) != static_cast<ssize_t>(zeros.size()) ||
        fsync(fd_) != 0) {
      return false;
    }
    capacity_ += static_cast<int64_t>(zeros.size());
  }
  if (pwrite(fd_, batch.data(), batch.size(), offset_) != static_cast<ssize_t>(batch.size()) ||
      fdatasync(fd_) != 0) {
    return false;
  }
  offset_ += static_cast<int64_t>(batch.size());
  return true;
}

Ledger::Ledger(int fd) : fd_(fd), flusher_([this] { FlushLoop(); }) {}

Ledger::~Ledger() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  flusher_.join();
  close(fd_);
}

uint64_t Ledger::Append(const LedgerRecord& r) {
  nlohmann::ordered_json rec = {{"day", r.day},
                                {"intent", r.intent},
                                {"order_hash", r.order_hash},
                                {"signature", r.signature},
                                {"notional", r.notional}};
  std::string line = rec.dump() + "\n";
  uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ += line;
    ticket = ++queued_;
  }
  cv_.notify_all();
  return ticket;
}

absl::Status Ledger::WaitDurable(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return durable_ >= ticket || !failed_.ok(); });
  return durable_ >= ticket ? absl::OkStatus() : failed_;
}

void Ledger::WhenDurable(uint64_t ticket, std::function<void(absl::Status)> done) {
  absl::Status now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (durable_ < ticket && failed_.ok()) {
      waiters_.emplace_back(ticket, std::move(done));
      return;
    }
    now = durable_ >= ticket ? absl::OkStatus() : failed_;
  }
  done(now);
}

absl::Status Ledger::Health() {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
}

void Ledger::FlushLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return !pending_.empty() || stopping_; });
    if (pending_.empty() && stopping_) return;
    std::string batch;
    batch.swap(pending_);
    uint64_t upto = queued_;
    lock.unlock();
    metrics::Stopwatch watch;
    bool written = Write(batch);
    std::string error = written ? "" : std::strerror(errno);
    metrics::ObserveLedgerFlush(written, watch.Seconds());
    lock.lock();
    if (written && failed_.ok()) {
      durable_ = upto;
    } else if (failed_.ok()) {
      failed_ = absl::InternalError(absl::StrCat("signer ledger: write failed (", error,
                                                 "); refusing to sign until restarted"));
    }
    // Release everyone whose record is now on disk (or who will never be).
    std::vector<std::function<void(absl::Status)>> ready;
    std::erase_if(waiters_, [&](auto& w) {
      if (w.first > durable_ && failed_.ok()) return false;
      ready.push_back(std::move(w.second));
      return true;
    });
    absl::Status outcome = failed_;
    cv_.notify_all();
    lock.unlock();
    for (auto& done : ready) done(outcome);
    lock.lock();
  }
}

}  // namespace betteroms::signer
