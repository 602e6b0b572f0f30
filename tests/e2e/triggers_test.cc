// Price triggers end to end: plans with stop-losses and take-profits submitted through omsctl to
// the real oms-server, ticks run as the CronJob runs them, against the fake CLOB's moving books
// (a token's script advances one step per read). Paper through the regular stack; live through the
// verifying fake venue and the real signer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "common/time.h"
#include "tests/support/live_fixture.h"
#include "tests/support/plans.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kYes =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";

// A book of kYes with one bid and one ask level, 100 shares each.
std::string Book(const std::string& bid, const std::string& ask) {
  return VenueBookJson(kYes, {{bid, "100"}}, {{ask, "100"}});
}

// Trade objects of the plans below.
std::string BuyShares(const std::string& shares) {
  return TradeJson(kYes, "BUY", "MARKET", shares, R"(, "sizeUnit": "SHARES")");
}
// `extra` goes inside the trigger object; `oco` names its group.
std::string StopLoss(const std::string& shares, const std::string& below,
                     const std::string& extra = "", const std::string& oco = "") {
  return TradeJson(kYes, "SELL", "MARKET", shares,
                   R"(, "sizeUnit": "SHARES", "trigger": {"price": "bestBid", "below": )" + below +
                       extra + "}" + (oco.empty() ? "" : R"(, "oco": ")" + oco + "\""));
}
std::string TakeProfit(const std::string& shares, const std::string& above) {
  return TradeJson(kYes, "SELL", "LIMIT", shares,
                   R"(, "sizeUnit": "SHARES", "price": )" + above +
                       R"(, "trigger": {"price": "bestBid", "above": )" + above +
                       R"(}, "oco": "exit")");
}

json Parse(const CommandResult& r) {
  json doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << "not JSON: " << r.out << r.err;
  return doc;
}

// int64 fields come as strings in the API's JSON.
int64_t Int(const json& j, const char* key) {
  if (!j.contains(key)) return 0;
  return j[key].is_string() ? std::stoll(j[key].get<std::string>()) : j[key].get<int64_t>();
}

class TriggersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    stack_ = std::make_unique<Stack>();
    ASSERT_TRUE(stack_->ok()) << stack_->error();
  }

  json Submit(const std::string& id, const std::vector<std::string>& trades) {
    CommandResult r = stack_->Omsctl({"-o", "json", "plan", "submit", "-"}, PlanJson(id, trades));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return Parse(r);
  }
  std::string Tick() {
    CommandResult r = stack_->Omsctl({"tick"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r.out;
  }
  // The plan's triggers, by trade.
  json Triggers(const std::string& plan) {
    CommandResult r = stack_->Omsctl({"-o", "json", "triggers", "list", "--plan", plan});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Parse(r).value("triggers", json::array());
  }
  // The plan's orders, by trade.
  json Orders(const std::string& plan) {
    CommandResult r = stack_->Omsctl({"-o", "json", "orders", "list", "--plan", plan});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json orders = Parse(r).value("orders", json::array());
    std::sort(orders.begin(), orders.end(), [](const json& a, const json& b) {
      return a.value("tradeIndex", 0) < b.value("tradeIndex", 0);
    });
    return orders;
  }
  int64_t Count(const std::string& sql) {
    return stack_->db().Connect()->Exec("c", sql)->Row(0).Int(0);
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(TriggersTest, AStopLossFiresOnceWhenTheBidFallsAndSellsThePosition) {
  // The submission reads the first book, each tick the next; the last one stays.
  stack_->clob().SetBook(kYes, Book("0.48", "0.50"));
  stack_->clob().AppendBook(kYes, Book("0.45", "0.47"));
  stack_->clob().AppendBook(
      kYes, VenueBookJson(kYes, {{"0.38", "100"}, {"0.37", "100"}}, {{"0.41", "100"}}));
  json run = Submit("stop", {BuyShares("10"), StopLoss("10", "0.40")});
  EXPECT_EQ(run.value("triggersArmed", 0), 1) << run.dump(1);
  EXPECT_EQ(run.value("ordersPlaced", 0), 1);
  ASSERT_EQ(Orders("stop").size(), 1u);  // the stop-loss is armed, not placed

  std::string quiet = Tick();  // best bid 0.45: above the level
  EXPECT_THAT(quiet, HasSubstr("triggers: 0 fired, 0 expired, 0 cancelled of 1 armed"));
  EXPECT_EQ(Triggers("stop")[0].value("status", ""), "armed");

  std::string fired = Tick();  // best bid 0.38: at or below 0.40
  EXPECT_THAT(fired, HasSubstr("triggers: 1 fired"));
  json t = Triggers("stop")[0];
  EXPECT_EQ(t.value("status", ""), "fired") << t.dump(1);
  EXPECT_EQ(t.value("firedPrice", ""), "0.38");
  EXPECT_FALSE(t.value("firedBookHash", "").empty());
  EXPECT_FALSE(t.value("firedAt", "").empty());
  json orders = Orders("stop");
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(Int(t, "orderId"), Int(orders[1], "id"));
  EXPECT_EQ(orders[1].value("side", ""), "SELL");
  EXPECT_EQ(orders[1].value("status", ""), "filled") << orders[1].dump(1);
  EXPECT_EQ(orders[1].value("filledShares", ""), "10");
  EXPECT_EQ(orders[1]["fills"][0].value("price", ""), "0.38");
  // The book the trigger saw is the one its fill was priced on.
  EXPECT_EQ(orders[1]["fills"][0].value("bookHash", ""), t.value("firedBookHash", ""));

  // The book stays below the level: a later tick sells nothing more.
  std::string after = Tick();
  EXPECT_THAT(after, Not(HasSubstr("fired")));
  EXPECT_EQ(Orders("stop").size(), 2u);
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE side = 'SELL'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM ticks"), 3);

  CommandResult pos = stack_->Omsctl({"-o", "json", "positions", "--mode", "paper"});
  ASSERT_EQ(pos.exit_code, 0) << pos.err;
  EXPECT_THAT(pos.out, HasSubstr("\"netShares\": \"0\""));
  CommandResult show = stack_->Omsctl({"runs", "show", "stop"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("Price triggers"));
  EXPECT_THAT(show.out, HasSubstr("fired"));
  EXPECT_THAT(show.out, HasSubstr("0.38"));
}

TEST_F(TriggersTest, AShareSellFindingFewerSharesSellsWhatIsHeldAndSaysSo) {
  stack_->clob().SetBook(kYes, Book("0.48", "0.50"));
  Submit("short", {BuyShares("6"), StopLoss("10", "0.40")});
  stack_->clob().SetBook(kYes, Book("0.38", "0.41"));
  EXPECT_THAT(Tick(), HasSubstr("triggers: 1 fired"));
  json t = Triggers("short")[0];
  EXPECT_THAT(t.value("reason", ""), HasSubstr("held")) << t.dump(1);
  json orders = Orders("short");
  ASSERT_EQ(orders.size(), 2u) << t.dump(1);
  EXPECT_EQ(orders[1].value("filledShares", ""), "6") << orders[1].dump(1);
  EXPECT_EQ(Int(t, "orderId"), Int(orders[1], "id"));
}

TEST_F(TriggersTest, ATradeThatCannotBePlacedFiresOnceWithTheReason) {
  stack_->clob().SetBook(kYes, Book("0.48", "0.50"));
  Submit("none", {BuyShares("6"), StopLoss("10", "0.40")});
  // The position is sold by another plan first: the stop-loss finds nothing to sell.
  Submit("sold", {TradeJson(kYes, "SELL", "MARKET", "6", R"(, "sizeUnit": "SHARES")")});
  stack_->clob().SetBook(kYes, Book("0.38", "0.41"));
  EXPECT_THAT(Tick(), HasSubstr("triggers: 1 fired"));
  json t = Triggers("none")[0];
  EXPECT_EQ(t.value("status", ""), "fired") << t.dump(1);
  EXPECT_THAT(t.value("reason", ""), HasSubstr("not placed")) << t.dump(1);
  EXPECT_EQ(Int(t, "orderId"), 0);
  EXPECT_EQ(Orders("none").size(), 1u);
  EXPECT_THAT(Tick(), Not(HasSubstr("fired")));  // once
}

TEST_F(TriggersTest, ATakeProfitFiresAndCancelsItsOcoPartner) {
  stack_->clob().SetBook(kYes, Book("0.48", "0.50"));
  json run =
      Submit("tp", {BuyShares("10"), StopLoss("10", "0.40", "", "exit"), TakeProfit("10", "0.6")});
  EXPECT_EQ(run.value("triggersArmed", 0), 2) << run.dump(1);

  stack_->clob().SetBook(kYes, Book("0.62", "0.64"));
  std::string out = Tick();
  EXPECT_THAT(out, HasSubstr("triggers: 1 fired, 0 expired, 1 cancelled of 2 armed"));
  json triggers = Triggers("tp");
  ASSERT_EQ(triggers.size(), 2u);
  EXPECT_EQ(triggers[0].value("status", ""), "cancelled") << triggers.dump(1);
  EXPECT_THAT(triggers[0].value("reason", ""), HasSubstr("OCO"));
  EXPECT_EQ(triggers[1].value("status", ""), "fired");
  EXPECT_EQ(triggers[1].value("firedPrice", ""), "0.62");
  json orders = Orders("tp");
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[1].value("tradeIndex", 0), 2);
  EXPECT_EQ(orders[1].value("status", ""), "filled") << orders[1].dump(1);
  EXPECT_EQ(orders[1]["fills"][0].value("price", ""), "0.62");  // the bids, at or above 0.60

  // The stop-loss was cancelled: the bid falling through it later places nothing.
  stack_->clob().SetBook(kYes, Book("0.30", "0.32"));
  EXPECT_THAT(Tick(), Not(HasSubstr("fired")));
  EXPECT_EQ(Orders("tp").size(), 2u);
  EXPECT_EQ(Triggers("tp")[0].value("status", ""), "cancelled");
}

TEST_F(TriggersTest, ATriggerPastItsUntilExpiresUnfiredEvenIfThePriceCrosses) {
  stack_->clob().SetBook(kYes, Book("0.48", "0.50"));
  std::string until = FormatRfc3339(absl::Now() + absl::Seconds(2));
  Submit("exp", {BuyShares("10"), StopLoss("10", "0.40", R"(, "until": ")" + until + "\"")});
  EXPECT_THAT(Tick(), HasSubstr("0 fired, 0 expired, 0 cancelled of 1 armed"));
  absl::SleepFor(absl::Seconds(2.5));
  stack_->clob().SetBook(kYes, Book("0.30", "0.32"));
  std::string out = Tick();
  EXPECT_THAT(out, HasSubstr("0 fired, 1 expired"));
  json t = Triggers("exp")[0];
  EXPECT_EQ(t.value("status", ""), "expired") << t.dump(1);
  EXPECT_FALSE(t.value("reason", "").empty());
  EXPECT_EQ(Orders("exp").size(), 1u);
  CommandResult tick = stack_->Omsctl({"-o", "json", "tick"});
  EXPECT_EQ(Parse(tick).value("triggersExpired", 0), 0);  // once
}

TEST_F(TriggersTest, TwoTicksRacingOverOneTriggerPlaceOneOrder) {
  stack_->clob().SetBook(kYes, Book("0.48", "0.50"));
  Submit("race", {BuyShares("10"), StopLoss("10", "0.40")});
  stack_->clob().SetBook(kYes, Book("0.38", "0.41"));
  stack_->clob().SetDelayMs(300);  // both ticks are in flight together
  CommandResult a, b;
  std::thread first([&] { a = stack_->Omsctl({"-o", "json", "tick"}); });
  std::thread second([&] { b = stack_->Omsctl({"-o", "json", "tick"}); });
  first.join();
  second.join();
  stack_->clob().SetDelayMs(0);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(Parse(a).value("triggersFired", 0) + Parse(b).value("triggersFired", 0), 1)
      << a.out << b.out;
  Tick();
  EXPECT_EQ(Orders("race").size(), 2u);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE plan_id = 'race' AND trade_index = 1"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE side = 'SELL'"), 1);
  EXPECT_EQ(Triggers("race")[0].value("status", ""), "fired");
}

