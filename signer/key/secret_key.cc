#include "signer/key/secret_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/hex.h"

namespace betteroms::key {
namespace {

size_t PageSize() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

}  // namespace

SecretKey::SecretKey() {
  void* page =
      mmap(nullptr, PageSize(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    // No memory for a page is no memory for anything: stop loudly, as for a failed new.
    std::fprintf(stderr, "oms-signer: cannot map a page for the key: %s\n", std::strerror(errno));
    std::abort();
  }
  bytes_ = static_cast<uint8_t*>(page);
  (void)madvise(page, PageSize(), MADV_DONTDUMP);  // not in core dumps
  (void)madvise(page, PageSize(), MADV_DONTFORK);  // not in a forked child
  locked_ = mlock(page, PageSize()) == 0;          // not in swap
}

absl::StatusOr<SecretKey> SecretKey::FromHexFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("key file ", path, ": ", std::strerror(errno)));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
    close(fd);
    return absl::PermissionDeniedError(
        absl::StrCat("key file ", path, " is readable by group or others (mode ",
                     absl::StrCat(absl::Hex(st.st_mode & 0777)), "); run: chmod 600 ", path));
  }
  char buf[256];
  ssize_t n = read(fd, buf, sizeof(buf));
  close(fd);
  SecretKey key;
  std::string_view text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  std::optional<std::vector<uint8_t>> bytes = FromHex(text);
  OPENSSL_cleanse(buf, sizeof(buf));
  bool ok = bytes.has_value() && bytes->size() == kSize;
  if (ok) std::copy(bytes->begin(), bytes->end(), key.bytes_);
  if (bytes.has_value()) OPENSSL_cleanse(bytes->data(), bytes->size());
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("key file ", path, " does not hold a 64-digit hex private key"));
  }
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  int valid = secp256k1_ec_seckey_verify(ctx, key.bytes_);
  secp256k1_context_destroy(ctx);
  if (valid != 1) {
    return absl::InvalidArgumentError(absl::StrCat("key file ", path, " holds an invalid key"));
  }
  return key;
}

absl::StatusOr<SecretKey> SecretKey::FromBytes(const uint8_t* bytes, size_t size) {
  if (size != kSize) return absl::InvalidArgumentError("a private key is 32 bytes");
  SecretKey key;
  std::copy(bytes, bytes + size, key.bytes_);
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  int valid = secp256k1_ec_seckey_verify(ctx, key.bytes_);
  secp256k1_context_destroy(ctx);
  if (valid != 1) return absl::InvalidArgumentError("not a valid secp256k1 private key");
  return key;
}

SecretKey::SecretKey(SecretKey&& other) noexcept
    : bytes_(std::exchange(other.bytes_, nullptr)), locked_(std::exchange(other.locked_, false)) {}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    this->~SecretKey();
    bytes_ = std::exchange(other.bytes_, nullptr);
    locked_ = std::exchange(other.locked_, false);
  }
  return *this;
}

SecretKey::~SecretKey() {
  if (bytes_ == nullptr) return;
  OPENSSL_cleanse(bytes_, kSize);
  if (locked_) munlock(bytes_, PageSize());
  munmap(bytes_, PageSize());
  bytes_ = nullptr;
}

absl::Status WriteNewHexKey(const std::string& path) {
  std::array<uint8_t, 32> bytes{};
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  do {
    if (RAND_bytes(bytes.data(), bytes.size()) != 1) {
      secp256k1_context_destroy(ctx);
      return absl::InternalError("no randomness available");
    }
  } while (secp256k1_ec_seckey_verify(ctx, bytes.data()) != 1);
  secp256k1_context_destroy(ctx);
  std::string hex = ToHex(bytes) + "\n";
  OPENSSL_cleanse(bytes.data(), bytes.size());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    OPENSSL_cleanse(hex.data(), hex.size());
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  ssize_t written = write(fd, hex.data(), hex.size());
  OPENSSL_cleanse(hex.data(), hex.size());
  bool synced = fsync(fd) == 0;
  close(fd);
  if (written != 65 || !synced) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace betteroms::key
