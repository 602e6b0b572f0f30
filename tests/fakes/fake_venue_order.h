// One order as the fake venue receives it (PROTOCOL §2, §5, §7): the POST /order payload parsed,
// its hash, its signature and the per-order rules the venue applies before matching. Pure
// functions: no venue state.
#pragma once

#include <secp256k1.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "signer/crypto/eip712.h"

namespace betteroms::test {

enum class OrderType { kGtc, kGtd, kFok, kFak };
const char* OrderTypeName(OrderType type);  // "GTC", ...

struct IncomingOrder {
  crypto::OrderV2 fields;    // what the signature covers
  std::string maker;         // lower-case 0x hex
  std::string signer;        // lower-case 0x hex
  std::string token_id;      // decimal
  int64_t maker_amount = 0;  // base units
  int64_t taker_amount = 0;
  bool buy = true;
  int signature_type = 0;
  int64_t expiration = 0;  // unix seconds, 0 = none (not signed)
  std::vector<uint8_t> signature;
  std::string owner;  // the API key the body names
  OrderType type = OrderType::kGtc;
  bool post_only = false;

  bool is_market() const { return type == OrderType::kFok || type == OrderType::kFak; }
  // Shares: the taker amount of a BUY, the maker amount of a SELL.
  int64_t shares() const { return buy ? taker_amount : maker_amount; }
};

// One entry of POST /order or /orders. InvalidArgument with the venue's text when malformed.
absl::StatusOr<IncomingOrder> ParseOrderPayload(const std::string& json_text);

// The exchange an order for a token signs for, by the token's market.
crypto::ExchangeDomain OrderDomain(bool neg_risk, uint64_t chain_id);
// The order hash (its EIP-712 digest under `domain`): the venue's orderID.
crypto::Hash256 OrderHash(const IncomingOrder& order, const crypto::ExchangeDomain& domain,
                          uint64_t chain_id);

// Types 0-2: the digest recovers to order.signer. Type 3: a 317-byte POLY_1271 envelope for this
// order and domain whose inner signature recovers to `owner_address` (the API key's address).
bool SignatureValid(const secp256k1_context* ctx, const IncomingOrder& order,
                    const crypto::ExchangeDomain& domain, uint64_t chain_id,
                    const std::string& owner_address);

// Tick, amount precision (PROTOCOL §5.3), minimum size and GTD expiration: "" when the order
// passes, else the venue's message. `tick` and `min_size` in micro-units.
std::string CheckOrderRules(const IncomingOrder& order, int64_t tick, int64_t min_size,
                            int64_t now_s);

}  // namespace betteroms::test
