#include "signer/ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

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

Ledger::~Ledger() { close(fd_); }

uint64_t Ledger::Append(const LedgerRecord& r) {
  nlohmann::ordered_json rec = {{"day", r.day},
                                {"intent", r.intent},
                                {"order_hash", r.order_hash},
                                {"signature", r.signature},
                                {"notional", r.notional}};
  std::lock_guard<std::mutex> lock(mu_);
  pending_ += rec.dump() + "\n";
  return ++queued_;
}

absl::Status Ledger::WaitDurable(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mu_);
  while (durable_ < ticket && failed_.ok()) {
    if (flushing_) {
      cv_.wait(lock);
      continue;
    }
    // Lead a flush of everything queued so far; later arrivals wait for the next one.
    flushing_ = true;
    std::string batch;
    batch.swap(pending_);
    uint64_t upto = queued_;
    lock.unlock();
    bool written = Write(batch);
    std::string error = written ? "" : std::strerror(errno);
    lock.lock();
    flushing_ = false;
    if (written) {
      durable_ = upto;
    } else {
      failed_ = absl::InternalError(absl::StrCat("signer ledger: write failed (", error,
                                                 "); refusing to sign until restarted"));
    }
    cv_.notify_all();
  }
  return failed_;
}

}  // namespace betteroms::signer
