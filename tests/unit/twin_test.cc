// The paper twin of a live order: the twin a simulated trade carries into its live order, how a
// live fill differs from its twin, and a run's totals.
#include "oms-server/domain/twin.h"

#include <gtest/gtest.h>

#include "oms-server/domain/live_order.h"
#include "oms-server/domain/paper_engine.h"
#include "oms-server/domain/run.h"

namespace betteroms::domain {
namespace {

constexpr int64_t M = 1'000'000;
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const char kToken[] = "123";

// A live order with its live fill and its twin's.
Order Live(Side side, int64_t live_shares, int64_t live_notional, int64_t twin_shares,
           int64_t twin_notional, OrderStatus status = OrderStatus::kFilled) {
  Order o;
  o.mode = Mode::kLive;
  o.token_id = kToken;
  o.side = side;
  o.status = status;
  o.filled_shares = live_shares;
  o.filled_notional = live_notional;
  o.twin = PaperTwin{twin_shares > 0 ? OrderStatus::kFilled : OrderStatus::kOpen, twin_shares,
                     twin_notional, "h"};
  return o;
}

TEST(TwinComparison, ABuyThatPaidMoreThanItsTwinIsWorseByTheRelativePriceDifference) {
  // Twin: 100 shares for 41.00 (avg 0.41); live: 100 for 41.20 (avg 0.412).
  // 0.412 / 0.41 - 1 = 0.0048780487... = 48.780487 bps.
  Order o = Live(Side::kBuy, 100 * M, 41'200'000, 100 * M, 41 * M);
  TwinComparison c = CompareWithTwin(o, *o.twin);
  EXPECT_EQ(c.twin_avg_price, 410'000);
  EXPECT_EQ(c.live_avg_price, 412'000);
  EXPECT_EQ(c.price_diff_centibps, 4878);
  EXPECT_EQ(c.size_diff, 0);
}

TEST(TwinComparison, ASellIsWorseWhenItReceivedLess) {
  Order worse = Live(Side::kSell, 100 * M, 40'800'000, 100 * M, 41 * M);
  EXPECT_EQ(CompareWithTwin(worse, *worse.twin).price_diff_centibps, 4878);
  Order better = Live(Side::kSell, 100 * M, 41'200'000, 100 * M, 41 * M);
  EXPECT_EQ(CompareWithTwin(better, *better.twin).price_diff_centibps, -4878);
  Order buy_better = Live(Side::kBuy, 100 * M, 40'800'000, 100 * M, 41 * M);
  EXPECT_EQ(CompareWithTwin(buy_better, *buy_better.twin).price_diff_centibps, -4878);
}

TEST(TwinComparison, ComparesAveragesFromTheExactTotalsNotTheRoundedAverages) {
  // Twin: 3 shares for 1.00 (avg 0.333333...), live: 3 shares for 1.000001. The rounded averages
  // are both 0.333333, but live paid 1 micro-unit more: 0.000001 / 1 = 0.01 bps.
  Order o = Live(Side::kBuy, 3 * M, 1'000'001, 3 * M, 1 * M);
  TwinComparison c = CompareWithTwin(o, *o.twin);
  EXPECT_EQ(c.twin_avg_price, 333'333);
  EXPECT_EQ(c.live_avg_price, 333'333);
  EXPECT_EQ(c.price_diff_centibps, 1);
}

TEST(TwinComparison, RoundsHalfAHundredthOfABasisPointAwayFromZero) {
  // 20 shares each; twin 10.000000, live 10.000005: a ratio of 5e-7 = 0.5 hundredths of a bp.
  Order up = Live(Side::kBuy, 20 * M, 10'000'005, 20 * M, 10 * M);
  EXPECT_EQ(CompareWithTwin(up, *up.twin).price_diff_centibps, 1);
  Order down = Live(Side::kBuy, 20 * M, 9'999'995, 20 * M, 10 * M);
  EXPECT_EQ(CompareWithTwin(down, *down.twin).price_diff_centibps, -1);
  // 4e-7: rounds to zero either way.
  Order small = Live(Side::kBuy, 20 * M, 10'000'004, 20 * M, 10 * M);
  EXPECT_EQ(CompareWithTwin(small, *small.twin).price_diff_centibps, 0);
}

TEST(TwinComparison, HasNoPriceDifferenceUnlessBothSidesFilled) {
  Order live_only = Live(Side::kBuy, 10 * M, 5 * M, 0, 0, OrderStatus::kFilled);
  TwinComparison a = CompareWithTwin(live_only, *live_only.twin);
  EXPECT_FALSE(a.price_diff_centibps.has_value());
  EXPECT_FALSE(a.twin_avg_price.has_value());
  EXPECT_EQ(a.live_avg_price, 500'000);
  EXPECT_EQ(a.size_diff, 10 * M);

  Order twin_only = Live(Side::kSell, 0, 0, 7'500'000, 3 * M, OrderStatus::kCancelled);
  TwinComparison b = CompareWithTwin(twin_only, *twin_only.twin);
  EXPECT_FALSE(b.price_diff_centibps.has_value());
  EXPECT_FALSE(b.live_avg_price.has_value());
  EXPECT_EQ(b.twin_avg_price, 400'000);
  EXPECT_EQ(b.size_diff, -7'500'000);
}

TEST(TwinComparison, MeasuresPartialFillsOnTheSharesEachSideGot) {
  // Twin filled 100 at 0.50; live only 60, at 0.52 on average: 400 bps worse, 40 shares short.
  Order o = Live(Side::kBuy, 60 * M, 31'200'000, 100 * M, 50 * M, OrderStatus::kPartiallyFilled);
  TwinComparison c = CompareWithTwin(o, *o.twin);
  EXPECT_EQ(c.price_diff_centibps, 40'000);
  EXPECT_EQ(c.size_diff, -40 * M);
}

TEST(TwinComparison, LargeOrdersDoNotOverflow) {
  // A million shares a side at 0.99: the products reach 1e24 before scaling.
  Order o =
      Live(Side::kBuy, 1'000'000 * M, 990'000'000 * M + 990'000, 1'000'000 * M, 990'000'000 * M);
  EXPECT_EQ(CompareWithTwin(o, *o.twin).price_diff_centibps, 0);  // 1e-9 relative
  Order p = Live(Side::kBuy, 1'000'000 * M, 999'900'000 * M, 1'000'000 * M, 990'000'000 * M);
  EXPECT_EQ(CompareWithTwin(p, *p.twin).price_diff_centibps, 10'000);  // 0.9999 / 0.99 = +1%
}

TEST(TwinTotals, SumsAnsweredLiveOrdersAndWeighsSlippageByNotional) {
  // A: BUY twin 100 @ 0.40, live 100 @ 0.41: 250 bps on 40.00, costing 1.00.
  // B: SELL twin 50 @ 0.60, live 50 @ 0.60: 0 bps on 30.00.
  // C: a GTC resting on both sides: counted, not compared.
  // D: never sent; E: awaiting the venue's answer; F: a paper order: all left out.
  Order a = Live(Side::kBuy, 100 * M, 41 * M, 100 * M, 40 * M);
  Order b = Live(Side::kSell, 50 * M, 30 * M, 50 * M, 30 * M);
  Order c = Live(Side::kBuy, 0, 0, 0, 0, OrderStatus::kOpen);
  Order d = Live(Side::kBuy, 0, 0, 10 * M, 5 * M, OrderStatus::kNotSent);
  Order e = Live(Side::kBuy, 0, 0, 10 * M, 5 * M, OrderStatus::kUnknown);
  Order f = Live(Side::kBuy, 10 * M, 5 * M, 10 * M, 5 * M);
  f.mode = Mode::kPaper;
  std::optional<TwinTotals> t = SumTwins({a, b, c, d, e, f});
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->orders, 3);
  EXPECT_EQ(t->twin_filled_shares, 150 * M);
  EXPECT_EQ(t->twin_filled_notional, 70 * M);
  EXPECT_EQ(t->live_filled_shares, 150 * M);
  EXPECT_EQ(t->live_filled_notional, 71 * M);
  EXPECT_EQ(t->orders_compared, 2);
  EXPECT_EQ(t->compared_notional, 70 * M);
  EXPECT_EQ(t->slippage_cost, 1 * M);
  // 1 / 70 = 142.857142 bps: (250 * 40 + 0 * 30) / 70.
  EXPECT_EQ(t->SlippageCentibps(), 14'286);
}

TEST(TwinTotals, CountsASellThatDidBetterAsNegativeSlippage) {
  Order sell = Live(Side::kSell, 100 * M, 41'200'000, 100 * M, 41 * M);
  std::optional<TwinTotals> t = SumTwins({sell});
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->slippage_cost, -200'000);
  EXPECT_EQ(t->SlippageCentibps(), -4878);
}

TEST(TwinTotals, ValuesLiveSharesAtTheTwinsPriceWhenTheyDiffer) {
  // Twin 100 @ 0.50; live 60 for 31.20: at the twin's price those 60 cost 30.00, so 1.20 more.
  Order o = Live(Side::kBuy, 60 * M, 31'200'000, 100 * M, 50 * M, OrderStatus::kPartiallyFilled);
  std::optional<TwinTotals> t = SumTwins({o});
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->compared_notional, 30 * M);
  EXPECT_EQ(t->slippage_cost, 1'200'000);
  EXPECT_EQ(t->SlippageCentibps(), CompareWithTwin(o, *o.twin).price_diff_centibps);
}

TEST(TwinTotals, AreEmptyWithoutTwinsAndHaveNoSlippageWithoutFillsOnBothSides) {
  Order old = Live(Side::kBuy, 10 * M, 5 * M, 0, 0);
  old.twin.reset();
  EXPECT_FALSE(SumTwins({old}).has_value());
  EXPECT_FALSE(SumTwins({}).has_value());

  std::optional<TwinTotals> resting = SumTwins({Live(Side::kBuy, 0, 0, 0, 0, OrderStatus::kOpen)});
  ASSERT_TRUE(resting.has_value());
  EXPECT_EQ(resting->orders, 1);
  EXPECT_FALSE(resting->SlippageCentibps().has_value());
}

TEST(TwinFormat, PrintsHundredthsOfABasisPointWithTwoPlaces) {
  EXPECT_EQ(FormatCentibps(4878), "48.78");
  EXPECT_EQ(FormatCentibps(-4878), "-48.78");
  EXPECT_EQ(FormatCentibps(0), "0.00");
  EXPECT_EQ(FormatCentibps(5), "0.05");
  EXPECT_EQ(FormatCentibps(-50), "-0.50");
  EXPECT_EQ(FormatCentibps(1'000'000), "10000.00");
}

// The twin a live order carries is the simulation it was sized by.
TEST(TwinOfALiveOrder, IsTheSimulationsFillOnTheBookItWasPricedOn) {
  Book book;
  book.token_id = kToken;
  book.bids = {{480'000, 100 * M}};
  book.asks = {{520'000, 10 * M}, {530'000, 100 * M}};
  book.tick = 10'000;
  book.min_order_size = 5 * M;
  book.hash = "book-hash";
  Plan plan;
  plan.plan_id = "live-1";
  plan.mode = Mode::kLive;
  Trade t;
  t.token_id = kToken;
  t.outcome = "Yes";
  t.side = Side::kBuy;
  t.type = OrderType::kLimit;
  t.tif = TimeInForce::kGtc;
  t.price = 530'000;
  t.unit = SizeUnit::kShares;
  t.size = 15 * M;  // 10 at 0.52, 5 at 0.53
  plan.trades.push_back(t);
  auto sim = SimulatePaperPlan(plan, {{kToken, book}}, {}, FillModel::kBook, kNow);
  ASSERT_TRUE(sim.ok()) << sim.status();
  LiveAccount account;
  account.maker = "0x1111111111111111111111111111111111111111";
  account.signer = account.maker;
  Order o = ToLiveOrder(sim->at(0), plan, book, nullptr, account, "i", "1", kNow);
  ASSERT_TRUE(o.twin.has_value());
  EXPECT_EQ(o.twin->status, OrderStatus::kFilled);
  EXPECT_EQ(o.twin->filled_shares, 15 * M);
  EXPECT_EQ(o.twin->filled_notional, 7'850'000);  // 5.20 + 2.65
  EXPECT_EQ(o.twin->book_hash, "book-hash");
  EXPECT_EQ(o.filled_shares, 0);  // the live order itself starts unfilled

  // A live summary carries the twin's totals; a paper summary has none.
  RunSummary live = SummariseRun(plan, {o}, {}, {}, kNow, kNow);
  EXPECT_FALSE(live.twin.has_value() && live.twin->orders != 0);  // kNew: not yet answered
  ASSERT_TRUE(live.twin.has_value());
  Plan paper = plan;
  paper.mode = Mode::kPaper;
  EXPECT_FALSE(SummariseRun(paper, {o}, {}, {}, kNow, kNow).twin.has_value());
}

}  // namespace
}  // namespace betteroms::domain
