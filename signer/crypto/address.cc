#include "signer/crypto/address.h"

#include <cstring>

#include "common/hex.h"
#include "signer/crypto/keccak.h"

namespace betteroms::crypto {

Address AddressFromPublicKey(const secp256k1_context* ctx, const secp256k1_pubkey& pubkey) {
  uint8_t serialized[65];
  size_t len = sizeof(serialized);
  secp256k1_ec_pubkey_serialize(ctx, serialized, &len, &pubkey, SECP256K1_EC_UNCOMPRESSED);
  Hash256 hash = Keccak256(std::span<const uint8_t>(serialized + 1, 64));
  Address out;
  std::memcpy(out.data(), hash.data() + 12, 20);
  return out;
}

std::string ChecksumAddress(const Address& address) {
  std::string hex = ToHex(address);
  Hash256 hash = Keccak256(hex);
  for (size_t i = 0; i < hex.size(); ++i) {
    int nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0xf;
    if (hex[i] >= 'a' && nibble >= 8) hex[i] = static_cast<char>(hex[i] - 'a' + 'A');
  }
  return "0x" + hex;
}

}  // namespace betteroms::crypto
