#include "oms-server/domain/reconcile.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/int128.h"

namespace betteroms::domain {
namespace {

constexpr int64_t kBpsPerUnit = 10'000;

// A fill's collateral: what a BUY paid rounded up, what a SELL received rounded down, so that
// micro-unit dust never flatters the position.
int64_t Notional(int64_t shares, int64_t price, Side side) {
  Int128 exact = static_cast<Int128>(shares) * price;
  Int128 whole = exact / kMicro;
  if (side == Side::kBuy && exact % kMicro != 0) ++whole;
  return static_cast<int64_t>(whole);
}

Execution NewFill(const Order& order, const TradeFill& f) {
  Execution e;
  e.order_id = order.id;
  e.mode = Mode::kLive;
  // The order's token and side: a maker fill through the complement still fills our order.
  e.token_id = order.token_id;
  e.side = order.side;
  e.shares = f.shares;
  e.price = f.price;
  e.notional = Notional(f.shares, f.price, order.side);
  e.fee_rate_bps = f.fee_rate_bps;
  e.fee = f.fee_rate_bps ? TradeFee(f.shares, f.price, *f.fee_rate_bps) : 0;
  e.liquidity = f.maker ? Liquidity::kMaker : Liquidity::kTaker;
  e.executed_at = f.matched_at;
  e.outcome = order.outcome;
  e.trade_id = f.trade_id;
  e.settlement = f.settlement;
  e.transaction_hash = f.transaction_hash;
  return e;
}

// Whether one fill fits inside the order: a BUY pays at most its maker amount (a market BUY
// spends collateral and may receive more shares than its minimum), a SELL gives at most its
// maker amount of shares; a cent of rounding aside.
bool WithinOrder(const Order& order, const TradeFill& f) {
  constexpr int64_t kRounding = 10'000;
  if (order.side == Side::kBuy) {
    return Notional(f.shares, f.price, Side::kBuy) <= order.maker_amount + kRounding;
  }
  return f.shares <= order.maker_amount + kRounding;
}

// Moves a stored fill to what the venue says of its trade now; true when anything changed.
bool Settle(Execution& stored, const TradeFill& f, Reconciliation& out) {
  bool settled = stored.settlement != f.settlement;
  bool changed = settled || stored.transaction_hash != f.transaction_hash ||
                 stored.fee_rate_bps != f.fee_rate_bps;
  if (!changed) return false;
  if (settled && f.settlement == "CONFIRMED") ++out.fills_confirmed;
  if (settled && f.settlement == "FAILED") ++out.fills_failed;
  stored.settlement = f.settlement;
  stored.transaction_hash = f.transaction_hash;
  stored.fee_rate_bps = f.fee_rate_bps;
  stored.fee = f.fee_rate_bps ? TradeFee(stored.shares, stored.price, *f.fee_rate_bps) : 0;
  return true;
}

bool IsVenueCancel(const std::string& status) {
  return status == "CANCELED" || status == "CANCELED_MARKET_RESOLVED" || status == "INVALID";
}

// Applies the order's trade fills; true when trades decide its totals. A provisional fill (the
// POST's answer) stands until the order's listed trades account for its shares: a trade listed
// late must not be replaced by nothing, nor counted beside it.
bool ApplyTrades(Order& order, const std::vector<const TradeFill*>& mine, Reconciliation& out) {
  std::map<std::string, size_t> by_trade;  // indices: order.fills grows below
  int64_t provisional = 0, traded = 0;
  for (size_t i = 0; i < order.fills.size(); ++i) {
    const Execution& e = order.fills[i];
    if (e.trade_id.empty()) {
      provisional += e.shares;
    } else {
      by_trade[e.trade_id] = i;
      traded += e.shares;
    }
  }
  std::vector<const TradeFill*> fresh;
  const size_t first_fresh = order.fills.size();
  for (const TradeFill* f : mine) {
    auto known = by_trade.find(f->trade_id);
    if (known != by_trade.end() && known->second >= first_fresh) {
      // Listed twice in one reading: the later listing's settlement, written once as new.
      Reconciliation ignored;
      Settle(order.fills[known->second], *f, ignored);
      continue;
    }
    if (known != by_trade.end()) {
      Execution& stored = order.fills[known->second];
      if (Settle(stored, *f, out)) out.fills.push_back(stored);
      continue;
    }
    // More than the whole order in one fill is not a fill of this order: the venue's data is
    // wrong, and counting it would corrupt the position.
    if (f->shares <= 0 || f->price <= 0 || f->price >= kMicro || !WithinOrder(order, *f)) {
      out.skipped.push_back(absl::StrCat("trade ", f->trade_id, " for order ", order.id,
                                         ": implausible fill of ", FormatMicros(f->shares),
                                         " shares at ", FormatMicros(f->price)));
      continue;
    }
    by_trade[f->trade_id] = order.fills.size();
    fresh.push_back(f);
    traded += f->shares;
    order.fills.push_back(NewFill(order, *f));
  }
  if (traded == 0) return false;
  if (provisional > traded) {
    // Not all the trades are listed yet: the provisional fill stands, and these wait for the rest.
    order.fills.resize(order.fills.size() - fresh.size());
    return false;
  }
  for (size_t i = order.fills.size() - fresh.size(); i < order.fills.size(); ++i) {
    ++out.fills_new;
    if (order.fills[i].Voided()) ++out.fills_failed;
    out.fills.push_back(order.fills[i]);
  }
  if (provisional > 0) {
    for (const Execution& e : order.fills) {
      if (e.trade_id.empty()) out.replaced.push_back(e.id);
    }
    std::erase_if(order.fills, [](const Execution& e) { return e.trade_id.empty(); });
  }
  int64_t shares = 0, notional = 0;
  for (const Execution& e : order.fills) {
    if (e.Voided()) continue;
    shares += e.shares;
    notional += e.notional;
  }
  order.filled_shares = shares;
  order.filled_notional = notional;
  return true;
}

// Says how many of the order's shares a failed trade voided, where the status says nothing else.
void NoteVoided(Order& order) {
  int64_t voided = 0;
  for (const Execution& e : order.fills) {
    if (e.Voided()) voided += e.shares;
  }
  if (voided > 0 && (order.reason.empty() || order.reason.find("voided") != std::string::npos)) {
    order.reason =
        absl::StrCat(FormatMicros(voided), " shares voided: their trade failed on chain");
  }
}

}  // namespace

int64_t TradeFee(int64_t shares, int64_t price, int64_t fee_rate_bps) {
  if (shares <= 0 || price <= 0 || price >= kMicro || fee_rate_bps <= 0) return 0;
  fee_rate_bps = std::min(fee_rate_bps, kBpsPerUnit);  // a rate above 100% is not one
  Int128 fee = static_cast<Int128>(shares) * fee_rate_bps * price * (kMicro - price);
  return static_cast<int64_t>(fee / (static_cast<Int128>(kBpsPerUnit) * kMicro * kMicro));
}

Reconciliation Reconcile(std::vector<Order>& orders,
                         const std::map<std::string, VenueOrderState>& views,
                         const std::vector<TradeFill>& fills, absl::Time now) {
  Reconciliation out;
  std::map<std::string, std::vector<const TradeFill*>> by_order;
  for (const TradeFill& f : fills) by_order[f.order_hash].push_back(&f);
  for (Order& o : orders) {
    auto mine = by_order.find(o.live.order_hash);
    bool traded = mine != by_order.end() && ApplyTrades(o, mine->second, out);
    if (!traded) {
      traded = std::any_of(o.fills.begin(), o.fills.end(),
                           [](const Execution& e) { return !e.trade_id.empty(); });
    }
    auto view = views.find(o.live.order_hash);
    if (view != views.end()) {
      OrderStatus before = o.status;
      ApplyVenueStatus(o, view->second, now);
      if (IsVenueCancel(view->second.status) && before != OrderStatus::kCancelled &&
          o.status == OrderStatus::kCancelled) {
        ++out.cancelled_by_venue;
      }
      if (view->second.status == "CANCELED_MARKET_RESOLVED") out.resolved.insert(o.token_id);
    } else if (traded &&
               (o.status == OrderStatus::kOpen || o.status == OrderStatus::kPartiallyFilled)) {
      // Not read back this time: its own fills say how far it got.
      o.status = o.filled_shares >= o.size_shares ? OrderStatus::kFilled
                 : o.filled_shares > 0            ? OrderStatus::kPartiallyFilled
                                                  : OrderStatus::kOpen;
    }
    // A cancel the venue accepted is no proof of no fill (PROTOCOL §13.4): an order whose trades
    // filled it whole is filled, whatever was asked.
    if (traded && o.filled_shares >= o.size_shares &&
        (o.status == OrderStatus::kCancelled || o.status == OrderStatus::kExpired)) {
      o.status = OrderStatus::kFilled;
      o.reason = "filled before the cancel took effect";
    }
    NoteVoided(o);
  }
  return out;
}

std::vector<Order*> DueForCancelAfter(std::vector<Order>& orders, absl::Time now) {
  std::vector<Order*> due;
  for (Order& o : orders) {
    if (o.mode == Mode::kLive && o.tif == TimeInForce::kGtc && o.expires_at &&
        *o.expires_at <= now &&
        (o.status == OrderStatus::kOpen || o.status == OrderStatus::kPartiallyFilled)) {
      due.push_back(&o);
    }
  }
  return due;
}

void MarkCancelledAfter(Order& order) {
  order.status = OrderStatus::kExpired;
  order.reason = "cancelAfter elapsed: cancelled at the venue";
  order.live.venue_status = "CANCELED";
}

bool JournalDiffers(const Order& now, const Order& stored) {
  return now.status != stored.status || now.reason != stored.reason ||
         now.filled_shares != stored.filled_shares ||
         now.filled_notional != stored.filled_notional ||
         now.live.venue_status != stored.live.venue_status;
}

}  // namespace betteroms::domain
