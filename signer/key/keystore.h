// Ethereum V3 keystores (the format geth and ethers write): scrypt or pbkdf2-sha256, AES-128-CTR,
// and a keccak MAC that is checked before anything is decrypted.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "signer/key/secret_key.h"

namespace betteroms::key {

// Decrypts the keystore at `path`. PermissionDenied for a wrong password (the MAC does not match),
// InvalidArgument for a malformed file or unsupported parameters.
absl::StatusOr<SecretKey> LoadKeystore(const std::string& path, const std::string& password);

// Writes a new random key as a keystore (scrypt n=262144, r=8, p=1, as geth), mode 0600, refusing
// to overwrite. Returns the key's address. `scrypt_n` is lowered only by tests.
absl::StatusOr<std::string> WriteNewKeystore(const std::string& path, const std::string& password,
                                             uint64_t scrypt_n = 262144);

// Reads a password file: its first line, without the line end. Refused when readable by others.
absl::StatusOr<std::string> ReadPasswordFile(const std::string& path);

}  // namespace betteroms::key
