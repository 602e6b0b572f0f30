#include "oms-server/venue/credentials.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/json.h"
#include "oms-server/venue/l2_auth.h"

namespace betteroms::venue {
namespace {

// A credentials file holds three short strings; anything larger is not one.
constexpr size_t kMaxFileBytes = 64 << 10;

// Wipes a parsed document's strings: they hold the secret and the passphrase.
void Wipe(JsonValue& value) {
  OPENSSL_cleanse(value.text.data(), value.text.size());
  for (JsonValue& item : value.items) Wipe(item);
  for (JsonValue& member : value.members) Wipe(member);
}

}  // namespace

absl::StatusOr<ApiCredentials> LoadCredentials(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = absl::StrCat("credentials file ", path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(msg);
    return absl::PermissionDeniedError(msg);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    close(fd);
    return absl::InternalError(absl::StrCat("credentials file ", path, ": cannot stat"));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("credentials file ", path, " is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%03o", static_cast<unsigned>(st.st_mode & 0777));
    return absl::PermissionDeniedError(absl::StrCat("credentials file ", path,
                                                    " is readable by group or others (mode ", mode,
                                                    "); run: chmod 600 ", path));
  }
  std::string text;
  text.resize(kMaxFileBytes + 1);
  size_t size = 0;
  while (size < text.size()) {
    ssize_t n = read(fd, text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    size += static_cast<size_t>(n);
  }
  close(fd);
  if (size > kMaxFileBytes) {
    OPENSSL_cleanse(text.data(), text.size());
    return absl::InvalidArgumentError(
        absl::StrCat("credentials file ", path, " is larger than ", kMaxFileBytes, " bytes"));
  }
  absl::StatusOr<JsonValue> doc = ParseJson(std::string_view(text.data(), size));
  OPENSSL_cleanse(text.data(), text.size());
  // The parser's message may quote the text it stopped at, which can be the secret: say only
  // what is wrong with the file.
  if (!doc.ok() || !doc->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("credentials file ", path, " is not a JSON object"));
  }
  ApiCredentials credentials;
  std::string missing;
  for (const char* key : {"apiKey", "secret", "passphrase"}) {
    const JsonValue* field = doc->Find(key);
    if (field == nullptr || !field->is_string() || field->text.empty()) {
      if (missing.empty()) missing = key;
      continue;
    }
    std::string& out = std::strcmp(key, "apiKey") == 0   ? credentials.api_key
                       : std::strcmp(key, "secret") == 0 ? credentials.secret
                                                         : credentials.passphrase;
    out = field->text;
  }
  Wipe(*doc);
  if (!missing.empty()) {
    OPENSSL_cleanse(credentials.secret.data(), credentials.secret.size());
    OPENSSL_cleanse(credentials.passphrase.data(), credentials.passphrase.size());
    return absl::InvalidArgumentError(
        absl::StrCat("credentials file ", path, ": \"", missing, "\" must be a non-empty string"));
  }
  if (!IsBase64Secret(credentials.secret)) {
    OPENSSL_cleanse(credentials.secret.data(), credentials.secret.size());
    OPENSSL_cleanse(credentials.passphrase.data(), credentials.passphrase.size());
    return absl::InvalidArgumentError(
        absl::StrCat("credentials file ", path, ": \"secret\" is not base64"));
  }
  return credentials;
}

}  // namespace betteroms::venue
