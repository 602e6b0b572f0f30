#include "signer/crypto/ecdsa.h"

#include <secp256k1_recovery.h>

#include <cstring>

namespace betteroms::crypto {

std::optional<Signature> SignDigest(const secp256k1_context* ctx, const uint8_t* key,
                                    const Hash256& digest) {
  secp256k1_ecdsa_recoverable_signature sig;
  if (secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest.data(), key, nullptr, nullptr) != 1) {
    return std::nullopt;
  }
  Signature out;
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out.data(), &recid, &sig);
  out[64] = static_cast<uint8_t>(27 + recid);
  return out;
}

std::optional<Address> RecoverAddress(const secp256k1_context* ctx, const Hash256& digest,
                                      const Signature& signature) {
  int v = signature[64];
  if (v != 27 && v != 28) return std::nullopt;
  secp256k1_ecdsa_recoverable_signature sig;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, signature.data(), v - 27) !=
      1) {
    return std::nullopt;
  }
  secp256k1_pubkey pubkey;
  if (secp256k1_ecdsa_recover(ctx, &pubkey, &sig, digest.data()) != 1) return std::nullopt;
  return AddressFromPublicKey(ctx, pubkey);
}

}  // namespace betteroms::crypto
