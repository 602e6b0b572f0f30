#include "oms-server/domain/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

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

// A trade on token 1 with `extra` fields, for the trigger tests.
std::string TriggeredTrade(const std::string& side, const std::string& extra) {
  return R"({"marketTokenId": "1", "outcome": "YES", "side": ")" + side +
         R"(", "orderType": "MARKET", "size": 10, "sizeUnit": "SHARES")" + extra + "}";
}

std::string PlanOf(const std::vector<std::string>& trades) {
  std::string out = R"({"planId": "p", "mode": "paper", "trades": [)";
  for (size_t i = 0; i < trades.size(); ++i) out += (i ? "," : "") + trades[i];
  return out + "]}";
}

TEST(PlanTriggers, ReadsATriggerAndItsOcoGroup) {
  PlanParseResult r = ParsePlan(PlanOf({
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "below": 0.30,
                     "until": "2026-12-01T00:00:00Z"}, "oco": "exit-1")"),
      TriggeredTrade("SELL", R"(, "trigger": {"above": 0.655, "price": "mid"}, "oco": "exit-1")"),
      TriggeredTrade("BUY", R"(, "trigger": {"price": "bestAsk", "below": 0.30000000000000004})"),
      TriggeredTrade("BUY", ""),
  }));
  ASSERT_TRUE(r.ok()) << Paths(r);
  ASSERT_EQ(r.plan.trades.size(), 4u);
  const Trade& stop = r.plan.trades[0];
  ASSERT_TRUE(stop.trigger.has_value());
  EXPECT_EQ(stop.trigger->price, TriggerPrice::kBestBid);
  EXPECT_TRUE(stop.trigger->below);
  EXPECT_EQ(stop.trigger->level, 300'000);
  EXPECT_EQ(stop.trigger->level_text, "0.30");
  ASSERT_TRUE(stop.trigger->until.has_value());
  EXPECT_EQ(*stop.trigger->until,
            absl::FromCivil(absl::CivilSecond(2026, 12, 1, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(stop.oco, "exit-1");
  const Trade& take = r.plan.trades[1];
  ASSERT_TRUE(take.trigger.has_value());
  EXPECT_EQ(take.trigger->price, TriggerPrice::kMid);
  EXPECT_FALSE(take.trigger->below);
  EXPECT_EQ(take.trigger->level, 655'000);
  EXPECT_FALSE(take.trigger->until.has_value());
  EXPECT_EQ(take.oco, "exit-1");
  // Float noise in a level is read away, as in a price.
  ASSERT_TRUE(r.plan.trades[2].trigger.has_value());
  EXPECT_EQ(r.plan.trades[2].trigger->price, TriggerPrice::kBestAsk);
  EXPECT_EQ(r.plan.trades[2].trigger->level, 300'000);
  EXPECT_TRUE(r.plan.trades[2].oco.empty());
  EXPECT_FALSE(r.plan.trades[3].trigger.has_value());
  EXPECT_TRUE(r.warnings.empty());
}

TEST(PlanTriggers, RoundsALevelPastSixDecimalsWhereNoCrossingChanges) {
  PlanParseResult r = ParsePlan(PlanOf({
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "below": 0.3000005})"),
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "above": 0.3000005})"),
  }));
  ASSERT_TRUE(r.ok()) << Paths(r);
  EXPECT_EQ(r.plan.trades[0].trigger->level, 300'000);  // <= 0.3000005 is <= 0.300000
  EXPECT_EQ(r.plan.trades[1].trigger->level, 300'001);  // >= 0.3000005 is >= 0.300001

  // Unless it rounds onto 0 or 1, where no price could cross it.
  PlanParseResult edge = ParsePlan(PlanOf({
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "below": 0.0000004})"),
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "above": 0.9999996})"),
  }));
  std::string got = Paths(edge);
  EXPECT_THAT(got, HasSubstr("trades[0].trigger.below: must be between 0 and 1 (exclusive) at the "
                             "6 decimals prices carry: 0.0000004 rounds to 0"));
  EXPECT_THAT(got, HasSubstr("trades[1].trigger.above: must be between 0 and 1 (exclusive) at the "
                             "6 decimals prices carry: 0.9999996 rounds to 1"));
}

