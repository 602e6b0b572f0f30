#include "oms-server/domain/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace betteroms::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";

std::string Paths(const PlanParseResult& r) {
  std::string out;
  for (const auto& v : r.violations) out += v.path + ": " + v.message + "\n";
  return out;
}

TEST(PlanParser, AcceptsAPlanWrittenForTheOriginalSchema) {
  std::string plan = std::string(R"({
    "$schema": "https://betteroms.dev/schema/trade-plan-v0.0.7.json",
    "planId": "plan-2025-01-01_a",
    "mode": "paper",
    "notes": "morning run",
    "trades": [
      {"marketTokenId": ")") +
                     kToken + R"(", "outcome": "YES", "side": "BUY",
       "orderType": "MARKET", "size": 100},
      {"marketTokenId": ")" +
                     kToken + R"(", "outcome": "YES", "side": "SELL",
       "orderType": "LIMIT", "size": 10.5, "price": 0.55, "notes": "take profit"}
    ]})";
  PlanParseResult r = ParsePlan(plan);
  ASSERT_TRUE(r.ok()) << Paths(r);
  EXPECT_EQ(r.plan.plan_id, "plan-2025-01-01_a");
  ASSERT_EQ(r.plan.trades.size(), 2u);
  EXPECT_EQ(r.plan.trades[0].size, 100'000'000);
  EXPECT_EQ(r.plan.trades[0].unit, SizeUnit::kUsdc);
  EXPECT_EQ(r.plan.trades[0].tif, TimeInForce::kFok);
  EXPECT_EQ(r.plan.trades[1].price, 550'000);
  EXPECT_EQ(r.plan.trades[1].tif, TimeInForce::kGtc);
}

TEST(PlanParser, ReportsEveryViolationAtOnceWithItsPath) {
  PlanParseResult r = ParsePlan(R"({
    "planId": "bad id!", "mode": "real", "extra": 1,
    "trades": [
      {"marketTokenId": "12x", "outcome": "YES", "side": "HOLD", "orderType": "LIMIT", "size": -1},
      {"marketTokenId": "1", "outcome": "NO", "side": "BUY", "orderType": "MARKET", "size": 1.1234567,
       "timeInForce": "GTC", "postOnly": true, "colour": "red"},
      {"marketTokenId": "1", "outcome": "NO", "side": "BUY", "orderType": "LIMIT", "size": 5,
       "price": 1.5}
    ]})");
  std::string got = Paths(r);
  for (const char* path :
       {"planId:", "mode:", "extra:", "trades[0].marketTokenId:", "trades[0].side:",
        "trades[0].size:", "trades[0].price:", "trades[1].timeInForce:", "trades[1].postOnly:",
        "trades[1].colour:", "trades[2].price:"}) {
    EXPECT_THAT(got, HasSubstr(path));
  }
  // A size with more decimals than the venue takes is rounded, not refused.
  EXPECT_THAT(got, Not(HasSubstr("trades[1].size:")));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].path, "trades[1].size");
}

TEST(PlanParser, ReadsNumbersExactlyNeverThroughDoubles) {
  PlanParseResult r = ParsePlan(R"({"planId": "p", "mode": "paper", "trades": [
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "LIMIT",
     "size": 0.01, "price": 0.29, "sizeUnit": "SHARES"}]})");
  ASSERT_TRUE(r.ok()) << Paths(r);
  EXPECT_EQ(r.plan.trades[0].size, 10'000);
  EXPECT_EQ(*r.plan.trades[0].price, 290'000);  // 0.29 is not exact as a double
  EXPECT_TRUE(r.warnings.empty());
}

TEST(PlanParser, FloatNoiseInSizesIsRoundedDownToTheVenuesTwoDecimalsWithAWarning) {
  PlanParseResult r = ParsePlan(R"({"planId": "p", "mode": "paper", "trades": [
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "MARKET",
     "size": 33.300000000000004},
    {"marketTokenId": "1", "outcome": "YES", "side": "SELL", "orderType": "MARKET",
     "size": 19.999999999999996, "sizeUnit": "SHARES"},
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "MARKET", "size": 5.125}]})");
  ASSERT_TRUE(r.ok()) << Paths(r);
  EXPECT_EQ(r.plan.trades[0].size, 33'300'000);
  EXPECT_EQ(r.plan.trades[1].size, 19'990'000);  // down, never more than the plan says
  EXPECT_EQ(r.plan.trades[2].size, 5'120'000);
  ASSERT_EQ(r.warnings.size(), 3u);
  EXPECT_EQ(r.warnings[0].path, "trades[0].size");
  EXPECT_THAT(r.warnings[0].message, HasSubstr("rounded down to 33.3"));
}

