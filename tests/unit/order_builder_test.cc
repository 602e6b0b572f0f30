#include "oms-server/domain/order_builder.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "tests/support/vectors.h"

namespace betteroms::domain {
namespace {

struct Outcome {
  int checked = 0;
  std::vector<std::string> failures;
};

// Runs every case of one vector list and collects mismatches (with the source, for a person).
Outcome Check(const JsonValue& cases) {
  Outcome out;
  for (const JsonValue& v : cases.items) {
    auto tick = ParseMicros(v.StringOr("tickSize"));
    auto rc = RoundingForTick(*tick);
    if (!rc) {
      out.failures.push_back("unknown tick " + v.StringOr("tickSize"));
      continue;
    }
    Side side = v.StringOr("side") == "BUY" ? Side::kBuy : Side::kSell;
    int64_t price = *ParseJsonNumberMicros(v.Find("price")->text);
    bool limit = v.StringOr("kind") == "limit";
    int64_t qty = *ParseJsonNumberMicros(v.Find(limit ? "size" : "amount")->text);
    Amounts a = limit ? LimitOrderAmounts(side, price, qty, *rc)
                      : MarketOrderAmounts(side, price, qty, *rc);
    const JsonValue* expected = v.Find("expected");
    std::string maker = expected->StringOr("makerAmount");
    std::string taker = expected->StringOr("takerAmount");
    ++out.checked;
    if (std::to_string(a.maker) != maker || std::to_string(a.taker) != taker) {
      out.failures.push_back(absl::StrCat(
          v.StringOr("source", "generated"), " ", v.StringOr("kind"), " ", v.StringOr("side"),
          " p=", v.Find("price")->text, " q=", v.Find(limit ? "size" : "amount")->text, " tick=",
          v.StringOr("tickSize"), ": want ", maker, "/", taker, " got ", a.maker, "/", a.taker));
    }
  }
  return out;
}

TEST(OrderBuilder, MatchesEveryUpstreamAmountVector) {
  Outcome o = Check(*test::LoadVectors("amounts.json").Find("upstream"));
  EXPECT_EQ(o.checked, 148);
  for (const auto& f : o.failures) ADD_FAILURE() << f;
}

TEST(OrderBuilder, MatchesEveryGeneratedAmountVector) {
  Outcome o = Check(*test::LoadVectors("amounts.json").Find("generated"));
  EXPECT_EQ(o.checked, 6200);
  for (size_t i = 0; i < o.failures.size() && i < 20; ++i) ADD_FAILURE() << o.failures[i];
  EXPECT_EQ(o.failures.size(), 0u);
}

TEST(OrderBuilder, KnowsTheSixTickSizes) {
  for (int64_t tick : {100'000, 10'000, 5'000, 2'500, 1'000, 100}) {
    EXPECT_TRUE(RoundingForTick(tick).has_value()) << tick;
  }
  EXPECT_FALSE(RoundingForTick(20'000).has_value());
}

TEST(OrderBuilder, UpstreamExamplesFromTheProtocolNotes) {
  RoundConfig rc = *RoundingForTick(10'000);
  Amounts limit = LimitOrderAmounts(Side::kBuy, 560'000, 21'040'000, rc);
  EXPECT_EQ(limit.maker, 11'782'400);
  EXPECT_EQ(limit.taker, 21'040'000);
  Amounts market = MarketOrderAmounts(Side::kBuy, 560'000, 100'000'000, rc);
  EXPECT_EQ(market.maker, 100'000'000);
  EXPECT_EQ(market.taker, 178'571'400);
}

}  // namespace
}  // namespace betteroms::domain
