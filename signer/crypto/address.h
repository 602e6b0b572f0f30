// Ethereum addresses: derived from a secp256k1 public key, written with the EIP-55 checksum.
#pragma once

#include <secp256k1.h>

#include <array>
#include <cstdint>
#include <string>

namespace betteroms::crypto {

using Address = std::array<uint8_t, 20>;

// The address of an uncompressed public key: the last 20 bytes of keccak256(x || y).
Address AddressFromPublicKey(const secp256k1_context* ctx, const secp256k1_pubkey& pubkey);

// "0x" + 40 hex digits, upper-cased where keccak256 of the lower-case hex has a nibble >= 8.
std::string ChecksumAddress(const Address& address);

}  // namespace betteroms::crypto
