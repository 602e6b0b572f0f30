// The OMS's rules without a database: the tick, the cancel rule, reruns of a planId, position
// folding, the run summary and the names of the domain's enums.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "oms-server/domain/cancel.h"
#include "oms-server/domain/positions.h"
#include "oms-server/domain/run.h"
#include "oms-server/domain/tick.h"
#include "oms-server/domain/types.h"
#include "tests/support/status_matchers.h"

namespace betteroms::domain {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t M = 1'000'000;
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Book BookOf(const std::string& token, std::vector<Level> bids, std::vector<Level> asks) {
  Book b;
  b.token_id = token;
  b.bids = std::move(bids);
  b.asks = std::move(asks);
  b.hash = "h-" + token;
  return b;
}

Order Resting(int64_t id, const std::string& token, Side side, int64_t price, int64_t shares) {
  Order o;
  o.id = id;
  o.plan_id = "p";
  o.token_id = token;
  o.outcome = "YES";
  o.side = side;
  o.type = OrderType::kLimit;
  o.tif = TimeInForce::kGtc;
  o.limit_price = price;
  o.size_shares = shares;
  o.status = OrderStatus::kOpen;
  return o;
}

Execution Fill(Mode mode, const std::string& token, Side side, int64_t shares, int64_t price) {
  Execution e;
  e.mode = mode;
  e.token_id = token;
  e.side = side;
  e.shares = shares;
  e.price = price;
  e.notional = shares / M * price;
  e.outcome = "YES";
  return e;
}

TEST(Tick, ARestingBuyFillsAtItsOwnLimitWhenTheAsksCrossIt) {
  BookMap books{{"t", BookOf("t", {}, {{440'000, 4 * M}, {450'000, 10 * M}})}};
  TickOutcome out = ApplyTick({Resting(1, "t", Side::kBuy, 450'000, 10 * M)}, books, kNow);
  ASSERT_EQ(out.changed.size(), 1u);
  EXPECT_EQ(out.changed[0].status, OrderStatus::kFilled);
  EXPECT_EQ(out.changed[0].filled_shares, 10 * M);
  EXPECT_EQ(out.orders_filled, 1);
  ASSERT_FALSE(out.fills.empty());
  for (const Execution& f : out.fills) {
    EXPECT_EQ(f.price, 450'000);
    EXPECT_EQ(f.order_id, 1);
    EXPECT_EQ(f.liquidity, Liquidity::kMaker);
    EXPECT_EQ(f.book_hash, "h-t");
    EXPECT_EQ(f.executed_at, kNow);
  }
  EXPECT_EQ(out.books_used.count("t"), 1u);
}

TEST(Tick, EarlierOrdersTakeTheDepthFirst) {
  BookMap books{{"t", BookOf("t", {}, {{450'000, 6 * M}})}};
  TickOutcome out = ApplyTick(
      {Resting(1, "t", Side::kBuy, 450'000, 5 * M), Resting(2, "t", Side::kBuy, 450'000, 5 * M)},
      books, kNow);
  ASSERT_EQ(out.changed.size(), 2u);
  EXPECT_EQ(out.changed[0].id, 1);
  EXPECT_EQ(out.changed[0].status, OrderStatus::kFilled);
  EXPECT_EQ(out.changed[1].status, OrderStatus::kPartiallyFilled);
  EXPECT_EQ(out.changed[1].filled_shares, 1 * M);
  EXPECT_EQ(books.at("t").asks[0].size, 6 * M);  // the caller's books are not changed
}

TEST(Tick, AnOrderPastItsExpiryExpiresInsteadOfFilling) {
  Order o = Resting(1, "t", Side::kSell, 500'000, 5 * M);
  o.expires_at = kNow - absl::Seconds(1);
  BookMap books{{"t", BookOf("t", {{600'000, 100 * M}}, {})}};
  EXPECT_TRUE(TokensToPrice({o}, kNow).empty());
  TickOutcome out = ApplyTick({o}, books, kNow);
  ASSERT_EQ(out.changed.size(), 1u);
  EXPECT_EQ(out.changed[0].status, OrderStatus::kExpired);
  EXPECT_THAT(out.changed[0].reason, HasSubstr("expired at"));
  EXPECT_TRUE(out.fills.empty());
  EXPECT_EQ(out.orders_expired, 1);
}

TEST(Tick, OrdersThatAreNotRestingOrHaveNoBookAreLeftAlone) {
  Order filled = Resting(1, "t", Side::kBuy, 450'000, 5 * M);
  filled.status = OrderStatus::kFilled;
  Order fok = Resting(2, "t", Side::kBuy, 450'000, 5 * M);
  fok.tif = TimeInForce::kFok;
  Order cancelled = Resting(3, "t", Side::kBuy, 450'000, 5 * M);
  cancelled.status = OrderStatus::kCancelled;
  Order elsewhere = Resting(4, "u", Side::kBuy, 450'000, 5 * M);
  BookMap books{{"t", BookOf("t", {}, {{400'000, 100 * M}})}};
  TickOutcome out = ApplyTick({filled, fok, cancelled, elsewhere}, books, kNow);
  EXPECT_TRUE(out.changed.empty());
  EXPECT_TRUE(out.fills.empty());
  EXPECT_EQ(out.orders_examined, 1);  // only the resting order without a book
  EXPECT_EQ(TokensToPrice({filled, fok, cancelled, elsewhere}, kNow),
            std::vector<std::string>{"u"});
}

TEST(Tick, ABookThatDoesNotCrossFillsNothing) {
  BookMap books{{"t", BookOf("t", {{440'000, 100 * M}}, {{460'000, 100 * M}})}};
  TickOutcome out = ApplyTick(
      {Resting(1, "t", Side::kBuy, 450'000, 5 * M), Resting(2, "t", Side::kSell, 470'000, 5 * M)},
      books, kNow);
  EXPECT_TRUE(out.changed.empty());
  EXPECT_EQ(out.orders_examined, 2);
}

TEST(Tick, OrdersOnAClosedMarketAreCancelledByTheVenueAndOthersStillFillOrExpire) {
  Order closed = Resting(1, "gone", Side::kBuy, 450'000, 5 * M);
  Order due = Resting(2, "gone", Side::kBuy, 450'000, 5 * M);
  due.expires_at = kNow;  // expiry, at a known time, comes first
  Order partly = Resting(3, "gone", Side::kSell, 600'000, 5 * M);
  partly.status = OrderStatus::kPartiallyFilled;
  partly.filled_shares = 2 * M;
  Order other = Resting(4, "t", Side::kBuy, 450'000, 5 * M);
  BookMap books{{"t", BookOf("t", {}, {{440'000, 100 * M}})}};
  TickOutcome out = ApplyTick({closed, due, partly, other}, books, kNow, {"gone"});
  ASSERT_EQ(out.changed.size(), 4u);
  EXPECT_EQ(out.changed[0].status, OrderStatus::kCancelled);
  EXPECT_EQ(out.changed[0].reason, "cancelled by the venue: the market resolved");
  EXPECT_EQ(out.changed[1].status, OrderStatus::kExpired);
  EXPECT_EQ(out.changed[2].status, OrderStatus::kCancelled);
  EXPECT_EQ(out.changed[2].filled_shares, 2 * M);  // what filled before stays filled
  EXPECT_EQ(out.changed[3].status, OrderStatus::kFilled);
  EXPECT_EQ(out.orders_cancelled_by_venue, 2);
  EXPECT_EQ(out.orders_expired, 1);
  EXPECT_EQ(out.orders_filled, 1);
  EXPECT_EQ(out.orders_examined, 4);
  ASSERT_FALSE(out.fills.empty());
  for (const Execution& f : out.fills) EXPECT_EQ(f.token_id, "t");
}

TEST(Cancel, ARestingPaperOrderIsCancelledWithAReason) {
  auto cancelled = RequestCancel(Resting(7, "t", Side::kBuy, 450'000, 5 * M));
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_EQ(cancelled->status, OrderStatus::kCancelled);
  EXPECT_EQ(cancelled->reason, "cancelled by request");
}

TEST(Cancel, FinishedAndImmediateOrdersAreRefusedNamingWhy) {
  Order filled = Resting(7, "t", Side::kBuy, 450'000, 5 * M);
  filled.status = OrderStatus::kFilled;
  EXPECT_THAT(RequestCancel(filled),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("order 7 is filled")));
  Order fak = Resting(8, "t", Side::kBuy, 450'000, 5 * M);
  fak.tif = TimeInForce::kFak;
  fak.status = OrderStatus::kPartiallyFilled;
  EXPECT_THAT(RequestCancel(fak),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("FAK")));
  Order live = Resting(9, "t", Side::kBuy, 450'000, 5 * M);
  live.mode = Mode::kLive;
  EXPECT_THAT(RequestCancel(live), StatusIs(absl::StatusCode::kFailedPrecondition,
                                            HasSubstr("live trading is not configured")));
  live.status = OrderStatus::kOpen;
  EXPECT_THAT(CheckLiveCancel(live), IsOk());
  live.status = OrderStatus::kSubmitting;
  EXPECT_THAT(CheckLiveCancel(live),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("being placed")));
  live.status = OrderStatus::kFilled;
  EXPECT_THAT(CheckLiveCancel(live),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("nothing to cancel")));
}

Run Earlier(RunStatus status, int orders) {
  Run run;
  run.plan_id = "p-1";
  run.plan_hash = "hash";
  run.status = status;
  run.order_count = orders;
  run.started_at = kNow;
  run.error_message = "book down";
  return run;
}

TEST(Rerun, AFailedRunWithoutOrdersMayRunAgainOnlyWhenRetried) {
  EXPECT_THAT(CheckRerun(Earlier(RunStatus::kFailed, 0), "hash", /*retry=*/true), IsOk());
  EXPECT_THAT(CheckRerun(Earlier(RunStatus::kFailed, 0), "hash", /*retry=*/false),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("--retry")));
}

TEST(Rerun, ACompletedRunOrOneWithOrdersNeverRunsAgain) {
  EXPECT_THAT(CheckRerun(Earlier(RunStatus::kCompleted, 2), "hash", true),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("already ran: completed")));
  EXPECT_THAT(CheckRerun(Earlier(RunStatus::kFailed, 1), "hash", true),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("a planId runs once")));
  EXPECT_THAT(CheckRerun(Earlier(RunStatus::kRunning, 0), "hash", true),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("running")));
}

TEST(Rerun, AnotherPlanUnderTheSamePlanIdIsRefusedWhateverHappenedBefore) {
  EXPECT_THAT(CheckRerun(Earlier(RunStatus::kFailed, 0), "other-hash", true),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("different plan")));
}

TEST(Positions, FoldKeepsModesAndTokensApartAndTakesTheFirstOutcome) {
  std::vector<Execution> fills = {Fill(Mode::kPaper, "t", Side::kBuy, 10 * M, 500'000),
                                  Fill(Mode::kLive, "t", Side::kBuy, 4 * M, 400'000),
                                  Fill(Mode::kPaper, "u", Side::kBuy, 2 * M, 300'000),
                                  Fill(Mode::kPaper, "t", Side::kSell, 5 * M, 600'000)};
  fills[2].outcome = "NO";
  PositionBook book = FoldPositions(fills);
  ASSERT_EQ(book.size(), 3u);
  const HeldPosition& paper_t = book.at({Mode::kPaper, "t"});
  EXPECT_EQ(paper_t.state.net_shares, 5 * M);
  EXPECT_EQ(paper_t.state.cost, 2'500'000);
  EXPECT_EQ(paper_t.state.realized, 500'000);  // 5 sold at 0.60 against a 0.50 average
  EXPECT_EQ(book.at({Mode::kLive, "t"}).state.net_shares, 4 * M);
  EXPECT_EQ(book.at({Mode::kPaper, "u"}).outcome, "NO");
}

TEST(Positions, AClosedMarketsPositionIsMarkedAtItsPayout) {
  PositionState pos;
  pos.Apply(Side::kBuy, 10 * M, 4 * M, 100'000);  // 10 shares for 4.00 and a 0.10 fee

  Marks won = MarkResolved(pos, M);
  EXPECT_EQ(won.mark_price, M);
  EXPECT_EQ(won.liquidation_value, 10 * M);
  EXPECT_EQ(won.unrealized, 10 * M - 4'100'000);

  Marks lost = MarkResolved(pos, 0);
  EXPECT_EQ(lost.mark_price, 0);
  EXPECT_EQ(lost.liquidation_value, 0);
  EXPECT_EQ(lost.unrealized, -4'100'000);

  Marks unknown = MarkResolved(pos, std::nullopt);  // no winner named: no marks at all
  EXPECT_FALSE(unknown.mark_price.has_value());
  EXPECT_FALSE(unknown.unrealized.has_value());
  EXPECT_FALSE(unknown.liquidation_value.has_value());

  PositionState odd;
  odd.Apply(Side::kBuy, 1'234'567, 600'000, 0);  // a fractional share count pays out exactly
  EXPECT_EQ(MarkResolved(odd, M).liquidation_value, 1'234'567);
}

TEST(RunSummary, CountsMoneyAndTheRealizedPnlTheRunAdded) {
  Plan plan;
  plan.plan_id = "p";
  Order bought = Resting(1, "t", Side::kBuy, 500'000, 10 * M);
  bought.status = OrderStatus::kFilled;
  bought.filled_shares = 10 * M;
  bought.filled_notional = 5 * M;
  bought.fills = {Fill(Mode::kPaper, "t", Side::kBuy, 10 * M, 500'000)};
  Order sold = Resting(2, "t", Side::kSell, 700'000, 4 * M);
  sold.status = OrderStatus::kFilled;
  sold.filled_shares = 4 * M;
  sold.filled_notional = 2'800'000;
  sold.fills = {Fill(Mode::kPaper, "t", Side::kSell, 4 * M, 700'000)};
  Order open = Resting(3, "u", Side::kBuy, 100'000, 5 * M);
  Order rejected = Resting(4, "u", Side::kBuy, 100'000, 5 * M);
  rejected.status = OrderStatus::kRejected;
  // Before the run: 10 shares of t bought at 0.30 and a realized gain the run must not count.
  std::vector<Execution> history = {Fill(Mode::kPaper, "t", Side::kBuy, 20 * M, 300'000),
                                    Fill(Mode::kPaper, "t", Side::kSell, 10 * M, 400'000)};
  BookMap books{{"t", BookOf("t", {{600'000, 100 * M}}, {{620'000, 100 * M}})}};
  RunSummary s = SummariseRun(plan, {bought, sold, open, rejected}, history, books, kNow,
                              kNow + absl::Seconds(1));
  EXPECT_EQ(s.orders_placed, 4);
  EXPECT_EQ(s.orders_filled, 2);
  EXPECT_EQ(s.orders_open, 1);
  EXPECT_EQ(s.orders_rejected, 1);
  EXPECT_EQ(s.notional_bought, 5 * M);
  EXPECT_EQ(s.notional_sold, 2'800'000);
  // 20 shares at an average of 0.40 after the buy; 4 sold at 0.70 realize 1.20.
  EXPECT_EQ(s.realized_pnl, 1'200'000);
  ASSERT_EQ(s.positions.size(), 2u);
  EXPECT_EQ(s.positions[0].token_id, "t");
  EXPECT_EQ(s.positions[0].state.net_shares, 16 * M);
  EXPECT_EQ(s.positions[0].marks.mark_price, 610'000);
  EXPECT_EQ(s.positions[1].token_id, "u");
  EXPECT_EQ(s.positions[1].state.net_shares, 0);
  EXPECT_FALSE(s.positions[1].marks.mark_price.has_value());  // no book for u
  EXPECT_EQ(s.finished_at, kNow + absl::Seconds(1));
}

template <typename E, size_t N>
void ExpectNamesRoundTrip(const std::array<E, N>& values,
                          std::optional<E> (*parse)(std::string_view)) {
  std::set<std::string> names;
  for (E v : values) {
    EXPECT_EQ(parse(Name(v)), v) << Name(v);
    names.insert(Name(v));
  }
  EXPECT_EQ(names.size(), N);  // no two values share a name
}

TEST(Types, EveryEnumValueHasADistinctNameThatParsesBack) {
  ExpectNamesRoundTrip(kAllModes, &ParseMode);
  ExpectNamesRoundTrip(kAllSides, &ParseSide);
  ExpectNamesRoundTrip(kAllOrderTypes, &ParseOrderType);
  ExpectNamesRoundTrip(kAllTimesInForce, &ParseTimeInForce);
  ExpectNamesRoundTrip(kAllOrderStatuses, &ParseOrderStatus);
  ExpectNamesRoundTrip(kAllRunStatuses, &ParseRunStatus);
  EXPECT_EQ(ParseOrderStatus("FILLED"), std::nullopt);  // exact spelling
  EXPECT_EQ(ParseMode(""), std::nullopt);
}

}  // namespace
}  // namespace betteroms::domain