TEST(PlanTriggers, ReportsEachBrokenTriggerRuleWithItsPath) {
  PlanParseResult r = ParsePlan(PlanOf({
      TriggeredTrade("SELL", R"(, "trigger": {"price": "last", "below": 0.3, "when": 1})"),
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "below": 0.3, "above": 0.6})"),
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid"})"),
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "below": 1})"),
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "above": 0})"),
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "below": "0.3"})"),
      TriggeredTrade("SELL", R"(, "trigger": {"price": "bestBid", "below": 0.3,
                     "until": "tomorrow"})"),
      TriggeredTrade("SELL", R"(, "trigger": "bestBid < 0.3")"),
      TriggeredTrade("SELL", R"(, "trigger": {"below": 0.3})"),
  }));
  ASSERT_FALSE(r.ok());
  std::vector<std::string> paths;
  for (const auto& v : r.violations) paths.push_back(v.path);
  EXPECT_THAT(paths, ::testing::ElementsAre("trades[0].trigger.when", "trades[0].trigger.price",
                                            "trades[1].trigger.above", "trades[2].trigger",
                                            "trades[3].trigger.below", "trades[4].trigger.above",
                                            "trades[5].trigger.below", "trades[6].trigger.until",
                                            "trades[7].trigger", "trades[8].trigger.price"))
      << Paths(r);
  std::string got = Paths(r);
  EXPECT_THAT(got, HasSubstr("trades[0].trigger.when: is not a known field"));
  EXPECT_THAT(got, HasSubstr(R"(trades[0].trigger.price: must be "bestBid", "bestAsk" or "mid")"));
  EXPECT_THAT(got, HasSubstr("trades[1].trigger.above: cannot be combined with below"));
  EXPECT_THAT(got, HasSubstr(R"(trades[2].trigger: needs its level: "below" or "above")"));
  EXPECT_THAT(got, HasSubstr("trades[3].trigger.below: must be between 0 and 1 (exclusive)"));
  EXPECT_THAT(got, HasSubstr("trades[5].trigger.below: must be a number, got a string"));
  EXPECT_THAT(got, HasSubstr("trades[7].trigger: must be an object"));
  EXPECT_THAT(got, HasSubstr("trades[8].trigger.price: is required"));
  for (const Trade& t : r.plan.trades) EXPECT_FALSE(t.trigger.has_value());
}

TEST(PlanTriggers, AnOcoGroupIsExactlyTwoTriggeredTrades) {
  const std::string trigger = R"(, "trigger": {"price": "bestBid", "below": 0.3})";
  PlanParseResult r = ParsePlan(PlanOf({
      TriggeredTrade("SELL", trigger + R"(, "oco": "trio")"),       // 0
      TriggeredTrade("SELL", trigger + R"(, "oco": "alone")"),      // 1
      TriggeredTrade("SELL", R"(, "oco": "pair")"),                 // 2: no trigger
      TriggeredTrade("SELL", trigger + R"(, "oco": "pair")"),       // 3
      TriggeredTrade("SELL", trigger + R"(, "oco": "trio")"),       // 4
      TriggeredTrade("SELL", trigger + R"(, "oco": "trio")"),       // 5
      TriggeredTrade("SELL", trigger + R"(, "oco": "bad name!")"),  // 6
      TriggeredTrade("SELL", trigger + R"(, "oco": ")" + std::string(65, 'x') + "\""),  // 7
      TriggeredTrade("SELL", trigger + R"(, "oco": 7)"),                                // 8
  }));
  std::vector<std::string> paths;
  for (const auto& v : r.violations) paths.push_back(v.path);
  EXPECT_THAT(paths, ::testing::ElementsAre("trades[0].oco", "trades[1].oco", "trades[2].oco",
                                            "trades[4].oco", "trades[5].oco", "trades[6].oco",
                                            "trades[7].oco", "trades[8].oco"))
      << Paths(r);
  std::string got = Paths(r);
  EXPECT_THAT(got,
              HasSubstr(R"(trades[0].oco: OCO group "trio" must name exactly two trades, 3 do )"
                        "(trades[0], trades[4], trades[5])"));
  EXPECT_THAT(got, HasSubstr(R"(trades[1].oco: OCO group "alone" must name exactly two trades; )"
                             "this trade is its only one"));
  EXPECT_THAT(got, HasSubstr("trades[2].oco: needs a trigger"));
  EXPECT_THAT(got, HasSubstr("trades[6].oco: must be 1 to 64 letters"));
  EXPECT_THAT(got, HasSubstr("trades[7].oco: must be 1 to 64 letters"));
  EXPECT_THAT(got, HasSubstr("trades[8].oco: must be a string"));
  // trades[3] is a valid half of "pair": its partner is the one at fault.
  EXPECT_THAT(got, Not(HasSubstr("trades[3].")));
}

