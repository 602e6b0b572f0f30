// Reconciling live orders with the venue (PROTOCOL §13): fills by venue trade, applied once per
// (trade, order) whatever the order's state; settlement moves; the venue's word on each order's
// status; cancelAfter. Pure: the orders as stored and what the venue said come in, the changes
// come out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "oms-server/domain/live_order.h"
#include "oms-server/domain/order.h"

namespace betteroms::domain {

// One fill of ours in a venue trade: the taker's, or a maker_orders entry naming our order.
struct TradeFill {
  std::string trade_id;
  std::string order_hash;  // lower case
  std::string token_id;
  Side side = Side::kBuy;
  int64_t shares = 0;
  int64_t price = 0;
  std::optional<int64_t> fee_rate_bps;
  bool maker = false;
  std::string settlement;  // MATCHED, MATCHED_NOT_BROADCASTED, MINED, CONFIRMED, RETRYING, FAILED
  std::string transaction_hash;
  absl::Time matched_at = absl::InfinitePast();
};

// The fee a fill paid at `fee_rate_bps` (PROTOCOL §5.4, exponent 1): shares × rate × p × (1 − p),
// in collateral micro-units, rounded down.
int64_t TradeFee(int64_t shares, int64_t price, int64_t fee_rate_bps);

struct Reconciliation {
  std::vector<Execution> fills;      // new trade fills, and stored ones whose settlement moved
  std::vector<int64_t> replaced;     // provisional fills (execution ids) their trades replace
  std::vector<std::string> skipped;  // venue fills refused as implausible, why
  std::set<std::string> resolved;    // tokens of orders the venue cancelled as market resolved
  int fills_new = 0;
  int fills_confirmed = 0;  // became CONFIRMED
  int fills_failed = 0;     // became FAILED: voided
  int cancelled_by_venue = 0;
  int changed = 0;  // orders the caller wrote (set by the caller)
};

// Applies what the venue said to `orders` (live, each with its stored `fills`): `fills` by trade
// id (a trade seen before only moves its settlement), then `views` (the venue's order by hash,
// where it was read) for each order's status. An order's fill totals are the sum of its trades'
// fills that are not voided once they account for its provisional fills; until then those stand.
// A cancelled or expired order whose trades filled it whole is filled.
Reconciliation Reconcile(std::vector<Order>& orders,
                         const std::map<std::string, VenueOrderState>& views,
                         const std::vector<TradeFill>& fills, absl::Time now);

// GTC orders whose cancelAfter (expires_at) has passed and that still rest at the venue: the OMS
// cancels them, as the venue expires GTD orders itself.
std::vector<Order*> DueForCancelAfter(std::vector<Order>& orders, absl::Time now);

// Records that the venue accepted the cancel of a cancelAfter order.
void MarkCancelledAfter(Order& order);

// Whether the journal must write `now` over `stored`: status, reason, fills or venue words moved.
bool JournalDiffers(const Order& now, const Order& stored);

}  // namespace betteroms::domain
