// The paper twin of every live order, through the real binaries: the paper engine's fill on the
// book the OMS read before sending, stored beside what the venue did, and how `omsctl runs show`
// tells the two apart. The fake venue matches against the token's current scripted book, so a
// book that moves between the OMS's read and the match makes the live fill differ from its twin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/db.h"
#include "tests/support/live_stack.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "1001";

class LiveTwinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
  }

  using Levels = std::vector<std::pair<std::string, std::string>>;

  // A stack whose venue lists kToken with `bids` and `asks` (best first), and an account with
  // $1,000 and 200 shares of kToken.
  static std::unique_ptr<LiveStack> Start(const Levels& bids, const Levels& asks) {
    auto stack = std::make_unique<LiveStack>();
    if (!stack->ok()) {
      ADD_FAILURE() << stack->error();
      return stack;
    }
    stack->clob().SetBook(kToken, VenueBookJson(kToken, bids, asks));
    stack->clob().SetMarket(VenueClobMarketJson("0xa1", {{kToken, "Yes"}, {"1002", "No"}}));
    stack->venue().SetCollateral(kLiveAddress, 1'000'000'000);
    stack->venue().SetConditional(kLiveAddress, kToken, 200'000'000);
    return stack;
  }

  static std::string Plan(const std::string& id, const std::string& mode,
                          const std::string& trade) {
    return R"({"planId": ")" + id + R"(", "mode": ")" + mode + R"(", "trades": [)" + trade + "]}";
  }
  static std::string Buy(const std::string& fields) {
    return R"({"marketTokenId": "1001", "outcome": "Yes", "side": "BUY", )" + fields + "}";
  }
  static std::string Sell(const std::string& fields) {
    return R"({"marketTokenId": "1001", "outcome": "Yes", "side": "SELL", )" + fields + "}";
  }

  static nlohmann::json Json(const CommandResult& r) {
    nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << "not JSON: " << r.out << r.err;
    return doc;
  }
  // The run summary `plan submit` prints.
  static nlohmann::json Submit(LiveStack& s, const std::string& plan) {
    CommandResult r = s.Omsctl({"-o", "json", "plan", "submit", "-"}, plan);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return Json(r);
  }
  // The plan's one order as the API shows it.
  static nlohmann::json OnlyOrder(LiveStack& s, const std::string& plan) {
    CommandResult r = s.Omsctl({"-o", "json", "orders", "list", "--plan", plan});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json orders = Json(r).value("orders", nlohmann::json::array());
    EXPECT_EQ(orders.size(), 1u) << orders.dump(1);
    return orders.empty() ? nlohmann::json::object() : orders[0];
  }
  // The cells of the first order row under "Paper twin vs live" in `runs show`'s text: cells are
  // two or more spaces apart.
  static std::vector<std::string> TwinRow(const std::string& text) {
    size_t at = text.find("Paper twin vs live\n");
    if (at == std::string::npos) return {};
    size_t header = text.find('\n', at) + 1;
    size_t row = text.find('\n', header) + 1;
    std::string line = text.substr(row, text.find('\n', row) - row);
    std::vector<std::string> cells;
    for (size_t i = line.find_first_not_of(' '); i < line.size();) {
      size_t gap = line.find("  ", i);
      std::string cell = line.substr(i, gap == std::string::npos ? std::string::npos : gap - i);
      if (!cell.empty()) cells.push_back(cell);
      if (gap == std::string::npos) break;
      i = line.find_first_not_of(' ', gap);
      if (i == std::string::npos) break;
    }
    return cells;
  }

  // The stored twin of the plan's order: its columns, and the hash and book of its snapshot.
  struct StoredTwin {
    std::string status, shares, notional, hash, book_json;
  };
  static StoredTwin Stored(LiveStack& s, const std::string& plan) {
    StoredTwin out;
    auto conn = s.db().Connect();
    auto res = conn->Exec("twin",
                          "SELECT o.twin_status, o.twin_filled_shares, o.twin_filled_notional, "
                          "b.hash, b.book_json::text FROM orders o "
                          "JOIN book_snapshots b ON b.id = o.twin_book_snapshot_id "
                          "WHERE o.plan_id = $1",
                          store::Params().Add(plan));
    EXPECT_TRUE(res.ok()) << res.status();
    if (!res.ok() || res->rows() != 1) {
      ADD_FAILURE() << "no stored twin with a snapshot for plan " << plan;
      return out;
    }
    out = {res->Text(0, 0), res->Text(0, 1), res->Text(0, 2), res->Text(0, 3), res->Text(0, 4)};
    return out;
  }
};

