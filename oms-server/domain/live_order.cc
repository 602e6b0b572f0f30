#include "oms-server/domain/live_order.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/int128.h"

namespace betteroms::domain {
namespace {

std::string Usdc(int64_t micros) { return absl::StrCat(FormatMicrosFixed(micros, 2), " USDC"); }

std::string Path(const Order& o) { return absl::StrCat("trades[", o.trade_index, "]"); }

}  // namespace

const char* ExchangeFor(const Book& book, const MarketInfo* market) {
  bool neg_risk = book.neg_risk || (market != nullptr && market->neg_risk);
  return neg_risk ? "neg-risk-v2" : "ctf-v2";
}

std::string ExchangeContract(const std::string& exchange, uint64_t /*chain_id*/) {
  // PROTOCOL §1: the V2 exchanges have the same address on Polygon and Amoy.
  if (exchange == "neg-risk-v2") return "0xe2222d279d744050d28e00520010520000310f59";
  if (exchange == "ctf-v2") return "0xe111180000d2663c0091e4f400237545b87b996b";
  return "";
}

int64_t OrderNotional(const Order& order) {
  return order.side == Side::kBuy ? order.maker_amount : order.taker_amount;
}

Order ToLiveOrder(const PaperOrder& simulated, const Plan& plan, const Book& book,
                  const MarketInfo* market, const LiveAccount& account,
                  const std::string& intent_id, const std::string& salt, absl::Time now) {
  Order o = ToOrder(simulated, plan, book, now);
  // The simulation's fills are the paper twin's; the live order starts unfilled at the venue.
  o.twin =
      PaperTwin{simulated.status, simulated.filled_shares, simulated.filled_notional, book.hash};
  o.fills.clear();
  o.filled_shares = 0;
  o.filled_notional = 0;
  o.status = OrderStatus::kNew;
  o.reason.clear();
  LiveFields& l = o.live;
  l.intent_id = intent_id;
  l.exchange = ExchangeFor(book, market);
  l.salt = salt;
  l.maker = account.maker;
  l.signer = account.signature_type == 3 ? account.maker : account.signer;
  l.signature_type = account.signature_type;
  l.order_time_ms = absl::ToUnixMillis(now);
  l.metadata = kZeroBytes32;
  l.builder = account.builder;
  l.expiration = 0;
  if (o.tif == TimeInForce::kGtd && o.expires_at) {
    l.expiration = absl::ToUnixSeconds(*o.expires_at + kGtdThreshold);
  }
  return o;
}

std::string CannotSend(const PaperOrder& simulated, const Book& book, const MarketInfo* market,
                       absl::Time now) {
  const Trade& t = simulated.trade;
  if (market != nullptr && market->accepting_orders == false) {
    return absl::StrCat("the market of token ", t.token_id,
                        " is not accepting orders (the venue's /clob-markets says so)");
  }
  if (simulated.amounts.maker <= 0 || simulated.amounts.taker <= 0) {
    return simulated.reason.empty() ? "the book gives no price to size the order at"
                                    : simulated.reason;
  }
  if (simulated.size_shares < book.min_order_size) {
    return absl::StrCat("order of ", FormatMicrosFixed(simulated.size_shares, 2),
                        " shares is below the market's minimum of ",
                        FormatMicrosFixed(book.min_order_size, 2), " shares");
  }
  if (t.tif == TimeInForce::kGtd && t.expires_at && *t.expires_at < now + kGtdThreshold) {
    return absl::StrCat("a GTD order must expire at least ", absl::FormatDuration(kGtdThreshold),
                        " ahead; expiresAt is ",
                        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *t.expires_at, absl::UTCTimeZone()));
  }
  return "";
}

std::vector<Violation> CheckLiveRisk(const std::vector<Order>& orders, const RiskLimits& limits,
                                     int64_t spent_today, const Balances& balances,
                                     uint64_t chain_id) {
  std::vector<Violation> out;
  int64_t plan_notional = 0;
  int64_t buys = 0;
  std::map<std::string, int64_t> buys_by_exchange;
  for (const Order& o : orders) {
    int64_t notional = OrderNotional(o);
    plan_notional += notional;
    if (o.side == Side::kBuy) {
      buys += notional;
      buys_by_exchange[o.live.exchange] += notional;
    }
    if (limits.max_order_notional && notional > *limits.max_order_notional) {
      out.push_back(
          {Path(o), absl::StrCat("max_order_notional: the order's notional ", Usdc(notional),
                                 " is above the limit of ", Usdc(*limits.max_order_notional))});
    }
    if (!limits.allowed_tokens.empty() && limits.allowed_tokens.count(o.token_id) == 0) {
      out.push_back({Path(o), absl::StrCat("allowed_tokens: token ", o.token_id,
                                           " is not on the OMS's token allow-list")});
    }
  }
  if (limits.max_plan_notional && plan_notional > *limits.max_plan_notional) {
    out.push_back({"", absl::StrCat("max_plan_notional: the plan's notional ", Usdc(plan_notional),
                                    " is above the limit of ", Usdc(*limits.max_plan_notional))});
  }
  if (limits.max_daily_notional && spent_today + plan_notional > *limits.max_daily_notional) {
    out.push_back({"", absl::StrCat("max_daily_notional: ", Usdc(spent_today),
                                    " already traded live today (UTC) and ", Usdc(plan_notional),
                                    " in this plan is above the daily limit of ",
                                    Usdc(*limits.max_daily_notional))});
  }
  if (buys > balances.collateral) {
    out.push_back({"", absl::StrCat("balance: the plan's BUY orders need ", Usdc(buys),
                                    " and the collateral balance is ", Usdc(balances.collateral))});
  }
  for (const auto& [exchange, needed] : buys_by_exchange) {
    std::string spender = ExchangeContract(exchange, chain_id);
    auto it = balances.allowances.find(spender);
    int64_t allowance = it == balances.allowances.end() ? 0 : it->second;
    if (needed > allowance) {
      out.push_back(
          {"", absl::StrCat("allowance: the plan's BUY orders on the ", exchange, " exchange (",
                            spender, ") need ", Usdc(needed), " and its collateral allowance is ",
                            Usdc(allowance), "; approve the exchange to spend collateral")});
    }
  }
  return out;
}

