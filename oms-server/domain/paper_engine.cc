#include "oms-server/domain/paper_engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/decimal.h"
#include "common/status_macros.h"
#include "common/time.h"

namespace betteroms::domain {
namespace {

constexpr absl::Duration kMinExpiryLead = absl::Seconds(60);  // the venue's safety threshold

std::string Path(int i, std::string_view field) {
  return absl::StrCat("trades[", i, "].", std::string(field));
}

std::string Shares(int64_t micros) { return FormatMicros(micros); }

// False, with a violation, when `price` is off the tick or outside tick..1-tick.
bool CheckPrice(std::vector<Violation>& out, const std::string& path, int64_t price, int64_t tick) {
  if (price % tick != 0) {
    out.push_back(
        {path, absl::StrCat("price ", FormatMicros(price),
                            " is not a multiple of the market's tick size ", FormatMicros(tick))});
    return false;
  }
  if (price < tick || price > kMicro - tick) {
    out.push_back(
        {path, absl::StrCat("invalid price (", FormatMicros(price), "), min: ", FormatMicros(tick),
                            " - max: ", FormatMicros(kMicro - tick))});
    return false;
  }
  return true;
}

bool OnTick(int64_t price, int64_t tick) { return tick > 0 && price % tick == 0; }

// `price` moved onto `tick` in the trader's favour: a BUY pays no more, a SELL takes no less.
int64_t AlignPrice(int64_t price, int64_t tick, Side side) {
  int64_t below = price - price % tick;
  return side == Side::kBuy || below == price ? below : below + tick;
}

// The worst ask/bid a market order must reach to trade its size, walking from the best.
struct Reach {
  int64_t price = 0;   // the last level touched
  int64_t amount = 0;  // collateral (BUY by collateral) or shares needed
  bool enough = false;
};

Reach ReachFor(const Trade& t, const Book& book) {
  Reach r;
  const std::vector<Level>& levels = t.side == Side::kBuy ? book.asks : book.bids;
  int64_t remaining = t.size;
  for (const Level& l : levels) {
    if (t.worst_price &&
        (t.side == Side::kBuy ? l.price > *t.worst_price : l.price < *t.worst_price)) {
      break;
    }
    r.price = l.price;
    bool by_collateral = t.unit == SizeUnit::kUsdc;
    // What this level can absorb, in the trade's own unit.
    int64_t level_value = by_collateral ? (t.side == Side::kBuy ? CostOf(l.size, l.price)
                                                                : ProceedsOf(l.size, l.price))
                                        : l.size;
    int64_t take = std::min(level_value, remaining);
    // Translate into the order's unit: BUY spends collateral, SELL gives shares.
    if (t.side == Side::kBuy) {
      r.amount += by_collateral ? take : CostOf(take, l.price);
    } else {
      r.amount += by_collateral ? std::min(l.size, MulDivCeil(take, kMicro, l.price)) : take;
    }
    remaining -= take;
    if (remaining == 0) {
      r.enough = true;
      break;
    }
  }
  return r;
}

// The venue's static rules for one trade, `i` its index in the plan: nothing here depends on the
// book's depth, only on its market (tick, minimum size) and the time.
void ValidateTrade(const Trade& t, int i, const BookMap& books, absl::Time now,
                   std::vector<Violation>& out) {
  auto it = books.find(t.token_id);
  if (it == books.end()) {
    out.push_back({Path(i, "marketTokenId"), absl::StrCat("no order book for token ", t.token_id)});
    return;
  }
  const Book& book = it->second;
  if (!RoundingForTick(book.tick)) {
    out.push_back(
        {Path(i, "marketTokenId"), absl::StrCat("the market's tick size ", FormatMicros(book.tick),
                                                " is not one the venue defines")});
    return;
  }
  bool price_ok = true;
  if (t.price) price_ok = CheckPrice(out, Path(i, "price"), *t.price, book.tick);
  if (t.worst_price) CheckPrice(out, Path(i, "worstPrice"), *t.worst_price, book.tick);
  if (t.type == OrderType::kLimit && t.price && price_ok) {
    // Only what does not depend on the book is checked here: a SHARES size, or what a USDC
    // size would rest as if nothing crossed. A count the book decides (a crossing walk, a FOK
    // or FAK) is refused as that one order when it runs, never as the whole plan.
    bool book_decides = t.unit == SizeUnit::kUsdc && !Rests(t.tif);
    int64_t shares = t.unit == SizeUnit::kShares
                         ? t.size
                         : RoundDownMicros(MulDivFloor(t.size, kMicro, *t.price), kSizeDecimals);
    if (!book_decides && shares < std::max<int64_t>(book.min_order_size, 1)) {
      out.push_back({Path(i, "size"), absl::StrCat("order of ", Shares(shares),
                                                   " shares is below the market's minimum of ",
                                                   Shares(book.min_order_size), " shares")});
    }
  } else if (t.type == OrderType::kMarket && t.side == Side::kSell && t.unit == SizeUnit::kShares &&
             t.size < book.min_order_size) {
    out.push_back({Path(i, "size"), absl::StrCat("order of ", Shares(t.size),
                                                 " shares is below the market's minimum of ",
                                                 Shares(book.min_order_size), " shares")});
  }
  if (t.expires_at && *t.expires_at < now + kMinExpiryLead) {
    out.push_back({Path(i, "expiresAt"), "must be at least one minute in the future"});
  }
}

// One trade of `plan` (its index `idx`) simulated on `book`, which it consumes as it fills;
// `shares_available` is updated. A refusal of the order itself is a rejected order; a SELL that
// lacks shares is FailedPrecondition (`held_context` says whose shares were counted).
absl::StatusOr<PaperOrder> SimulateTrade(const Plan& plan, int idx, const Trade& t, Book& book,
                                         std::map<std::string, int64_t>& shares_available,
                                         FillModel model, absl::Time now,
                                         const char* held_context) {
  RoundConfig rc = *RoundingForTick(book.tick);
  PaperOrder o;
  o.trade_index = idx;
  o.trade = t;
  o.expires_at = t.expires_at;
  if (t.cancel_after) o.expires_at = now + *t.cancel_after;
  WalkSpec spec{t.side, 0, false, 0};
  bool dropped_usdc = false;  // a FAK sized in USDC whose size the book could not all take

  if (t.type == OrderType::kLimit) {
    o.limit_price = *t.price;
    // The order carries the shares its size buys or sells here, as the live order will.
    LimitSizing sizing = SizeLimitOrder(t, book);
    o.size_shares = sizing.shares;
    dropped_usdc = t.tif == TimeInForce::kFak && !sizing.complete;
    spec.limit = o.limit_price;
    spec.budget = o.size_shares;
    std::string refusal;
    if (t.tif == TimeInForce::kFok && !sizing.complete) {
      refusal =
          absl::StrCat("order couldn't be fully filled, FOK orders are fully filled/killed: $",
                       FormatMicros(t.size), " does not ", t.side == Side::kBuy ? "buy" : "sell",
                       " within ", FormatMicros(o.limit_price));
    } else if (o.size_shares <= 0) {
      refusal = absl::StrCat(Name(t.tif), ": no liquidity within the limit");
    } else if (o.size_shares < book.min_order_size) {
      refusal = absl::StrCat("order of ", Shares(o.size_shares),
                             " shares is below the market's minimum of ",
                             Shares(book.min_order_size), " shares");
    }
    if (!refusal.empty()) {
      o.status = OrderStatus::kRejected;
      o.reason = std::move(refusal);
      return o;
    }
    o.amounts = LimitOrderAmounts(t.side, o.limit_price, o.size_shares, rc);
  } else {
    Reach reach = ReachFor(t, book);
    o.limit_price = t.worst_price ? *t.worst_price : reach.price;
    // The venue sizes a market BUY in collateral and a market SELL in shares; a trade sized in
    // the other unit is translated through the book.
    bool native = (t.side == Side::kBuy) == (t.unit == SizeUnit::kUsdc);
    int64_t amount = native ? t.size : RoundUpMicros(reach.amount, 2);
    if (o.limit_price > 0) o.amounts = MarketOrderAmounts(t.side, o.limit_price, amount, rc);
    o.size_shares = t.side == Side::kBuy ? o.amounts.taker : o.amounts.maker;
    spec.limit = o.limit_price;
    spec.budget = o.amounts.maker;
    spec.budget_in_collateral = t.side == Side::kBuy;
    if (o.limit_price == 0 || o.amounts.maker == 0) {
      o.status = OrderStatus::kRejected;
      o.reason = absl::StrCat("no ", t.side == Side::kBuy ? "asks" : "bids",
                              t.worst_price ? " within worstPrice" : "", " in the book");
      return o;
    }
  }

  if (t.side == Side::kSell) {
    int64_t held = shares_available[t.token_id];
    if (held < o.amounts.maker) {
      return absl::FailedPreconditionError(
          absl::StrCat("trades[", idx, "]: SELL of ", Shares(o.amounts.maker), " shares of token ",
                       t.token_id, " needs shares the ", Name(plan.mode),
                       " position does not hold: ", Shares(held), " available", held_context));
    }
  }

  bool crosses = t.side == Side::kBuy ? (book.BestAsk() && *book.BestAsk() <= spec.limit)
                                      : (book.BestBid() && *book.BestBid() >= spec.limit);
  if (t.post_only && crosses) {
    o.status = OrderStatus::kRejected;
    o.reason = "invalid post-only order: order crosses book";
    return o;
  }
  WalkResult walk = WalkBook(spec, book, model);
  bool all_or_nothing = t.tif == TimeInForce::kFok;
  bool rests = Rests(t.tif);
  if (all_or_nothing && !walk.complete) {
    o.status = OrderStatus::kRejected;
    o.reason = absl::StrCat(
        "order couldn't be fully filled, FOK orders are fully filled/killed: the book offers ",
        Shares(walk.shares), " shares for ", FormatMicrosFixed(walk.notional, 2), " USDC within ",
        FormatMicros(spec.limit));
    return o;
  }
  o.fills = walk.fills;
  o.filled_shares = walk.shares;
  o.filled_notional = walk.notional;
  if (walk.complete) {
    o.status = OrderStatus::kFilled;
    if (dropped_usdc) {
      o.reason = "FAK: the part of the size with no liquidity within the limit was dropped";
    }
  } else if (rests) {
    o.status = walk.shares > 0 ? OrderStatus::kPartiallyFilled : OrderStatus::kOpen;
  } else if (walk.shares > 0) {
    o.status = OrderStatus::kPartiallyFilled;
    o.reason = "FAK: the unfilled remainder was cancelled";
  } else {
    o.status = OrderStatus::kRejected;
    o.reason = "FAK: no liquidity within the limit";
  }
  ConsumeLiquidity(book, t.side, walk.fills);
  if (t.side == Side::kBuy) {
    shares_available[t.token_id] += walk.shares;
  } else {
    // A resting SELL keeps its unfilled shares reserved.
    shares_available[t.token_id] -= rests ? o.amounts.maker : walk.shares;
  }
  return o;
}

}  // namespace

LimitSizing SizeLimitOrder(const Trade& t, const Book& book) {
  if (t.unit == SizeUnit::kShares) return {RoundDownMicros(t.size, kSizeDecimals), true};
  // Always the depth walk, whatever the paper fill model: the live order carries these shares.
  WalkResult walk = WalkBook({t.side, *t.price, /*budget_in_collateral=*/true, t.size}, book);
  // What is left is worth shares at the limit; less than the venue's 0.01 share is no remainder.
  int64_t left_shares =
      RoundDownMicros(MulDivFloor(t.size - walk.notional, kMicro, *t.price), kSizeDecimals);
  bool complete = walk.complete || left_shares == 0;
  int64_t shares = walk.shares;
  if (!complete && Rests(t.tif)) shares += left_shares;
  return {RoundDownMicros(shares, kSizeDecimals), complete};
}

std::vector<Violation> AlignToTicks(Plan& plan, const BookMap& books) {
  std::vector<Violation> warnings;
  auto align = [&](std::optional<int64_t>& price, const std::string& text, bool exact, Side side,
                   int64_t tick, const std::string& path) {
    if (!price || tick <= 0 || (exact && OnTick(*price, tick))) return;
    if (OnTick(*price, tick)) {
      warnings.push_back({path, absl::StrCat("price ", text, " read as ", FormatMicros(*price),
                                             ": a price carries at most 6 decimals")});
      return;
    }
    int64_t aligned = AlignPrice(*price, tick, side);
    warnings.push_back({path, absl::StrCat("price ", text, " moved to ", FormatMicros(aligned),
                                           ", on the market's tick of ", FormatMicros(tick), " (",
                                           side == Side::kBuy ? "down for a BUY" : "up for a SELL",
                                           ": never worse than the limit)")});
    price = aligned;
  };
  for (size_t idx = 0; idx < plan.trades.size(); ++idx) {
    Trade& t = plan.trades[idx];
    auto book = books.find(t.token_id);
    if (book == books.end() || !RoundingForTick(book->second.tick)) continue;
    int i = static_cast<int>(idx);
    align(t.price, t.price_text, t.price_exact, t.side, book->second.tick, Path(i, "price"));
    align(t.worst_price, t.worst_price_text, t.worst_price_exact, t.side, book->second.tick,
          Path(i, "worstPrice"));
  }
  return warnings;
}

std::vector<Violation> ValidateAgainstMarket(const Plan& plan, const BookMap& books,
                                             absl::Time now) {
  std::vector<Violation> out;
  for (size_t idx = 0; idx < plan.trades.size(); ++idx) {
    // A triggered trade is held to the same rules: none of them depends on the book's depth,
    // which is the one at firing. Its market must be known now, for its tick and minimum size.
    const Trade& t = plan.trades[idx];
    int i = static_cast<int>(idx);
    ValidateTrade(t, i, books, now, out);
    if (t.trigger && t.trigger->until && *t.trigger->until <= now) {
      out.push_back({Path(i, "trigger.until"),
                     absl::StrCat("must be in the future: ", FormatRfc3339(*t.trigger->until),
                                  " has passed, the trigger would expire unfired")});
    }
  }
  return out;
}

absl::StatusOr<std::vector<PaperOrder>> SimulatePaperPlan(
    const Plan& plan, BookMap books, std::map<std::string, int64_t> shares_available,
    FillModel model, absl::Time now) {
  std::vector<Violation> violations = ValidateAgainstMarket(plan, books, now);
  if (!violations.empty()) {
    std::string msg = "the plan breaks the venue's rules:";
    for (const auto& v : violations) absl::StrAppend(&msg, "\n  ", v.path, ": ", v.message);
    return absl::InvalidArgumentError(msg);
  }
  std::vector<PaperOrder> orders;
  orders.reserve(plan.trades.size());
  for (size_t idx = 0; idx < plan.trades.size(); ++idx) {
    const Trade& t = plan.trades[idx];
    if (t.trigger) continue;  // armed, not run: it runs when its trigger fires
    OMS_ASSIGN_OR_RETURN(PaperOrder o, SimulateTrade(plan, static_cast<int>(idx), t,
                                                     books.at(t.token_id), shares_available, model,
                                                     now, " after the plan's earlier trades"));
    orders.push_back(std::move(o));
  }
  return orders;
}

absl::StatusOr<PaperOrder> SimulateTriggeredTrade(const Plan& plan, int trade_index,
                                                  const Book& book, int64_t shares_available,
                                                  FillModel model, absl::Time now,
                                                  std::string* note) {
  if (note != nullptr) note->clear();
  if (trade_index < 0 || static_cast<size_t>(trade_index) >= plan.trades.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("trades[", trade_index, "]: plan ", plan.plan_id, " has no such trade"));
  }
  const Trade& planned = plan.trades[static_cast<size_t>(trade_index)];
  if (!planned.trigger) {
    return absl::InvalidArgumentError(
        absl::StrCat("trades[", trade_index, "]: the trade has no trigger to fire"));
  }
  if (planned.token_id != book.token_id) {
    return absl::InvalidArgumentError(absl::StrCat("trades[", trade_index, "]: the book is token ",
                                                   book.token_id, "'s, not token ",
                                                   planned.token_id, "'s"));
  }
  // The trade alone, as a plan of one, through the same checks and simulation as a submitted one.
  Plan one;
  one.plan_id = plan.plan_id;
  one.mode = plan.mode;
  one.trades.push_back(planned);
  Trade& t = one.trades.front();
  int64_t asked = t.size;  // the SHARES SELL's size before it is cut to what is held
  if (t.side == Side::kSell && t.unit == SizeUnit::kShares && t.size > shares_available) {
    // A stop-loss must not fail for want of a few shares: it sells what the position holds.
    int64_t held = RoundDownMicros(std::max<int64_t>(shares_available, 0), kSizeDecimals);
    if (held <= 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "trades[", trade_index, "]: the trigger's SELL of ", Shares(t.size), " shares of token ",
          t.token_id, " finds none held in the ", Name(plan.mode), " position (",
          Shares(std::max<int64_t>(shares_available, 0)), " available)"));
    }
    t.size = held;
  }
  bool clamped = t.size != asked;
  BookMap books{{t.token_id, book}};
  // The tick may have changed since submission (markets near 0 or 1 get a finer one): prices
  // move onto today's, in the trader's favour. Only an actual move is worth a note.
  std::optional<int64_t> price = t.price, worst_price = t.worst_price;
  std::vector<std::string> moves;
  for (const Violation& w : AlignToTicks(one, books)) {
    bool moved = w.path == Path(0, "price") ? t.price != price : t.worst_price != worst_price;
    if (moved) moves.push_back(w.message);
  }
  std::vector<Violation> violations;
  ValidateTrade(t, trade_index, books, now, violations);
  if (!violations.empty()) {
    std::string msg = "the triggered trade breaks the venue's rules";
    if (clamped) {
      absl::StrAppend(&msg, " (cut to the ", Shares(t.size), " shares held of the ", Shares(asked),
                      " the trigger asked for)");
    }
    absl::StrAppend(&msg, ":");
    for (const auto& v : violations) absl::StrAppend(&msg, "\n  ", v.path, ": ", v.message);
    return absl::InvalidArgumentError(msg);
  }
  std::map<std::string, int64_t> held{{t.token_id, shares_available}};
  OMS_ASSIGN_OR_RETURN(PaperOrder o, SimulateTrade(plan, trade_index, t, books.at(t.token_id), held,
                                                   model, now, " when the trigger fired"));
  if (note != nullptr) {
    std::vector<std::string> notes;
    if (clamped) {
      // Said as it happened: a clamped SELL the book then refused sold nothing.
      notes.push_back(absl::StrCat(o.status == OrderStatus::kRejected ? "offered" : "sold", " the ",
                                   Shares(t.size), " shares held of the ", Shares(asked),
                                   " the trigger asked for"));
    }
    notes.insert(notes.end(), moves.begin(), moves.end());
    *note = absl::StrJoin(notes, "; ");
  }
  return o;
}

