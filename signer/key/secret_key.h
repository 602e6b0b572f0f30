// The private key: a move-only fixed 32-byte value, wiped on destruction, never printed. It has no
// hex getter and no stream operator on purpose. Its bytes live on a page of their own, locked in
// memory (never swapped) and left out of core dumps; a move hands the page over, never copies it.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace betteroms::key {

class SecretKey {
 public:
  // Reads a raw hex key file (64 hex digits, optional 0x and surrounding whitespace). Refuses a
  // file that group or others can read (PermissionDenied), and a key that is not a valid
  // secp256k1 scalar (InvalidArgument).
  static absl::StatusOr<SecretKey> FromHexFile(const std::string& path);

  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  // Copies 32 bytes in; the caller wipes its copy.
  static absl::StatusOr<SecretKey> FromBytes(const uint8_t* bytes, size_t size);

  // For the crypto layer only. Null after the key was moved from.
  const uint8_t* data() const { return bytes_; }
  // Whether its page is locked in memory (mlock can fail under a small RLIMIT_MEMLOCK; the
  // server logs it).
  bool locked() const { return locked_; }

  static constexpr size_t kSize = 32;

 private:
  SecretKey();
  uint8_t* bytes_ = nullptr;  // kSize bytes at the start of a private page
  bool locked_ = false;
};

// Writes a fresh random key as hex to `path` with mode 0600. Refuses to overwrite.
absl::Status WriteNewHexKey(const std::string& path);

}  // namespace betteroms::key
