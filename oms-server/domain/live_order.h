// Live orders (DESIGN §6): the venue order a simulated trade becomes, and the checks a live plan
// passes before anything is signed. Pure: books, balances and limits come in, verdicts come out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/order.h"
#include "oms-server/domain/outcome.h"
#include "oms-server/domain/paper_engine.h"
#include "oms-server/domain/plan.h"

namespace betteroms::domain {

inline constexpr char kZeroBytes32[] =
    "0x0000000000000000000000000000000000000000000000000000000000000000";
// The venue ignores a GTD order's last minute (PROTOCOL §7): a GTD order is sent with
// expiration = expiresAt + this, and must expire at least this far ahead.
inline constexpr absl::Duration kGtdThreshold = absl::Seconds(60);

// Who trades: the funder (maker), the address that signs, how it signs, and attribution.
struct LiveAccount {
  uint64_t chain_id = 137;
  std::string maker;
  std::string signer;
  int signature_type = 0;  // 0 EOA, 1 proxy, 2 safe, 3 deposit wallet
  std::string builder = kZeroBytes32;
};

// The OMS's own limits, in micro-units of USDC; unset means no limit.
struct RiskLimits {
  std::optional<int64_t> max_order_notional;
  std::optional<int64_t> max_plan_notional;
  std::optional<int64_t> max_daily_notional;  // per UTC day, over every live order
  std::set<std::string> allowed_tokens;       // empty: any token
};

// What the venue holds for the account, in base units.
struct Balances {
  int64_t collateral = 0;
  std::map<std::string, int64_t> allowances;  // spender address (lower case) -> allowance
};

// "ctf-v2" or "neg-risk-v2", by the market's neg-risk flag.
const char* ExchangeFor(const Book& book, const MarketInfo* market = nullptr);
// The exchange contract that spends collateral for `exchange` (lower case), as /balance-allowance
// names it.
std::string ExchangeContract(const std::string& exchange, uint64_t chain_id);

// Collateral an order commits: paid for a BUY (maker amount), received for a SELL (taker).
int64_t OrderNotional(const Order& order);

// The live order a simulated trade becomes: the paper engine's amounts, limit and shares (one
// order builder for both modes), the account's fields, and the signed salt and time. Its status
// is kNew; its twin is the simulation's status and fill on `book`.
// A deposit wallet (type 3) is the order's signer as well as its maker (PROTOCOL §2.4).
Order ToLiveOrder(const PaperOrder& simulated, const Plan& plan, const Book& book,
                  const MarketInfo* market, const LiveAccount& account,
                  const std::string& intent_id, const std::string& salt, absl::Time now);

// Why `simulated` cannot be sent at all (no amounts to sign, below the market's minimum, a GTD
// expiring too soon, a market the venue says takes no orders); empty when it can. The venue decides
// everything else (a FOK the book cannot fill, a post-only that would cross): it answers for the
// live order.
std::string CannotSend(const PaperOrder& simulated, const Book& book, const MarketInfo* market,
                       absl::Time now);

// The OMS's risk limits and the account's balances against a plan's live orders, before anything
// is signed: per-order, per-plan and per-day notional, the token allow-list, BUY notional against
// the collateral balance and each exchange's allowance. Every breach, naming the rule and the
// numbers. `spent_today`: live notional already committed this UTC day.
std::vector<Violation> CheckLiveRisk(const std::vector<Order>& orders, const RiskLimits& limits,
                                     int64_t spent_today, const Balances& balances,
                                     uint64_t chain_id);

// A venue's answer to a POST, in the OMS's words (the service translates the venue client's).
struct PostAnswer {
  enum class Kind { kAccepted, kRejected, kNotAccepted, kAmbiguous };
  Kind kind = Kind::kAmbiguous;
  std::string status;  // accepted: "live", "matched" or "delayed"
  int64_t making = 0;  // base units matched at placement: what the order gave
  int64_t taking = 0;  // and what it got
  std::string error;   // the venue's own text
  std::string reason;  // a sentence for the trader
};

// Moves a submitted order to what the POST's answer says: accepted (open, filled, partially
// filled or delayed, with the placement's fill), rejected, signed again (not accepted: the same
// bytes may be sent later) or unknown (the answer was lost). Returns the placement's fill.
std::optional<Execution> ApplyPostAnswer(Order& order, const PostAnswer& answer, absl::Time now);

// An order as the venue reads it back (/data/order/{hash}).
struct VenueOrderState {
  std::string status;  // LIVE, MATCHED, DELAYED, CANCELED, CANCELED_MARKET_RESOLVED, INVALID,
                       // UNMATCHED
  std::string status_reason;
  int64_t size_matched = 0;  // shares
  int64_t price = 0;
};

// Adopts the venue's view of an order: its status, and a fill for shares matched since the OMS
// last looked (at the order's price). Returns that fill.
std::optional<Execution> ApplyVenueOrder(Order& order, const VenueOrderState& state,
                                         absl::Time now);

// Adopts the venue's status word alone: open or partially filled (by the fills the order holds),
// filled, delayed, cancelled with the venue's reason, expired (a GTD past its time), rejected.
void ApplyVenueStatus(Order& order, const VenueOrderState& state, absl::Time now);

}  // namespace betteroms::domain
