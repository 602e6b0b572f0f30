// Recorded market data (BETTEROMS_MARKET_DATA=snapshots:DIR): market metadata from
// DIR/markets/<token>.json, and the example books' metadata against the example plans.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "common/file.h"
#include "oms-server/domain/outcome.h"
#include "oms-server/domain/plan.h"
#include "oms-server/market/market_data.h"
#include "tests/support/process.h"
#include "tests/support/status_matchers.h"

namespace betteroms::market {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(SnapshotMarkets, ReadTheRecordedClobMarketsAnswerOfEachToken) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.File("markets"));
  dir.Write("markets/7.json",
            R"({"c": "0xabc", "t": [{"t": "7", "o": "Yes"}, {"t": 8, "o": "No"}], "mts": 0.01})");
  auto source = MakeMarketData("snapshots:" + dir.path(), "");
  ASSERT_THAT(source, IsOk());
  auto markets = (*source)->GetMarkets({"7", "8"});
  ASSERT_THAT(markets, IsOk());
  // Token 8 has no recording of its own, so it is unknown even though 7's market lists it.
  ASSERT_EQ(markets->size(), 1u);
  EXPECT_EQ(markets->at("7").condition_id, "0xabc");
  EXPECT_EQ(domain::VenueOutcome(*markets, "7"), "Yes");
  ASSERT_EQ(markets->at("7").tokens.size(), 2u);
  EXPECT_EQ(markets->at("7").tokens[1].token_id, "8");
}

TEST(SnapshotMarkets, AMalformedRecordingIsAnErrorNamingTheFile) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.File("markets"));
  dir.Write("markets/7.json", R"({"c": "0xabc", "t": [{"t": "7"}]})");
  auto source = MakeMarketData("snapshots:" + dir.path(), "");
  ASSERT_THAT(source, IsOk());
  EXPECT_THAT((*source)->GetMarkets({"7"}),
              StatusIs(absl::StatusCode::kUnknown,
                       HasSubstr("markets/7.json: clob market: t[0].o is not an outcome name")));
}

// Every example plan names its tokens' outcomes as the recorded example markets do, and every
// token it trades has a recording: the demo checks labels for real.
TEST(SnapshotMarkets, TheExamplePlansAgreeWithTheExampleMarkets) {
  const std::string examples = std::string(OMS_SOURCE_DIR) + "/examples";
  auto source = MakeMarketData("snapshots:" + examples + "/books", "");
  ASSERT_THAT(source, IsOk());
  int plans = 0;
  for (const auto& entry : std::filesystem::directory_iterator(examples)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name == "trade-plan.schema.json") continue;
    auto text = ReadFileText(entry.path().string());
    ASSERT_THAT(text, IsOk());
    domain::PlanParseResult parsed = domain::ParsePlan(*text);
    ASSERT_TRUE(parsed.ok()) << name;
    std::set<std::string> distinct;
    for (const domain::Trade& t : parsed.plan.trades) distinct.insert(t.token_id);
    auto markets = (*source)->GetMarkets({distinct.begin(), distinct.end()});
    ASSERT_THAT(markets, IsOk()) << name;
    for (const std::string& token : distinct) {
      EXPECT_EQ(markets->count(token), 1u) << name << ": no recorded market for " << token;
    }
    EXPECT_THAT(domain::CheckOutcomeLabels(parsed.plan, *markets), IsEmpty()) << name;
    ++plans;
  }
  EXPECT_GE(plans, 6);
}

}  // namespace
}  // namespace betteroms::market