TEST(PlanParser, ASizeThatRoundsToNothingIsStillRefused) {
  PlanParseResult r = ParsePlan(R"({"planId": "p", "mode": "paper", "trades": [
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "MARKET",
     "size": 0.004999999}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Paths(r), HasSubstr("trades[0].size: must be at least 0.01"));
}

TEST(PlanParser, FloatNoiseInPricesIsReadInTheTradersFavour) {
  PlanParseResult r = ParsePlan(R"({"planId": "p", "mode": "paper", "trades": [
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "LIMIT", "size": 10,
     "price": 0.31654999999999994},
    {"marketTokenId": "1", "outcome": "YES", "side": "SELL", "orderType": "LIMIT", "size": 10,
     "price": 0.31654999999999994},
    {"marketTokenId": "1", "outcome": "YES", "side": "SELL", "orderType": "MARKET", "size": 10,
     "worstPrice": 0.2000000000000001, "sizeUnit": "SHARES"}]})");
  ASSERT_TRUE(r.ok()) << Paths(r);
  // A double's noise goes first (0.31654999999999994 is 0.31655), then the tick applies later.
  EXPECT_EQ(*r.plan.trades[0].price, 316'550);
  EXPECT_EQ(*r.plan.trades[1].price, 316'550);
  EXPECT_EQ(*r.plan.trades[2].worst_price, 200'000);
  EXPECT_FALSE(r.plan.trades[0].price_exact);
  EXPECT_EQ(r.plan.trades[0].price_text, "0.31654999999999994");
}

TEST(PlanParser, PricesWithMoreThanSixRealDecimalsAreRoundedInTheTradersFavour) {
  PlanParseResult r = ParsePlan(R"({"planId": "p", "mode": "paper", "trades": [
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "LIMIT", "size": 10,
     "price": 0.4000005},
    {"marketTokenId": "1", "outcome": "YES", "side": "SELL", "orderType": "LIMIT", "size": 10,
     "price": 0.4000005}]})");
  ASSERT_TRUE(r.ok()) << Paths(r);
  EXPECT_EQ(*r.plan.trades[0].price, 400'000);  // BUY: down
  EXPECT_EQ(*r.plan.trades[1].price, 400'001);  // SELL: up
}

TEST(PlanParser, NormalisesHexTokenIds) {
  PlanParseResult r = ParsePlan(R"({"planId": "p", "mode": "paper", "trades": [
    {"marketTokenId": "0xff", "outcome": "YES", "side": "BUY", "orderType": "MARKET", "size": 1}]})");
  ASSERT_TRUE(r.ok()) << Paths(r);
  EXPECT_EQ(r.plan.trades[0].token_id, "255");
  EXPECT_FALSE(NormaliseTokenId(std::string(79, '9')).has_value());
  EXPECT_FALSE(NormaliseTokenId("0x" + std::string(65, 'f')).has_value());
  EXPECT_EQ(NormaliseTokenId("0x" + std::string(64, 'f')).value(),
            "115792089237316195423570985008687907853269984665640564039457584007913129639935");
}

