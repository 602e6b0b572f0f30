// The signer's policy: what it will sign, checked against the order's own typed fields. A refusal
// is a value, {rule, message}, never an error text somebody must parse back.
//
// Policy file (JSON). Each field has one type and range; a wrong type, an empty list, an unknown
// value or an unknown field refuses to start, naming the field. Every field but chain_id is
// optional:
//   {
//     "chain_id": 137,                          // number: 137 Polygon or 80002 Amoy
//     "exchanges": ["ctf-v2", "neg-risk-v2", "v3"],  // non-empty; also ctf-v1, neg-risk-v1
//     "makers": ["0x…"],                        // non-empty; default: the key's own address
//     "signers": ["0x…"],                       // non-empty; default: the key's own address
//     "signature_types": [0],                   // non-empty, of 0 EOA, 1 proxy, 2 safe,
//                                               // 3 POLY_1271; default [0]
//     "max_order_notional": "1000",             // decimal string > 0: USDC per order
//     "max_daily_notional": "5000",             // decimal string > 0: USDC per UTC day
//     "price_band": {"min": "0.01", "max": "0.99"},  // decimal strings, 0 < min <= max < 1
//     "tokens": ["7132…"],                      // non-empty list of decimal token id strings;
//                                               // absent = any token (never empty = any)
//     "max_signs_per_second": 50,               // integer 1..100000; default unlimited
//     "clob_auth_window_seconds": 300,          // integer 1..3600; default 300
//     "max_clob_auths_per_minute": 10           // integer 1..600; default 10
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "signer/crypto/eip712.h"

namespace betteroms::policy {

// Every rule the signer may refuse an order under. The ids (RuleId) are the policy file's field
// names, plus signer_is_key (an order signer other than the key needs POLY_1271), amounts (an
// order's amounts that are zero or beyond any plausible order) and policy (no policy loaded);
// they appear in the audit log and on the wire, so they never change.
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
  kAmounts,
  kNoPolicy,
  kClobAuthWindow,
  kMaxClobAuthsPerMinute,
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
  bool none = false;  // RefuseAll(): no policy was given; nothing is signed
  uint64_t chain_id = 137;
  std::set<crypto::Exchange> exchanges;
  std::set<crypto::Address> makers;
  std::set<crypto::Address> signers;
  std::set<int> signature_types;
  std::optional<int64_t> max_order_notional;  // micro-USDC
  std::optional<int64_t> max_daily_notional;
  int64_t min_price = 1;  // micro-units
  int64_t max_price = 999'999;
  // Canonical decimal ids; nullopt = any token. An empty set allows no token.
  std::optional<std::set<std::string>> tokens;
  std::optional<int> max_signs_per_second;
  int clob_auth_window_seconds = 300;  // a ClobAuth timestamp may be this far from now
  int max_clob_auths_per_minute = 10;

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
  int64_t shares = 0;    // share micro-units: BUY receives takerAmount, SELL gives makerAmount
  // Collateral per share in micro-units, rounded down and capped at INT64_MAX: for messages and
  // the audit only. The rules compare notional and shares exactly.
  int64_t price = 0;
};

// Parses and checks a policy's JSON text; `key_address` fills the default makers/signers.
// InvalidArgument naming the field ("tokens: must not be empty ...") on anything but a policy
// exactly as documented above.
absl::StatusOr<Policy> ParsePolicy(std::string_view text, const crypto::Address& key_address);
// Reads a policy file and parses it with ParsePolicy; the error names the path and the field.
absl::StatusOr<Policy> LoadPolicy(const std::string& path, const crypto::Address& key_address);
// The policy used when none is given: it refuses every order and every ClobAuth (rule policy).
Policy RefuseAll();

// Derives notional, shares and price from an order's amounts, with no intermediate that can wrap.
// A refusal by `amounts` when either amount is zero or does not fit in 63 bits.
std::optional<Refusal> DeriveEconomics(const crypto::OrderV2& order, OrderFacts& facts);

// Checks every rule but the rate, in a fixed order; the first rule that refuses is returned,
// nullopt when the order is allowed. `spent_today` is the notional already signed this UTC day.
// The price band compares notional and shares exactly (128-bit cross-multiplication); an implied
// price outside (0, 1) is refused whatever the band.
std::optional<Refusal> Check(const Policy& policy, const OrderFacts& facts, int64_t spent_today);

}  // namespace betteroms::policy
