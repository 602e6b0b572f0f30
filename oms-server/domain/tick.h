// One maintenance pass over resting paper orders, as a pure rule: which expire, which fill
// against the books now, at what. Orders and books come in; changed orders and new fills come
// out. The caller loads and stores.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/order.h"
#include "oms-server/domain/paper_engine.h"

namespace betteroms::domain {

struct TickOutcome {
  std::vector<Order> changed;        // orders whose status or fills changed, with new values
  std::vector<Execution> fills;      // new maker fills, each naming its order and book
  std::set<std::string> books_used;  // tokens whose books priced a fill (snapshots to keep)
  int orders_examined = 0;
  int orders_filled = 0;
  int orders_partially_filled = 0;
  int orders_expired = 0;
  int orders_cancelled_by_venue = 0;  // resting on a market that closed
};

// The reason an order resting on a closed market is cancelled with.
inline constexpr char kMarketResolvedReason[] = "cancelled by the venue: the market resolved";

// Tokens whose books a tick needs: those of resting orders that do not expire by `now`.
std::vector<std::string> TokensToPrice(const std::vector<Order>& orders, absl::Time now);

// Applies a tick at `now` to `orders`, oldest first (earlier orders fill first). Orders that are
// not resting are ignored; an order past its expires_at expires; an order on a token of
// `closed_tokens` (its market closed: the venue removed its book and orders) is cancelled with
// kMarketResolvedReason; the others fill at their own limit against `books`, each order seeing
// the depth earlier ones left. An order whose token has no book is left alone until a later tick.
TickOutcome ApplyTick(const std::vector<Order>& orders, const BookMap& books, absl::Time now,
                      const std::set<std::string>& closed_tokens = {});

}  // namespace betteroms::domain