TEST(PlanParser, ChecksTheExtensions) {
  PlanParseResult r = ParsePlan(R"({"planId": "p", "mode": "paper", "trades": [
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "LIMIT", "size": 10,
     "price": 0.4, "timeInForce": "GTD", "expiresAt": "2030-01-01T00:00:00Z"},
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "LIMIT", "size": 10,
     "price": 0.4, "cancelAfter": "6h", "postOnly": true},
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "MARKET", "size": 10,
     "worstPrice": 0.6, "timeInForce": "FAK"},
    {"marketTokenId": "1", "outcome": "YES", "side": "SELL", "orderType": "MARKET", "size": 10,
     "sizeUnit": "SHARES"}]})");
  ASSERT_TRUE(r.ok()) << Paths(r);
  EXPECT_EQ(r.plan.trades[0].tif, TimeInForce::kGtd);
  EXPECT_EQ(*r.plan.trades[1].cancel_after, absl::Hours(6));
  EXPECT_TRUE(r.plan.trades[1].post_only);
  EXPECT_EQ(*r.plan.trades[2].worst_price, 600'000);
  EXPECT_EQ(r.plan.trades[3].unit, SizeUnit::kShares);

  PlanParseResult bad = ParsePlan(R"({"planId": "p", "mode": "paper", "trades": [
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "LIMIT", "size": 10,
     "price": 0.4, "timeInForce": "GTD"},
    {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "LIMIT", "size": 10,
     "price": 0.4, "worstPrice": 0.5, "cancelAfter": "soon"}]})");
  std::string got = Paths(bad);
  EXPECT_THAT(got, HasSubstr("trades[0].expiresAt: is required for a GTD order"));
  EXPECT_THAT(got, HasSubstr("trades[1].worstPrice"));
  EXPECT_THAT(got, HasSubstr("trades[1].cancelAfter"));
}

TEST(PlanParser, BoundsCountsAndSizes) {
  EXPECT_FALSE(ParsePlan(R"({"planId": "p", "mode": "paper", "trades": []})").ok());
  std::string many = R"({"planId": "p", "mode": "paper", "trades": [)";
  for (int i = 0; i <= kMaxTrades; ++i) {
    many +=
        std::string(i ? "," : "") +
        R"({"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "MARKET", "size": 1})";
  }
  many += "]}";
  PlanParseResult r = ParsePlan(many);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.violations[0].path, "trades");
  EXPECT_FALSE(ParsePlan(R"({"planId": "p", "mode": "paper", "notes": ")" + std::string(5000, 'x') +
                         R"(", "trades": [{"marketTokenId": "1", "outcome": "YES", "side": "BUY",
                         "orderType": "MARKET", "size": 1}]})")
                   .ok());
  EXPECT_FALSE(ParsePlan("[1,2]").ok());
  EXPECT_FALSE(ParsePlan("not json").ok());
}

TEST(PlanParser, CanonicalTextIgnoresFormatting) {
  PlanParseResult a = ParsePlan(
      R"({"planId":"p","mode":"paper","trades":[{"marketTokenId":"1","outcome":"YES","side":"BUY","orderType":"MARKET","size":1.50}]})");
  PlanParseResult b = ParsePlan(R"({ "mode": "paper", "planId": "p",
    "trades": [ { "size": 1.5, "orderType": "MARKET", "side": "BUY", "outcome": "YES",
                  "marketTokenId": "0x1" } ] })");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(CanonicalPlanText(a.plan), CanonicalPlanText(b.plan));
  PlanParseResult c = ParsePlan(
      R"({"planId":"p","mode":"paper","trades":[{"marketTokenId":"1","outcome":"YES","side":"BUY","orderType":"MARKET","size":2}]})");
  EXPECT_NE(CanonicalPlanText(a.plan), CanonicalPlanText(c.plan));
}

}  // namespace
}  // namespace betteroms::domain
