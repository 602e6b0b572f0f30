#include "signer/audit/audit_log.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/hex.h"

namespace betteroms::audit {
namespace {

constexpr char kGenesis[] = "0000000000000000000000000000000000000000000000000000000000000000";
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

absl::StatusOr<std::pair<int, std::string>> Walk(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::pair<int, std::string>{0, kGenesis};
  std::string line;
  std::string prev = kGenesis;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    Checked c = CheckLine(line);
    if (!c.ok) {
      return absl::DataLossError(
          absl::StrCat(path, ": line ", n, " was edited (its hash does not match its content)"));
    }
    if (c.prev != prev) {
      return absl::DataLossError(
          absl::StrCat(path, ": line ", n, " does not follow line ", n - 1,
                       " (a line before it was removed, or lines were reordered)"));
    }
    prev = c.hash;
  }
  return std::pair<int, std::string>{n, prev};
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path) {
  auto walked = Walk(path);
  if (!walked.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("audit log: ", walked.status().message()));
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit log ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<AuditLog>(new AuditLog(fd, walked->second));
}

AuditLog::~AuditLog() { close(fd_); }

absl::Status AuditLog::Append(nlohmann::ordered_json record) {
  std::lock_guard<std::mutex> lock(mu_);
  record["prev"] = last_hash_;
  std::string body = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string hash = Sha256Hex(body);
  std::string line =
      body.substr(0, body.size() - 1) + std::string(kHashSuffixStart) + hash + "\"}\n";
  if (write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return absl::InternalError(absl::StrCat("audit log: write failed: ", std::strerror(errno)));
  }
  last_hash_ = hash;
  return absl::OkStatus();
}

absl::StatusOr<int> VerifyAuditLog(const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  auto walked = Walk(path);
  if (!walked.ok()) return walked.status();
  return walked->first;
}

}  // namespace betteroms::audit
