// Ethereum V3 keystores (the format geth and ethers write): scrypt or pbkdf2-sha256, AES-128-CTR,
// and a keccak MAC that is checked before anything is decrypted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "signer/key/secret_key.h"

namespace betteroms::key {

// A keystore's parameters, checked and bounded, before any key derivation runs.
struct KeystoreParams {
  enum class Kdf { kScrypt, kPbkdf2 };
  Kdf kdf = Kdf::kScrypt;
  uint64_t n = 0, r = 0, p = 0;  // scrypt
  uint64_t c = 0;                // pbkdf2-hmac-sha256 iterations
  std::vector<uint8_t> salt, iv, ciphertext, mac;
};

// The bounds: scrypt n a power of two up to 2^20, r up to 32, p up to 16, at most 1 GiB of memory
// (128·n·r) and 2^24 of work (n·r·p); pbkdf2 up to 10,000,000 iterations. geth's n=2^18, r=8, p=1
// and its pbkdf2 c=262144 are well inside. A hostile file costs nothing before it is refused.
inline constexpr uint64_t kMaxScryptN = uint64_t{1} << 20;
inline constexpr uint64_t kMaxScryptR = 32;
inline constexpr uint64_t kMaxScryptP = 16;
inline constexpr uint64_t kMaxScryptMemory = uint64_t{1} << 30;
inline constexpr uint64_t kMaxScryptWork = uint64_t{1} << 24;
inline constexpr uint64_t kMaxPbkdf2Iterations = 10'000'000;
inline constexpr size_t kMaxKeystoreBytes = size_t{64} * 1024;

// Parses and checks a V3 keystore's text without deriving anything and without exceptions.
// InvalidArgument names the field that is missing, malformed or out of bounds.
absl::StatusOr<KeystoreParams> ParseKeystore(std::string_view text);

// Decrypts the keystore at `path`. PermissionDenied for a wrong password (the MAC does not match),
// InvalidArgument for a malformed file or unsupported parameters.
absl::StatusOr<SecretKey> LoadKeystore(const std::string& path, const std::string& password);

// Writes a new random key as a keystore (scrypt n=262144, r=8, p=1, as geth), mode 0600, refusing
// to overwrite. Returns the key's address. `scrypt_n` is lowered only by tests.
absl::StatusOr<std::string> WriteNewKeystore(const std::string& path, const std::string& password,
                                             uint64_t scrypt_n = 262144);

// Reads a password file: its first line, without the line end. Refused when readable by group or
// others, or not a regular file, as the opened descriptor shows. The caller wipes the result.
absl::StatusOr<std::string> ReadPasswordFile(const std::string& path);

}  // namespace betteroms::key