TEST_F(TriggersTest, ACancelledTriggerNeverFiresAndOnlyAnArmedOneCanBeCancelled) {
  stack_->clob().SetBook(kYes, Book("0.48", "0.50"));
  Submit("cancel", {BuyShares("10"), StopLoss("10", "0.40")});
  int64_t id = Int(Triggers("cancel")[0], "id");
  CommandResult cancelled = stack_->Omsctl({"triggers", "cancel", std::to_string(id)});
  EXPECT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_THAT(cancelled.out, HasSubstr("cancelled"));
  stack_->clob().SetBook(kYes, Book("0.30", "0.32"));
  Tick();
  EXPECT_EQ(Orders("cancel").size(), 1u);
  json t = Triggers("cancel")[0];
  EXPECT_EQ(t.value("status", ""), "cancelled");
  EXPECT_EQ(t.value("reason", ""), "cancelled by the trader");

  CommandResult again = stack_->Omsctl({"triggers", "cancel", std::to_string(id)});
  EXPECT_EQ(again.exit_code, 1);  // FAILED_PRECONDITION
  EXPECT_THAT(again.err, HasSubstr("not armed"));
  CommandResult unknown = stack_->Omsctl({"triggers", "cancel", "987654"});
  EXPECT_EQ(unknown.exit_code, 2);  // NOT_FOUND
  CommandResult listed = stack_->Omsctl({"triggers", "list", "--status", "cancelled"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("cancel"));
  EXPECT_THAT(listed.out, HasSubstr("SELL 10 shares MARKET"));
}

TEST_F(TriggersTest, AClosedMarketCancelsItsTriggers) {
  stack_->clob().SetMarket(VenueClobMarketJson("0xc1", {{kYes, "YES"}, {"7", "NO"}}));
  stack_->clob().SetBook(kYes, Book("0.48", "0.50"));
  Submit("closed", {BuyShares("10"), StopLoss("10", "0.40")});
  ASSERT_TRUE(stack_->clob().venue().Resolve("0xc1", kYes).ok());
  std::string out = Tick();
  EXPECT_THAT(out, HasSubstr("1 cancelled"));
  json t = Triggers("closed")[0];
  EXPECT_EQ(t.value("status", ""), "cancelled") << t.dump(1);
  EXPECT_THAT(t.value("reason", ""), HasSubstr("market closed"));
}

// Live: the trigger's trade is journalled, signed and posted once, as a submitted trade is.
class LiveTriggersTest : public LiveFixture {
 protected:
  static std::string SellB(const std::string& shares, const std::string& below) {
    return R"({"marketTokenId": ")" + std::string(kTokenB) +
           R"(", "outcome": "Yes", "side": "SELL", "orderType": "MARKET", "size": )" + shares +
           R"(, "sizeUnit": "SHARES", "trigger": {"price": "bestBid", "below": )" + below + "}}";
  }
  static void DropBidOfB(LiveStack& s) {
    s.clob().SetBook(kTokenB,
                     VenueBookJson(kTokenB, {{"0.54", "100"}, {"0.53", "100"}}, {{"0.62", "100"}}));
  }
  static std::string Tick(LiveStack& s) {
    CommandResult r = s.Omsctl({"tick"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r.out;
  }
  static json LiveTriggers(LiveStack& s, const std::string& plan) {
    CommandResult r = s.Omsctl({"-o", "json", "triggers", "list", "--plan", plan});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json(r).value("triggers", json::array());
  }
};

TEST_F(LiveTriggersTest, ALiveTriggerPlacesExactlyOneOrderAtTheVenue) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  CommandResult r =
      s->Omsctl({"-o", "json", "plan", "submit", "-"}, Plan("live-stop", {SellB("20", "0.55")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json run = Json(r);
  EXPECT_EQ(run.value("status", ""), "completed") << run.dump(1);
  EXPECT_EQ(run.value("triggersArmed", 0), 1);
  EXPECT_EQ(s->venue().OrderPosts(), 0);  // armed: nothing signed or sent

  Tick(*s);  // best bid 0.60: waits
  EXPECT_EQ(s->venue().OrderPosts(), 0);
  DropBidOfB(*s);
  CommandResult fired = s->Omsctl({"-o", "json", "tick"});
  ASSERT_EQ(fired.exit_code, 0) << fired.err;
  EXPECT_EQ(Json(fired).value("triggersFired", 0), 1) << fired.out;
  EXPECT_EQ(s->venue().OrderPosts(), 1);
  EXPECT_EQ(VenueOrders(*s), 1u);

  json t = LiveTriggers(*s, "live-stop")[0];
  EXPECT_EQ(t.value("status", ""), "fired") << t.dump(1);
  EXPECT_EQ(t.value("firedPrice", ""), "0.54");
  json orders = Orders(*s, "live-stop");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(Int(t, "orderId"), Int(orders[0], "id"));
  EXPECT_EQ(orders[0].value("status", ""), "filled") << orders[0].dump(1);
  EXPECT_EQ(s->venue().PostsOf(orders[0].value("orderHash", "")), 1);

  Tick(*s);  // still below: nothing more
  EXPECT_EQ(s->venue().OrderPosts(), 1);
  EXPECT_EQ(Orders(*s, "live-stop").size(), 1u);
  CommandResult show = s->Omsctl({"runs", "show", "live-stop"});
  EXPECT_THAT(show.out, HasSubstr("Price triggers"));
}

TEST_F(LiveTriggersTest, ATriggerArmedBeforeARestartFiresAfterIt) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  CommandResult r = s->Omsctl({"plan", "submit", "-"}, Plan("restart", {SellB("10", "0.55")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Killed, not stopped: nothing but the database remembers the trigger.
  ::kill(s->server().pid(), SIGKILL);
  s->server().Wait(10'000);
  ASSERT_TRUE(s->RestartServer()) << s->error();
  DropBidOfB(*s);
  EXPECT_THAT(Tick(*s), HasSubstr("triggers: 1 fired"));
  EXPECT_EQ(s->venue().OrderPosts(), 1);
  EXPECT_EQ(LiveTriggers(*s, "restart")[0].value("status", ""), "fired");
  Tick(*s);
  EXPECT_EQ(s->venue().OrderPosts(), 1);
}

}  // namespace
}  // namespace betteroms::test
