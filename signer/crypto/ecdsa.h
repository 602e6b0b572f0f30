// secp256k1 signatures as Ethereum writes them: RFC 6979 deterministic nonces, low-s, and
// r ‖ s ‖ v with v = 27 or 28.
#pragma once

#include <secp256k1.h>

#include <array>
#include <optional>

#include "signer/crypto/address.h"
#include "signer/crypto/keccak.h"

namespace betteroms::crypto {

using Signature = std::array<uint8_t, 65>;

// Signs `digest` with the 32-byte secret `key`. libsecp256k1's default nonce function is RFC 6979
// and its signatures are always low-s, as ethers and viem produce them.
std::optional<Signature> SignDigest(const secp256k1_context* ctx, const uint8_t* key,
                                    const Hash256& digest);

// The address whose key made `signature` over `digest`; nullopt when it does not recover.
std::optional<Address> RecoverAddress(const secp256k1_context* ctx, const Hash256& digest,
                                      const Signature& signature);

}  // namespace betteroms::crypto
