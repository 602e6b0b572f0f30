// Keccak-256 as Ethereum uses it (original padding 0x01, not NIST SHA3-256's 0x06).
// OpenSSL 3.0 has SHA3-256 only, so this is our own.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace betteroms::crypto {

using Hash256 = std::array<uint8_t, 32>;

Hash256 Keccak256(std::span<const uint8_t> data);
Hash256 Keccak256(std::string_view text);

}  // namespace betteroms::crypto
