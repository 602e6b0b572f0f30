// libFuzzer target: the keystore parser oms-signer runs on a --keystore file must never crash,
// throw, leak or hit undefined behaviour, and must refuse out-of-bounds KDF parameters before
// any key derivation (this target runs none: a hostile n, r, p or c would show as a timeout).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "signer/key/keystore.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<betteroms::key::KeystoreParams> params = betteroms::key::ParseKeystore(text);
  if (!params.ok()) return 0;
  using betteroms::key::KeystoreParams;
  const KeystoreParams& k = *params;
  // What parsed is within the bounds LoadKeystore relies on.
  bool bounded = k.iv.size() == 16 && k.ciphertext.size() == 32 && k.mac.size() == 32 &&
                 (k.kdf == KeystoreParams::Kdf::kScrypt
                      ? k.n >= 2 && k.n <= betteroms::key::kMaxScryptN && (k.n & (k.n - 1)) == 0 &&
                            k.r >= 1 && k.r <= betteroms::key::kMaxScryptR && k.p >= 1 &&
                            k.p <= betteroms::key::kMaxScryptP &&
                            128 * k.n * k.r <= betteroms::key::kMaxScryptMemory &&
                            k.n * k.r * k.p <= betteroms::key::kMaxScryptWork
                      : k.c >= 1 && k.c <= betteroms::key::kMaxPbkdf2Iterations);
  if (!bounded) std::abort();
  return 0;
}