TEST(PlanTriggers, TheCanonicalTextCarriesTriggersAndOcoGroups) {
  auto canonical = [](const std::string& first, const std::string& second) {
    PlanParseResult r =
        ParsePlan(PlanOf({TriggeredTrade("SELL", first), TriggeredTrade("SELL", second)}));
    EXPECT_TRUE(r.ok()) << Paths(r);
    return CanonicalPlanText(r.plan);
  };
  const std::string stop = R"(, "trigger": {"price": "bestBid", "below": 0.3})";
  const std::string take = R"(, "trigger": {"price": "bestBid", "above": 0.6})";
  std::string base = canonical(stop + R"(, "oco": "x")", take + R"(, "oco": "x")");
  // Reformatting is not a change.
  EXPECT_EQ(base, canonical(R"(, "oco": "x", "trigger": {"below": 0.30, "price": "bestBid"})",
                            take + R"(, "oco": "x")"));
  for (const auto& [first, second] : std::vector<std::pair<std::string, std::string>>{
           {stop + R"(, "oco": "y")", take + R"(, "oco": "y")"},
           {stop, take},
           {R"(, "trigger": {"price": "bestAsk", "below": 0.3, "until": "2030-01-01T00:00:00Z"})",
            take},
           {R"(, "trigger": {"price": "bestAsk", "below": 0.3})", take},
           {R"(, "trigger": {"price": "bestBid", "below": 0.31})", take},
           {R"(, "trigger": {"price": "bestBid", "above": 0.3})", take},
           {"", ""},
       }) {
    EXPECT_NE(base, canonical(first, second)) << first << " / " << second;
  }
  // Until differs by its instant.
  EXPECT_NE(
      canonical(
          R"(, "trigger": {"price": "bestBid", "below": 0.3, "until": "2030-01-01T00:00:00Z"})",
          ""),
      canonical(
          R"(, "trigger": {"price": "bestBid", "below": 0.3, "until": "2030-01-02T00:00:00Z"})",
          ""));
}

// A plan of `n` trades whose side is "HOLD": one violation each.
std::string PlanWithBadSides(int n) {
  std::string out = R"({"planId": "many", "mode": "paper", "trades": [)";
  for (int i = 0; i < n; ++i) {
    out += std::string(i ? "," : "") + R"({"marketTokenId": "1001", "outcome": "YES", )" +
           R"("side": "HOLD", "orderType": "MARKET", "size": 1})";
  }
  return out + "]}";
}

TEST(PlanBounds, AHostilePlanOfSixteenMebibytesIsRefusedUnread) {
  // Most of it a single string: were it parsed, the refusal would name JSON, not the size.
  std::string plan = R"({"planId": "big", "notes": ")" + std::string(16 << 20, 'x') + R"("})";
  PlanParseResult r = ParsePlan(plan);
  ASSERT_EQ(r.violations.size(), 1u) << Paths(r);
  EXPECT_EQ(r.violations[0].path, "");
  EXPECT_THAT(r.violations[0].message, HasSubstr("the limit is 8388608 bytes (8 MiB)"));
}