Order ToOrder(const PaperOrder& o, const Plan& plan, const Book& book, absl::Time now) {
  Order out;
  out.plan_id = plan.plan_id;
  out.trade_index = o.trade_index;
  out.mode = plan.mode;
  out.token_id = o.trade.token_id;
  out.outcome = o.trade.outcome;
  out.side = o.trade.side;
  out.type = o.trade.type;
  out.tif = o.trade.tif;
  out.post_only = o.trade.post_only;
  if (o.limit_price > 0) out.limit_price = o.limit_price;
  out.size_shares = o.size_shares;
  out.maker_amount = o.amounts.maker;
  out.taker_amount = o.amounts.taker;
  out.filled_shares = o.filled_shares;
  out.filled_notional = o.filled_notional;
  out.status = o.status;
  out.reason = o.reason;
  out.expires_at = o.expires_at;
  out.created_at = now;
  for (const Fill& f : o.fills) {
    Execution e;
    e.mode = plan.mode;
    e.token_id = o.trade.token_id;
    e.side = o.trade.side;
    e.shares = f.shares;
    e.price = f.price;
    e.notional = f.notional;
    e.liquidity = Liquidity::kTaker;
    e.book_hash = book.hash;
    e.executed_at = now;
    e.outcome = o.trade.outcome;
    out.fills.push_back(std::move(e));
  }
  return out;
}

std::vector<Fill> FillRestingOrder(const Order& order, const Book& book) {
  if (!order.limit_price) return {};
  WalkSpec spec{order.side, *order.limit_price, false, order.RemainingShares(),
                /*fill_at_limit=*/true};
  if (spec.budget <= 0) return {};
  return WalkBook(spec, book).fills;
}

}  // namespace betteroms::domain
