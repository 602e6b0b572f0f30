// The signer's policy: what it will sign, checked against the order's own typed fields. A refusal
// is a value, {rule, message}, never an error text somebody must parse back.
//
// Policy file (JSON; every field but chain_id optional, unknown fields refused):
//   {
//     "chain_id": 137,                          // 137 Polygon or 80002 Amoy
//     "exchanges": ["ctf-v2", "neg-risk-v2", "v3"],
//     "makers": ["0x…"],                        // default: the key's own address
//     "signers": ["0x…"],                       // default: the key's own address
//     "signature_types": [0],                   // 0 EOA, 1 proxy, 2 safe, 3 POLY_1271; default [0]
//     "max_order_notional": "1000",             // USDC per order
//     "max_daily_notional": "5000",             // USDC per UTC day, across restarts
//     "price_band": {"min": "0.01", "max": "0.99"},
//     "tokens": ["7132…"],                      // allow-list of token ids; absent = any
//     "max_signs_per_second": 50
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "signer/crypto/eip712.h"

namespace betteroms::policy {

// Every rule the signer may refuse an order under. The ids (RuleId) are the policy file's field
// names, plus signer_is_key (an order signer other than the key needs POLY_1271); they appear in
// the audit log and on the wire, so they never change.
enum class Rule {
  kChainId,
  kExchanges,
  kMakers,
  kSigners,
  kSignatureTypes,
  kTokens,
  kPriceBand,
  kMaxOrderNotional,
  kMaxDailyNotional,
  kMaxSignsPerSecond,
  kSignerIsKey,
};

// The stable id of `rule`, e.g. "max_order_notional".
absl::string_view RuleId(Rule rule);

// A decision not to sign: the rule that refused and a sentence with the numbers
// ("order notional 1500.00 exceeds max_order_notional 1000.00"), without the rule's id.
struct Refusal {
  Rule rule;
  std::string message;
};

struct Policy {
  uint64_t chain_id = 137;
  std::set<crypto::Exchange> exchanges;
  std::set<crypto::Address> makers;
  std::set<crypto::Address> signers;
  std::set<int> signature_types;
  std::optional<int64_t> max_order_notional;  // micro-USDC
  std::optional<int64_t> max_daily_notional;
  int64_t min_price = 1;  // micro-units
  int64_t max_price = 999'999;
  std::set<std::string> tokens;  // decimal ids; empty = any
  std::optional<int> max_signs_per_second;

  // One line for GetIdentity and logs.
  std::string Summary() const;
};

// What the signer derives from a typed order before deciding.
struct OrderFacts {
  uint64_t chain_id = 0;
  crypto::Exchange exchange = crypto::Exchange::kCtfV2;
  crypto::Address maker{};
  crypto::Address signer{};
  int signature_type = 0;
  bool buy = true;
  std::string token_id;  // decimal
  int64_t notional = 0;  // collateral micro-units: BUY pays makerAmount, SELL receives takerAmount
  int64_t price = 0;     // micro-units: collateral per share
};

// Reads and checks a policy file; `key_address` fills the default makers/signers.
absl::StatusOr<Policy> LoadPolicy(const std::string& path, const crypto::Address& key_address);
// The policy used when none is given: it refuses every order.
Policy RefuseAll();

// Derives notional and price from an order's amounts. InvalidArgument for zero or absurd amounts.
absl::Status DeriveEconomics(const crypto::OrderV2& order, OrderFacts& facts);

// Checks every rule but the rate, in a fixed order; the first rule that refuses is returned,
// nullopt when the order is allowed. `spent_today` is the notional already signed this UTC day.
std::optional<Refusal> Check(const Policy& policy, const OrderFacts& facts, int64_t spent_today);

}  // namespace betteroms::policy