namespace {

// A fill of `shares` for `notional`, taken at placement or found later.
Execution LiveFill(const Order& order, int64_t shares, int64_t notional, Liquidity liquidity,
                   absl::Time now) {
  Execution e;
  e.order_id = order.id;
  e.mode = Mode::kLive;
  e.token_id = order.token_id;
  e.side = order.side;
  e.shares = shares;
  e.notional = notional;
  // The average price, kept inside (0, 1) as every stored price is (clamped before narrowing:
  // the venue's amounts are not trusted to be sane).
  Int128 price = (static_cast<Int128>(notional) * 1'000'000) / shares;
  e.price = static_cast<int64_t>(std::clamp<Int128>(price, 1, 999'999));
  e.liquidity = liquidity;
  e.executed_at = now;
  e.outcome = order.outcome;
  e.settlement = "MATCHED";  // provisional: replaced by the order's trades when they are read
  return e;
}

}  // namespace

std::optional<Execution> ApplyPostAnswer(Order& order, const PostAnswer& answer, absl::Time now) {
  using Kind = PostAnswer::Kind;
  order.live.venue_error = answer.error;
  switch (answer.kind) {
    case Kind::kRejected:
      order.status = OrderStatus::kRejected;
      order.reason = answer.reason.empty() ? answer.error : answer.reason;
      return std::nullopt;
    case Kind::kNotAccepted:
      order.status = OrderStatus::kSigned;
      order.reason = absl::StrCat("not accepted by the venue yet (", answer.reason,
                                  "); the same signed order is sent again by the next tick");
      return std::nullopt;
    case Kind::kAmbiguous:
      order.status = OrderStatus::kUnknown;
      order.reason = absl::StrCat("the venue's answer was lost (", answer.reason,
                                  "); the next tick asks the venue for the order by its hash");
      return std::nullopt;
    case Kind::kAccepted:
      break;
  }
  order.live.venue_error.clear();
  order.live.venue_status = answer.status;
  order.reason.clear();
  bool buy = order.side == Side::kBuy;
  int64_t shares = buy ? answer.taking : answer.making;
  int64_t notional = buy ? answer.making : answer.taking;
  std::optional<Execution> fill;
  if (shares > 0 && notional > 0) {
    order.filled_shares = shares;
    order.filled_notional = notional;
    fill = LiveFill(order, shares, notional, Liquidity::kTaker, now);
  }
  if (answer.status == "delayed") {
    order.status = OrderStatus::kDelayed;
  } else if (shares <= 0) {
    order.status = OrderStatus::kOpen;
  } else if (order.tif == TimeInForce::kFok || shares >= order.size_shares) {
    order.status = OrderStatus::kFilled;
  } else {
    order.status = OrderStatus::kPartiallyFilled;
    if (!Rests(order.tif)) order.reason = "FAK: the unfilled remainder was cancelled";
  }
  return fill;
}

std::optional<Execution> ApplyVenueOrder(Order& order, const VenueOrderState& state,
                                         absl::Time now) {
  std::optional<Execution> fill;
  int64_t fresh = state.size_matched - order.filled_shares;
  if (fresh > 0) {
    int64_t price = state.price > 0 ? state.price : order.limit_price.value_or(0);
    auto notional = static_cast<int64_t>((static_cast<Int128>(fresh) * price) / 1'000'000);
    if (price > 0 && notional > 0) {
      order.filled_shares += fresh;
      order.filled_notional += notional;
      fill = LiveFill(order, fresh, notional, Liquidity::kMaker, now);
    }
  }
  ApplyVenueStatus(order, state, now);
  return fill;
}

void ApplyVenueStatus(Order& order, const VenueOrderState& state, absl::Time now) {
  order.live.venue_status = state.status;
  const std::string& s = state.status;
  std::string why = state.status_reason.empty() ? "" : absl::StrCat(": ", state.status_reason);
  if (s == "LIVE") {
    order.status = order.filled_shares > 0 ? OrderStatus::kPartiallyFilled : OrderStatus::kOpen;
    order.reason.clear();
  } else if (s == "MATCHED") {
    order.status = OrderStatus::kFilled;
    order.reason.clear();
  } else if (s == "DELAYED") {
    order.status = OrderStatus::kDelayed;
  } else if (s == "CANCELED_MARKET_RESOLVED") {
    order.status = OrderStatus::kCancelled;
    order.reason = absl::StrCat("cancelled by the venue: the market resolved", why);
  } else if (s == "CANCELED" && order.tif == TimeInForce::kGtd && order.expires_at &&
             now >= *order.expires_at) {
    order.status = OrderStatus::kExpired;
    order.reason = "expired at the venue (GTD)";
  } else if (s == "CANCELED") {
    order.status = OrderStatus::kCancelled;
    order.reason = absl::StrCat("cancelled at the venue", why);
  } else if (s == "INVALID") {
    order.status = OrderStatus::kCancelled;
    order.reason = absl::StrCat("removed by the venue", why);
  } else if (s == "UNMATCHED") {
    order.status = OrderStatus::kRejected;
    order.reason = absl::StrCat("unmatched: the venue did not place it", why);
  } else {
    order.reason =
        absl::StrCat("the venue reports status \"", s, "\", which the OMS does not know");
  }
}

}  // namespace betteroms::domain