TEST(PlanBounds, APlanThatIsNotUtf8IsRefusedWithTheOffset) {
  PlanParseResult r = ParsePlan("{\"planId\": \"p\xc3\", \"mode\": \"paper\"}");
  ASSERT_EQ(r.violations.size(), 1u) << Paths(r);
  EXPECT_THAT(r.violations[0].message, HasSubstr("not valid UTF-8: byte 0xc3 at offset 13"));
}

TEST(PlanBounds, DeepNestingManyValuesAndDuplicateKeysAreRefused) {
  std::string deep =
      R"({"planId": "deep", "notes": )" + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_THAT(Paths(ParsePlan(deep)), HasSubstr("nesting deeper than 16 levels"));

  std::string values = R"({"planId": "wide", "x": [)";
  for (size_t i = 0; i < kMaxPlanValues; ++i) values += i ? ",0" : "0";
  values += "]}";
  EXPECT_THAT(Paths(ParsePlan(values)), HasSubstr("more than 500000 values"));

  std::string dup = R"({"planId": "dup", "trades": [{)";
  for (int i = 0; i < 50'000; ++i) dup += "\"k" + std::to_string(i) + "\": 0,";
  dup += R"("k5": 1}]})";
  EXPECT_THAT(Paths(ParsePlan(dup)), HasSubstr("duplicate key \"k5\""));
}

TEST(PlanBounds, AThousandViolationsAreAllListedAndPastTheCapOneLineCountsTheRest) {
  PlanParseResult thousand = ParsePlan(PlanWithBadSides(1000));
  ASSERT_EQ(thousand.violations.size(), 1000u);
  EXPECT_EQ(thousand.violations[999].path, "trades[999].side");

  // 10,000 trades with two problems each: the first 10,000 are listed, then a count.
  std::string plan = PlanWithBadSides(kMaxTrades);
  for (size_t at = plan.find(R"("size": 1)"); at != std::string::npos;
       at = plan.find(R"("size": 1)", at + 1)) {
    plan.replace(at, 9, R"("size": 0)");
  }
  PlanParseResult capped = ParsePlan(plan);
  ASSERT_EQ(capped.violations.size(), kMaxViolations + 1);
  EXPECT_EQ(capped.violations.back().path, "");
  EXPECT_EQ(capped.violations.back().message,
            absl::StrCat("and ", size_t{2} * kMaxTrades - kMaxViolations, " more problems"));
}

TEST(PlanViolations, AStatusCarriesEveryViolationWhileItsMessageStaysShort) {
  std::vector<Violation> violations;
  violations.reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    violations.push_back({absl::StrCat("trades[", i, "].side"), "must be \"BUY\" or \"SELL\""});
  }
  absl::Status status =
      ViolationsError(absl::StatusCode::kInvalidArgument, "the plan is invalid", violations);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LE(status.message().size(), 1100u);
  EXPECT_THAT(std::string(status.message()),
              testing::StartsWith("the plan is invalid (1000 problems):\n  trades[0].side: "));
  EXPECT_THAT(std::string(status.message()), testing::EndsWith(" more"));
  std::vector<Violation> back = ViolationsOf(status);
  ASSERT_EQ(back.size(), violations.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].path, violations[i].path);
    EXPECT_EQ(back[i].message, violations[i].message);
  }
  EXPECT_TRUE(ViolationsOf(absl::InvalidArgumentError("plain")).empty());

  // A short list reads as it always did.
  absl::Status two = ViolationsError(absl::StatusCode::kInvalidArgument, "the plan is invalid",
                                     {{"planId", "is required"}, {"", "a plan"}});
  EXPECT_EQ(two.message(),
            "the plan is invalid (2 problems):\n  planId: is required\n  plan: a plan");
}

}  // namespace
}  // namespace betteroms::domain
