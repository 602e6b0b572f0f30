// The trigger record's own rules: which trades of a plan are armed and how they read, and when a
// trader may cancel one.
#include "oms-server/domain/trigger_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace betteroms::domain {
namespace {

using ::testing::HasSubstr;

Trade Sell(int64_t shares) {
  Trade t;
  t.token_id = "1001";
  t.outcome = "Yes";
  t.side = Side::kSell;
  t.type = OrderType::kMarket;
  t.size = shares;
  t.unit = SizeUnit::kShares;
  return t;
}

TEST(TriggerRecord, OnlyTriggeredTradesAreArmedEachWithItsIndexAndGroup) {
  Plan plan;
  plan.plan_id = "p";
  plan.mode = Mode::kLive;
  plan.trades.push_back(Sell(10'000'000));
  Trade stop = Sell(10'000'000);
  stop.trigger = Trigger{TriggerPrice::kBestBid, true, 400'000, "0.40", std::nullopt};
  stop.oco = "exit";
  plan.trades.push_back(stop);
  Trade limit = Sell(2'500'000);
  limit.type = OrderType::kLimit;
  limit.price = 700'000;
  limit.trigger =
      Trigger{TriggerPrice::kMid, false, 700'000, "0.7", absl::FromUnixSeconds(1'900'000'000)};
  plan.trades.push_back(limit);

  std::vector<TriggerRecord> armed = TriggersToArm(plan);
  ASSERT_EQ(armed.size(), 2u);
  EXPECT_EQ(armed[0].trade_index, 1);
  EXPECT_EQ(armed[0].plan_id, "p");
  EXPECT_EQ(armed[0].mode, Mode::kLive);
  EXPECT_EQ(armed[0].oco, "exit");
  EXPECT_EQ(armed[0].status, TriggerStatus::kArmed);
  EXPECT_THAT(armed[0].description, HasSubstr("SELL 10 shares MARKET when "));
  EXPECT_EQ(armed[1].trade_index, 2);
  EXPECT_EQ(armed[1].oco, "");
  EXPECT_THAT(armed[1].description, HasSubstr("SELL 2.5 shares LIMIT 0.7 when "));
  EXPECT_THAT(armed[1].description, HasSubstr("2030-03-17T17:46:40"));

  plan.trades.erase(plan.trades.begin() + 1, plan.trades.end());
  EXPECT_TRUE(TriggersToArm(plan).empty());
}

TEST(TriggerRecord, AUsdcTradeReadsInDollars) {
  Trade buy = Sell(25'000'000);
  buy.side = Side::kBuy;
  buy.unit = SizeUnit::kUsdc;
  EXPECT_EQ(DescribeTriggeredTrade(buy), "BUY $25 MARKET");
}

TEST(TriggerRecord, OnlyAnArmedTriggerMayBeCancelled) {
  TriggerRecord t;
  t.id = 7;
  EXPECT_TRUE(CheckCancelTrigger(t).ok());
  for (TriggerStatus s :
       {TriggerStatus::kFired, TriggerStatus::kCancelled, TriggerStatus::kExpired}) {
    t.status = s;
    absl::Status refused = CheckCancelTrigger(t);
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << Name(s);
    EXPECT_THAT(refused.message(), HasSubstr(absl::StrCat("trigger 7 is ", Name(s))));
  }
}

TEST(TriggerRecord, StatusNamesReadBack) {
  for (TriggerStatus s : kAllTriggerStatuses) EXPECT_EQ(ParseTriggerStatus(Name(s)), s);
  EXPECT_FALSE(ParseTriggerStatus("Armed").has_value());
}

}  // namespace
}  // namespace betteroms::domain
