#include "signer/audit/audit_log.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/hex.h"
#include "signer/disk.h"

namespace betteroms::audit {
namespace {

constexpr std::string_view kHashSuffixStart = ",\"hash\":\"";

std::string Sha256Hex(std::string_view text) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return ToHex({digest, len});
}

// A line is `{…,"prev":"P"` + `,"hash":"H"}` where H = sha256(`{…,"prev":"P"}`).
struct Checked {
  bool ok = false;
  std::string prev;
  std::string hash;
};

Checked CheckLine(const std::string& line) {
  Checked c;
  size_t at = line.rfind(kHashSuffixStart);
  if (at == std::string::npos || line.size() != at + kHashSuffixStart.size() + 64 + 2) return c;
  std::string body = line.substr(0, at) + "}";
  c.hash = line.substr(at + kHashSuffixStart.size(), 64);
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.contains("prev") || !doc["prev"].is_string()) return c;
  c.prev = doc["prev"];
  c.ok = Sha256Hex(body) == c.hash;
  return c;
}

struct Walked {
  AuditHead head;          // after the last complete line
  int64_t torn_bytes = 0;  // what follows it without a line end
  std::string hash_at;     // the hash of line `want`, once reached
};

// Reads the chain up to line `want` (all of it for 0).
absl::StatusOr<Walked> Walk(const std::string& path, int64_t want = 0) {
  Walked w;
  std::ifstream in(path, std::ios::binary);
  if (!in) return w;
  std::string line;
  while ((want == 0 || w.head.lines < want) && std::getline(in, line)) {
    if (in.eof()) {  // no line end: a write cut short
      w.torn_bytes = static_cast<int64_t>(line.size());
      break;
    }
    int64_t n = w.head.lines + 1;
    Checked c = CheckLine(line);
    if (!c.ok) {
      return absl::DataLossError(
          absl::StrCat(path, ": line ", n, " was edited (its hash does not match its content)"));
    }
    if (c.prev != w.head.hash) {
      return absl::DataLossError(
          absl::StrCat(path, ": line ", n, " does not follow line ", n - 1,
                       " (a line before it was removed, or lines were reordered)"));
    }
    w.head = {c.hash, n, w.head.bytes + static_cast<int64_t>(line.size()) + 1};
    if (n == want) w.hash_at = c.hash;
  }
  return w;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path) {
  auto walked = Walk(path);
  if (!walked.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("audit log: ", walked.status().message()));
  }
  // Not O_APPEND: records go at the end of the chain, which a torn tail may follow until the
  // next write cuts it off.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit log ", path, ": ", std::strerror(errno)));
  }
  auto log = std::unique_ptr<AuditLog>(new AuditLog(fd, path, walked->head));
  log->tail_after_head_ = walked->torn_bytes > 0;
  return log;
}

AuditLog::~AuditLog() { close(fd_); }

AuditHead AuditLog::head() const {
  std::lock_guard<std::mutex> lock(mu_);
  return head_;
}

absl::Status AuditLog::Append(nlohmann::ordered_json record) {
  std::vector<nlohmann::ordered_json> records;
  records.push_back(std::move(record));
  return AppendDurably(std::move(records));
}

absl::Status AuditLog::AppendDurably(std::vector<nlohmann::ordered_json> records) {
  std::lock_guard<std::mutex> lock(mu_);
  AuditHead next = head_;
  std::string text;
  for (nlohmann::ordered_json& record : records) {
    record["prev"] = next.hash;
    std::string body = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    next.hash = Sha256Hex(body);
    text += body.substr(0, body.size() - 1);
    text += kHashSuffixStart;
    text += next.hash;
    text += "\"}\n";
    ++next.lines;
  }
  next.bytes += static_cast<int64_t>(text.size());
  // Whatever follows the head (a torn line, a write that failed) is cut off first: a record must
  // follow the one it names as "prev".
  int error = 0;
  if (tail_after_head_ && ftruncate(fd_, head_.bytes) != 0) error = errno;
  if (error == 0) error = signer::WriteAllAt(fd_, text, head_.bytes);
  if (error == 0 && fdatasync(fd_) != 0) error = errno;
  if (error != 0) {
    tail_after_head_ = ftruncate(fd_, head_.bytes) != 0 || fdatasync(fd_) != 0;
    return signer::DiskWriteError(absl::StrCat("audit log ", path_), error);
  }
  tail_after_head_ = false;
  head_ = std::move(next);
  return absl::OkStatus();
}

absl::Status AuditLog::TruncateTo(const AuditHead& head) {
  std::lock_guard<std::mutex> lock(mu_);
  head_ = head;
  tail_after_head_ = ftruncate(fd_, head.bytes) != 0 || fdatasync(fd_) != 0;
  if (tail_after_head_) {  // the next append cuts it before writing
    return absl::InternalError(absl::StrCat("audit log ", path_, ": cannot cut back to line ",
                                            head.lines, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> AuditLog::HashAtLine(int64_t line) const {
  auto walked = Walk(path_, line);
  if (!walked.ok()) return walked.status();
  if (walked->head.lines < line) {
    return absl::NotFoundError(
        absl::StrCat(path_, " has ", walked->head.lines, " complete lines, not ", line));
  }
  return walked->hash_at;
}

absl::StatusOr<int> VerifyAuditLog(const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  auto walked = Walk(path);
  if (!walked.ok()) return walked.status();
  if (walked->torn_bytes > 0) {
    return absl::DataLossError(absl::StrCat(
        path, ": line ", walked->head.lines + 1,
        " is cut short (no line end; a write was interrupted): oms-signer removes it at its "
        "next write"));
  }
  return static_cast<int>(walked->head.lines);
}

}  // namespace betteroms::audit
