#include "oms-server/domain/outcome.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace betteroms::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

constexpr char kYes[] =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";
constexpr char kNo[] =
    "52114319501245915516055106046884209969926127482827954674443846427813813222426";
constexpr char kOther[] =
    "21742633143463906290569050155826241533067272736897614950488156847949938836455";

// Both tokens of one market, keyed by token as MarketData::GetMarkets returns them.
std::map<std::string, MarketInfo> OneMarket() {
  MarketInfo market{"0x5f65", {{kYes, "Yes"}, {kNo, "No"}}};
  return {{kYes, market}, {kNo, market}};
}

Plan PlanOf(const std::vector<std::pair<std::string, std::string>>& token_labels) {
  Plan plan;
  plan.plan_id = "p-1";
  for (const auto& [token, label] : token_labels) {
    Trade t;
    t.token_id = token;
    t.outcome = label;
    plan.trades.push_back(t);
  }
  return plan;
}

TEST(OutcomeLabels, AcceptTheVenuesOutcomeAsWritten) {
  EXPECT_THAT(CheckOutcomeLabels(PlanOf({{kYes, "Yes"}, {kNo, "No"}}), OneMarket()), IsEmpty());
}

TEST(OutcomeLabels, IgnoreCaseAndSurroundingBlanks) {
  EXPECT_THAT(CheckOutcomeLabels(PlanOf({{kYes, "YES"}, {kNo, " no\t"}}), OneMarket()), IsEmpty());
}

TEST(OutcomeLabels, ReportALabelThatNamesTheOtherOutcomeWithBothNames) {
  std::vector<Violation> v = CheckOutcomeLabels(PlanOf({{kNo, "YES"}}), OneMarket());
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].path, "trades[0].outcome");
  EXPECT_EQ(v[0].message, std::string("outcome \"YES\" does not match token ") + kNo +
                              "'s outcome on the venue, \"No\"");
}

TEST(OutcomeLabels, LeaveTokensWithoutAKnownMarketUnchecked) {
  EXPECT_THAT(CheckOutcomeLabels(PlanOf({{kOther, "MAYBE"}}), OneMarket()), IsEmpty());
  // A market that does not list the token says nothing about it either.
  std::map<std::string, MarketInfo> odd{{kOther, MarketInfo{"0x9c1a", {{kYes, "Yes"}}}}};
  EXPECT_THAT(CheckOutcomeLabels(PlanOf({{kOther, "MAYBE"}}), odd), IsEmpty());
}

TEST(OutcomeLabels, ReportEveryWrongTradeAtItsOwnPath) {
  Plan plan =
      PlanOf({{kYes, "YES"}, {kYes, "NO"}, {kOther, "YES"}, {kNo, "No"}, {kNo, "Yes please"}});
  EXPECT_THAT(CheckOutcomeLabels(plan, OneMarket()),
              ElementsAre(Field(&Violation::path, "trades[1].outcome"),
                          Field(&Violation::path, "trades[4].outcome")));
}

TEST(OutcomeLabels, NameTheVenuesOutcomeOfAKnownTokenOnly) {
  EXPECT_EQ(VenueOutcome(OneMarket(), kNo), "No");
  EXPECT_EQ(VenueOutcome(OneMarket(), kOther), "");
  EXPECT_EQ(VenueOutcome({}, kYes), "");
}

TEST(Resolutions, PayTheWinnerOneTheOthersZeroAndNothingKnownWithoutAWinner) {
  MarketResolution won{true, std::string(kYes)};
  EXPECT_EQ(PayoutOf(kYes, won), 1'000'000);
  EXPECT_EQ(PayoutOf(kNo, won), 0);
  EXPECT_EQ(PayoutOf(kYes, MarketResolution{true, std::nullopt}), std::nullopt);
  EXPECT_EQ(PayoutOf(kYes, MarketResolution{false, std::string(kYes)}), std::nullopt);  // open
}

}  // namespace
}  // namespace betteroms::domain
