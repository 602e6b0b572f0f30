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
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto rec = nlohmann::json::parse(line, nullptr, false);
    bool ok = !rec.is_discarded() && rec.contains("intent") && rec.contains("notional") &&
              rec["notional"].is_number_integer();
    if (!ok) {
      // A torn last line (a crash mid-write) released no signature; anything else is damage.
      if (in.peek() == EOF) break;
      return absl::FailedPreconditionError(
          absl::StrCat("signer ledger ", path, ": line ", n, " is damaged"));
    }
    replay({rec.value("day", ""), rec["intent"], rec.value("order_hash", ""),
            rec.value("signature", ""), rec["notional"].get<int64_t>()});
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("signer ledger ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<Ledger>(new Ledger(fd));
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
    bool written = write(fd_, batch.data(), batch.size()) == static_cast<ssize_t>(batch.size()) &&
                   fdatasync(fd_) == 0;
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