// (a) A market BUY of $76 against asks 0.50 x 100 and 0.52 x 100: 100 shares for $50, then 50 for
// $26. The venue matches the same book, so the live fill is the twin's to the micro-unit.
TEST_F(LiveTwinTest, AMarketBuyAcrossTwoLevelsFillsExactlyAsItsTwin) {
  auto s = Start({{"0.48", "100"}}, {{"0.50", "100"}, {"0.52", "100"}});
  ASSERT_TRUE(s->ok());
  nlohmann::json summary =
      Submit(*s, Plan("twin-exact", "live", Buy(R"("orderType": "MARKET", "size": 76)")));
  EXPECT_EQ(summary.value("status", ""), "completed") << summary.dump(1);
  EXPECT_TRUE(summary.value("hasTwin", false)) << summary.dump(1);
  EXPECT_EQ(summary.value("twinOrders", 0), 1);
  EXPECT_EQ(summary.value("twinFilledShares", ""), "150");
  EXPECT_EQ(summary.value("twinNotional", ""), "76");
  EXPECT_EQ(summary.value("twinLiveFilledShares", ""), "150");
  EXPECT_EQ(summary.value("twinLiveNotional", ""), "76");
  EXPECT_EQ(summary.value("twinOrdersCompared", 0), 1);
  EXPECT_EQ(summary.value("twinSlippageBps", ""), "0.00");

  nlohmann::json o = OnlyOrder(*s, "twin-exact");
  EXPECT_EQ(o.value("status", ""), "filled") << o.dump(1);
  EXPECT_EQ(o.value("filledShares", ""), "150");
  EXPECT_EQ(o.value("notional", ""), "76");
  EXPECT_EQ(o.value("twinStatus", ""), "filled") << o.dump(1);
  EXPECT_EQ(o.value("twinFilledShares", ""), "150");
  EXPECT_EQ(o.value("twinNotional", ""), "76");
  EXPECT_EQ(o.value("twinAvgPrice", ""), "0.506666");  // 76 / 150, rounded down
  EXPECT_EQ(o.value("twinAvgPrice", ""), o.value("avgFillPrice", "-"));
  EXPECT_EQ(o.value("twinPriceDiffBps", ""), "0.00");
  EXPECT_EQ(o.value("twinSizeDiff", ""), "0");

  // Stored beside the order, linked to the snapshot of the book it was priced on.
  StoredTwin stored = Stored(*s, "twin-exact");
  EXPECT_EQ(stored.status, "filled");
  EXPECT_EQ(stored.shares, "150000000");
  EXPECT_EQ(stored.notional, "76000000");
  EXPECT_FALSE(stored.hash.empty());
  EXPECT_EQ(stored.hash, o.value("twinBookHash", "")) << o.dump(1);
  EXPECT_THAT(stored.book_json, HasSubstr("\"0.50\""));

  CommandResult shown = s->Omsctl({"runs", "show", "twin-exact"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out,
              HasSubstr("Paper twin: 150 shares for $76.00; live: 150 for $76.00; slippage "
                        "0.00 bps ($0.00) over 1 order filled on both"))
      << shown.out;
  EXPECT_THAT(shown.out, HasSubstr("Paper twin vs live")) << shown.out;
  EXPECT_THAT(
      TwinRow(shown.out),
      ::testing::ElementsAre(o.value("id", std::string()), "0", "BUY", "MARKET", kToken, "filled",
                             "150 @ 0.506666", "filled", "150 @ 0.506666", "0.00", "0"))
      << shown.out;
}

// (b) The book moves between the OMS's read and the venue's match. The OMS prices a FOK SELL of
// 150 shares (limit 0.40) on bids 0.48 x 100, 0.46 x 100 — twin: 100 x 0.48 + 50 x 0.46 = $71.00,
// average 0.473333 — and the venue matches it on the next step of the token's script, bids
// 0.47 x 100, 0.45 x 100: 100 x 0.47 + 50 x 0.45 = $69.50, average 0.463333. Live received
// 1.50 / 71.00 = 2.112676% less per share: +211.27 bps (worse for the trader), $1.50 of
// slippage, the same 150 shares.
TEST_F(LiveTwinTest, ABookThatMovesBeforeTheMatchShowsTheLiveFillWorseThanItsTwin) {
  auto s = Start({{"0.48", "100"}, {"0.46", "100"}}, {{"0.52", "100"}});
  ASSERT_TRUE(s->ok());
  s->clob().AppendBook(
      kToken, VenueBookJson(kToken, {{"0.47", "100"}, {"0.45", "100"}}, {{"0.52", "100"}}));
  int reads = s->clob().Count("book");
  nlohmann::json summary =
      Submit(*s, Plan("twin-moved", "live",
                      Sell(R"("orderType": "LIMIT", "price": 0.40, "size": 150, )"
                           R"("sizeUnit": "SHARES", "timeInForce": "FOK")")));
  // One read before sending: the match took the script's second step.
  EXPECT_EQ(s->clob().Count("book") - reads, 1);
  EXPECT_EQ(summary.value("twinSlippageBps", ""), "211.27") << summary.dump(1);
  EXPECT_EQ(summary.value("twinSlippageCost", ""), "1.5");
  EXPECT_EQ(summary.value("twinComparedNotional", ""), "71");
  EXPECT_EQ(summary.value("twinNotional", ""), "71");
  EXPECT_EQ(summary.value("twinLiveNotional", ""), "69.5");

  nlohmann::json o = OnlyOrder(*s, "twin-moved");
  EXPECT_EQ(o.value("status", ""), "filled") << o.dump(1);
  EXPECT_EQ(o.value("filledShares", ""), "150");
  EXPECT_EQ(o.value("notional", ""), "69.5");
  EXPECT_EQ(o.value("avgFillPrice", ""), "0.463333");
  EXPECT_EQ(o.value("twinStatus", ""), "filled");
  EXPECT_EQ(o.value("twinFilledShares", ""), "150");
  EXPECT_EQ(o.value("twinNotional", ""), "71");
  EXPECT_EQ(o.value("twinAvgPrice", ""), "0.473333");
  EXPECT_EQ(o.value("twinPriceDiffBps", ""), "211.27") << o.dump(1);
  EXPECT_EQ(o.value("twinSizeDiff", ""), "0");

  // The twin points at the book the OMS read, not the one the venue matched.
  StoredTwin stored = Stored(*s, "twin-moved");
  EXPECT_THAT(stored.book_json, HasSubstr("\"0.48\""));
  EXPECT_THAT(stored.book_json, Not(HasSubstr("\"0.47\"")));

  CommandResult shown = s->Omsctl({"runs", "show", "twin-moved"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("Paper twin: 150 shares for $71.00; live: 150 for $69.50; "
                                   "slippage +211.27 bps ($1.50)"))
      << shown.out;
  EXPECT_THAT(
      TwinRow(shown.out),
      ::testing::ElementsAre(o.value("id", std::string()), "0", "SELL", "LIMIT", kToken, "filled",
                             "150 @ 0.473333", "filled", "150 @ 0.463333", "+211.27", "0"))
      << shown.out;
}

// (c) A GTC BUY below the asks rests on both sides: twin and live open, nothing filled, no price
// difference. A paper plan's order has no twin at all.
TEST_F(LiveTwinTest, ARestingOrderIsOpenOnBothSidesWithNoPriceDifference) {
  auto s = Start({{"0.48", "100"}}, {{"0.50", "100"}, {"0.52", "100"}});
  ASSERT_TRUE(s->ok());
  nlohmann::json summary = Submit(
      *s, Plan("twin-rest", "live", Buy(R"("orderType": "LIMIT", "price": 0.40, "size": 10)")));
  EXPECT_TRUE(summary.value("hasTwin", false)) << summary.dump(1);
  EXPECT_EQ(summary.value("twinOrders", 0), 1);
  EXPECT_EQ(summary.value("twinOrdersCompared", 0), 0);
  EXPECT_EQ(summary.value("twinSlippageBps", "-"), "") << summary.dump(1);

  nlohmann::json o = OnlyOrder(*s, "twin-rest");
  EXPECT_EQ(o.value("status", ""), "open") << o.dump(1);
  EXPECT_EQ(o.value("venueStatus", ""), "live");
  EXPECT_EQ(o.value("twinStatus", ""), "open") << o.dump(1);
  EXPECT_EQ(o.value("twinFilledShares", ""), "0");
  EXPECT_EQ(o.value("twinAvgPrice", "-"), "") << o.dump(1);
  EXPECT_EQ(o.value("twinPriceDiffBps", "-"), "") << o.dump(1);
  EXPECT_EQ(o.value("twinSizeDiff", ""), "0");
  EXPECT_EQ(Stored(*s, "twin-rest").status, "open");

  CommandResult shown = s->Omsctl({"runs", "show", "twin-rest"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("Paper twin: 0 shares for $0.00; live: 0 for $0.00\n"))
      << shown.out;
  EXPECT_THAT(TwinRow(shown.out),
              ::testing::ElementsAre(o.value("id", std::string()), "0", "BUY", "LIMIT", kToken,
                                     "open", "0", "open", "0", "-", "0"))
      << shown.out;

  nlohmann::json paper =
      Submit(*s, Plan("twin-paper", "paper", Buy(R"("orderType": "MARKET", "size": 10)")));
  EXPECT_FALSE(paper.value("hasTwin", true)) << paper.dump(1);
  nlohmann::json p = OnlyOrder(*s, "twin-paper");
  EXPECT_EQ(p.value("status", ""), "filled") << p.dump(1);
  EXPECT_EQ(p.value("twinStatus", "-"), "") << p.dump(1);
  CommandResult paper_shown = s->Omsctl({"runs", "show", "twin-paper"});
  EXPECT_THAT(paper_shown.out, Not(HasSubstr("Paper twin"))) << paper_shown.out;
}

}  // namespace
}  // namespace betteroms::test
