// EIP-712 encoding for Polymarket: the exchange domains, the V2/V3 Order (and the legacy V1
// Order), the ClobAuth L1 message and the POLY_1271 (deposit wallet) envelope (PROTOCOL §2–§3).
// Every digest is computed here from typed fields; nothing signs a digest it was handed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signer/crypto/address.h"
#include "signer/crypto/keccak.h"

namespace betteroms::crypto {

using Word = std::array<uint8_t, 32>;

// A decimal uint256 as a big-endian word; nullopt when not a decimal or above 2^256 - 1.
std::optional<Word> ParseUint256(std::string_view decimal);
Word WordFromUint64(uint64_t v);
// "0x" + 40 hex digits (any case); nullopt otherwise. The checksum is not required.
std::optional<Address> ParseAddress(std::string_view text);
// "0x" + 64 hex digits.
std::optional<Word> ParseBytes32(std::string_view text);
// The decimal text of a word (for messages and audit records).
std::string Uint256ToDecimal(const Word& w);

enum class Exchange { kCtfV2, kNegRiskV2, kV3, kCtfV1, kNegRiskV1 };

struct ExchangeDomain {
  std::string version;  // "1", "2" or "3"
  Address contract;
};

// The verifying contract and domain version of `exchange` on chain 137 or 80002.
std::optional<ExchangeDomain> DomainFor(Exchange exchange, uint64_t chain_id);
const char* ExchangeName(Exchange exchange);  // "ctf-v2", "neg-risk-v2", "v3", ...

// keccak256(abi.encode(typehash, keccak(name), keccak(version), chainId, verifyingContract)).
Hash256 DomainSeparator(std::string_view name, std::string_view version, uint64_t chain_id,
                        const Address& verifying_contract);
Hash256 ExchangeDomainSeparator(const ExchangeDomain& domain, uint64_t chain_id);

// keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash).
Hash256 TypedDataDigest(const Hash256& domain_separator, const Hash256& struct_hash);

inline constexpr std::string_view kOrderTypeV2 =
    "Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,"
    "uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,"
    "bytes32 builder)";

struct OrderV2 {
  Word salt{};
  Address maker{};
  Address signer{};
  Word token_id{};
  Word maker_amount{};
  Word taker_amount{};
  uint8_t side = 0;            // BUY 0, SELL 1
  uint8_t signature_type = 0;  // EOA 0, POLY_PROXY 1, POLY_GNOSIS_SAFE 2, POLY_1271 3
  Word timestamp{};            // milliseconds
  Word metadata{};
  Word builder{};
};
Hash256 OrderV2StructHash(const OrderV2& order);

struct OrderV1 {
  Word salt{};
  Address maker{};
  Address signer{};
  Address taker{};
  Word token_id{};
  Word maker_amount{};
  Word taker_amount{};
  Word expiration{};
  Word nonce{};
  Word fee_rate_bps{};
  uint8_t side = 0;
  uint8_t signature_type = 0;
};
Hash256 OrderV1StructHash(const OrderV1& order);

// POLY_1271: the digest the owner key signs for an order whose signer is a deposit wallet.
Hash256 Poly1271SigningDigest(const Hash256& exchange_domain_separator,
                              const Hash256& order_struct_hash, uint64_t chain_id,
                              const Address& deposit_wallet);
// innerSig(65) ‖ domainSeparator ‖ contentsHash ‖ Order type string ‖ uint16 length.
std::vector<uint8_t> Poly1271Envelope(const std::array<uint8_t, 65>& inner_signature,
                                      const Hash256& exchange_domain_separator,
                                      const Hash256& order_struct_hash);

inline constexpr std::string_view kClobAuthMessage =
    "This message attests that I control the given wallet";
// The L1 ClobAuth digest (domain ClobAuthDomain, version 1, no verifying contract).
Hash256 ClobAuthDigest(uint64_t chain_id, const Address& address, std::string_view timestamp,
                       const Word& nonce);

}  // namespace betteroms::crypto
