#include "oms-server/domain/tick.h"

#include "absl/strings/str_cat.h"
#include "common/time.h"
#include "oms-server/domain/fill_engine.h"

namespace betteroms::domain {
namespace {

bool Expired(const Order& o, absl::Time now) { return o.expires_at && *o.expires_at <= now; }

}  // namespace

std::vector<std::string> TokensToPrice(const std::vector<Order>& orders, absl::Time now) {
  std::set<std::string> tokens;
  for (const Order& o : orders) {
    if (o.Resting() && !Expired(o, now)) tokens.insert(o.token_id);
  }
  return {tokens.begin(), tokens.end()};
}

TickOutcome ApplyTick(const std::vector<Order>& orders, const BookMap& books, absl::Time now,
                      const std::set<std::string>& closed_tokens) {
  TickOutcome out;
  BookMap remaining = books;  // depth left after earlier orders' fills
  for (const Order& original : orders) {
    if (!original.Resting()) continue;
    ++out.orders_examined;
    Order o = original;
    if (Expired(o, now)) {
      o.status = OrderStatus::kExpired;
      o.reason = absl::StrCat("expired at ", FormatRfc3339(*o.expires_at));
      ++out.orders_expired;
      out.changed.push_back(std::move(o));
      continue;
    }
    // Expiry comes first: its time is known and has passed; when the market closed is not known.
    if (closed_tokens.count(o.token_id) > 0) {
      o.status = OrderStatus::kCancelled;
      o.reason = kMarketResolvedReason;
      ++out.orders_cancelled_by_venue;
      out.changed.push_back(std::move(o));
      continue;
    }
    auto book = remaining.find(o.token_id);
    if (book == remaining.end()) continue;
    std::vector<Fill> fills = FillRestingOrder(o, book->second);
    if (fills.empty()) continue;
    ConsumeLiquidity(book->second, o.side, fills);
    out.books_used.insert(o.token_id);
    for (const Fill& f : fills) {
      o.filled_shares += f.shares;
      o.filled_notional += f.notional;
      Execution e;
      e.order_id = o.id;
      e.mode = o.mode;
      e.token_id = o.token_id;
      e.side = o.side;
      e.shares = f.shares;
      e.price = f.price;
      e.notional = f.notional;
      e.liquidity = Liquidity::kMaker;
      e.book_hash = books.at(o.token_id).hash;
      e.executed_at = now;
      e.outcome = o.outcome;
      out.fills.push_back(std::move(e));
    }
    bool done = o.filled_shares >= o.size_shares;
    o.status = done ? OrderStatus::kFilled : OrderStatus::kPartiallyFilled;
    ++(done ? out.orders_filled : out.orders_partially_filled);
    out.changed.push_back(std::move(o));
  }
  return out;
}

}  // namespace betteroms::domain
