// Hex encoding for hashes, addresses and signatures.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace betteroms {

// Lower-case hex, no prefix.
std::string ToHex(std::span<const uint8_t> bytes);

// The decimal text of a big-endian unsigned integer of any length ("0" for none or zeros).
std::string BigEndianToDecimal(std::span<const uint8_t> bytes);

// Decodes hex with or without "0x"; nullopt on odd length or a non-hex character.
std::optional<std::vector<uint8_t>> FromHex(std::string_view text);

}  // namespace betteroms
