// A paper run: market-stage validation and the simulation of a whole plan against one book read
// per token (DESIGN §5). Pure: books and positions come in, orders and fills come out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/fill_engine.h"
#include "oms-server/domain/order.h"
#include "oms-server/domain/order_builder.h"
#include "oms-server/domain/plan.h"

namespace betteroms::domain {

struct PaperOrder {
  int trade_index = 0;
  Trade trade;
  int64_t limit_price = 0;  // LIMIT: its price; MARKET: the worst price it may fill at
  int64_t size_shares = 0;  // shares ordered (for a market BUY: the minimum it receives)
  Amounts amounts;
  OrderStatus status = OrderStatus::kOpen;
  std::string reason;
  std::vector<Fill> fills;
  int64_t filled_shares = 0;
  int64_t filled_notional = 0;
  std::optional<absl::Time> expires_at;

  // True while the order rests on the (simulated) book: a GTC/GTD order not yet done. A FAK
  // that partly filled is finished.
  bool resting() const {
    return (status == OrderStatus::kOpen || status == OrderStatus::kPartiallyFilled) &&
           Rests(trade.tif);
  }
};

// The shares of a LIMIT order on `book`. SHARES: its size. USDC (DESIGN §3): the book is walked
// up to the limit until the size is spent (BUY) or received (SELL), each level at its own price;
// what is left rests at the limit as left / limit shares when the order rests (GTC/GTD), and is
// killed (FOK) or dropped (FAK) otherwise. Rounded down to the venue's 2 decimals. `complete`:
// the walk alone used the size, to within what buys less than 0.01 share at the limit. Always
// the depth walk, so paper and live orders carry the same shares.
struct LimitSizing {
  int64_t shares = 0;
  bool complete = false;
};
LimitSizing SizeLimitOrder(const Trade& t, const Book& book);

// Moves each LIMIT price and worstPrice that is off its market's tick onto it, in the trader's
// favour (BUY down, SELL up): never worse than what the plan says. One warning per moved price.
// Trades without a known book or tick are left for ValidateAgainstMarket to refuse.
std::vector<Violation> AlignToTicks(Plan& plan, const BookMap& books);

// Venue rules against each trade's market: tick, price range, decimal limits, minimum size,
// expiry in the future, a trigger's `until` in the future. Every violation, with its path. None of
// them depends on the book's depth, so a triggered trade (whose book is the one at firing) is
// held to exactly the same static rules as the others; what the depth decides (liquidity, a FOK's
// fill, the shares a SELL needs) is checked when it runs, by SimulatePaperPlan or
// SimulateTriggeredTrade.
std::vector<Violation> ValidateAgainstMarket(const Plan& plan, const BookMap& books,
                                             absl::Time now);

// Simulates every trade in order, except those that carry a trigger: they are armed, not run,
// and produce no order here (the others keep their own trade_index, so the result may be shorter
// than the plan). `shares_available` holds each token's position (net of shares already reserved
// by resting SELL orders) and is updated as trades fill. FailedPrecondition names the first SELL
// that lacks shares; InvalidArgument when the plan breaks a venue rule (triggered trades
// included: ValidateAgainstMarket).
absl::StatusOr<std::vector<PaperOrder>> SimulatePaperPlan(
    const Plan& plan, BookMap books, std::map<std::string, int64_t> shares_available,
    FillModel model, absl::Time now);

// The triggered trade `plan.trades[trade_index]` as it runs now, when its trigger fires, on
// `book` (its token's book read now) with `shares_available` of the token in the plan's mode:
// the same simulation as one trade of SimulatePaperPlan, trade_index set. Its prices move onto
// the book's tick in the trader's favour if the tick changed since submission (said in `note`).
// A SELL sized in SHARES that needs more than is held sells what is held, rounded down to the
// venue's 2 decimals, and says so in `note` ("sold the 4.5 shares held of the 10 the trigger
// asked for"); `note` is left empty when nothing was adjusted (may be nullptr).
// FailedPrecondition when such a SELL finds no shares (less than 0.01) held, or when a SELL sized
// in USDC lacks the shares; InvalidArgument when trade_index is out of range or names a trade
// without a trigger, when the token is not `book`'s, or when the order breaks a venue rule now.
absl::StatusOr<PaperOrder> SimulateTriggeredTrade(const Plan& plan, int trade_index,
                                                  const Book& book, int64_t shares_available,
                                                  FillModel model, absl::Time now,
                                                  std::string* note);

// The record of a simulated order of `plan`, its fills priced on `book` at `now` as taker fills.
Order ToOrder(const PaperOrder& order, const Plan& plan, const Book& book, absl::Time now);

// Fills a resting order against the book now: at its own limit price, up to the opposing size at
// or better than it. Returns the new fills (possibly none).
std::vector<Fill> FillRestingOrder(const Order& order, const Book& book);

}  // namespace betteroms::domain
