// Live trading through the real binaries: oms-server --live, oms-signer over mTLS, PostgreSQL and
// the fake venue that verifies what Polymarket verifies (signatures, HMAC, tick, size, balance).
// Each test proves one promise of the journal: every order is placed exactly once, or not at all
// with a reason, whatever fails on the way.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/support/live_fixture.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class LiveTradingTest : public LiveFixture {};

TEST_F(LiveTradingTest, APlanPlacesEachOrderOnceAndStopsAtTheFirstRefusal) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  std::string plan =
      Plan("live-mixed",
           {MarketBuy(kTokenA, "75"),                                    // FOK across 0.50 and 0.52
            LimitBuy(kTokenA, "10", "0.40"),                             // rests
            R"({"marketTokenId": "2002", "outcome": "Yes", "side": "SELL", "orderType": "MARKET",
           "size": 10, "sizeUnit": "SHARES"})",                          // sells into 0.60
            LimitBuy(kTokenB, "10", "0.65", R"(, "postOnly": true)")});  // would cross: refused
  CommandResult r = s->Omsctl({"-o", "json", "plan", "submit", "-"}, plan);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(summary.value("status", ""), "completed");
  EXPECT_THAT(summary.value("errorMessage", ""), HasSubstr("post-only"));

  nlohmann::json orders = Orders(*s, "live-mixed");
  ASSERT_EQ(orders.size(), 4u) << orders.dump(1);
  EXPECT_EQ(orders[0]["status"], "filled") << orders[0].dump(1);
  EXPECT_EQ(orders[0]["venueStatus"], "matched");
  // 100 at 0.50, then 0.52 for the rest of the $75: at least the 144.23 shares priced at 0.52.
  EXPECT_GE(std::stod(orders[0].value("filledShares", "0")), 144.23) << orders[0].dump(1);
  EXPECT_EQ(orders[1]["status"], "open") << orders[1].dump(1);
  EXPECT_EQ(orders[1]["venueStatus"], "live");
  EXPECT_EQ(orders[2]["status"], "filled") << orders[2].dump(1);
  EXPECT_EQ(orders[3]["status"], "rejected") << orders[3].dump(1);
  EXPECT_THAT(orders[3].value("venueError", ""), HasSubstr("order crosses book"));
  for (const auto& o : orders) {
    EXPECT_EQ(o.value("orderHash", "").size(), 66u) << o.dump(1);
    EXPECT_EQ(o.value("postAttempts", 0), 1) << o.dump(1);
  }

  // The journal's cost: at most 3 commits per order (new, submitting, the answer, in batches).
  std::string log = s->server().Log();
  size_t at = log.find("\"live plan finished\"");
  ASSERT_NE(at, std::string::npos) << log;
  size_t commits = log.find("\"db_commits\":\"", at);
  ASSERT_NE(commits, std::string::npos) << log;
  EXPECT_LE(std::stoi(log.substr(commits + 14)), 3 * 4);
  EXPECT_LE(std::stoi(log.substr(commits + 14)), 3);  // one batch: new, submitting, answers

  nlohmann::json venue = VenueState(*s);
  EXPECT_EQ(venue["orders"].size(), 3u) << venue.dump(1);  // the refused one is not held
  for (const auto& [hash, posts] : venue["posts"].items()) EXPECT_EQ(posts, 1) << hash;
  // The FOK consumed the venue's asks: the book the server reads next shows it.
  CommandResult book = s->Omsctl({"-o", "json", "book", kTokenA});
  EXPECT_EQ(Json(book).value("bestAsk", ""), "0.52") << book.out;

  // planId idempotency is paper's: a second submission is refused and places nothing.
  CommandResult again = s->Omsctl({"plan", "submit", "-"}, plan);
  EXPECT_EQ(again.exit_code, 4) << again.err;
  EXPECT_EQ(VenueOrders(*s), 3u);
}

TEST_F(LiveTradingTest, LaterBatchesAreNotSentAfterARefusal) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  std::vector<std::string> trades = {LimitBuy(kTokenA, "10", "0.55", R"(, "postOnly": true)")};
  for (int i = 0; i < 16; ++i) trades.push_back(LimitBuy(kTokenA, "3", "0.30"));
  CommandResult r = s->Omsctl({"plan", "submit", "-"}, Plan("live-batches", trades));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json orders = Orders(*s, "live-batches");
  ASSERT_EQ(orders.size(), 17u);
  EXPECT_EQ(orders[0]["status"], "rejected");
  for (int i = 1; i < 15; ++i) EXPECT_EQ(orders[i]["status"], "open") << i;
  for (int i = 15; i < 17; ++i) {
    EXPECT_EQ(orders[i]["status"], "not_sent") << i;
    EXPECT_THAT(orders[i].value("reason", ""), HasSubstr("trades[0] was refused")) << i;
  }
  EXPECT_EQ(VenueOrders(*s), 14u);
}

TEST_F(LiveTradingTest, SignerDownMeansNothingPostedAndAClearMessage) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  s->StopSigner();
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-nosigner", {LimitBuy(kTokenA, "10", "0.40")}));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("signer"));
  EXPECT_THAT(r.err, HasSubstr("nothing was"));
  EXPECT_EQ(s->venue().OrderPosts(), 0);
}

TEST_F(LiveTradingTest, AnEngineRestartIsWaitedOutAndTheOrderPlacedOnce) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  s->venue().ScheduleFault(VenueFault::kTooEarly, 1);
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-425", {LimitBuy(kTokenA, "10", "0.40")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json orders = Orders(*s, "live-425");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["status"], "open");
  EXPECT_EQ(VenueOrders(*s), 1u);
  EXPECT_EQ(s->venue().OrderPosts(), 2);  // the 425, then the same bytes again
  EXPECT_EQ(s->venue().PostsOf(orders[0]["orderHash"]), 2);
}

TEST_F(LiveTradingTest, AnAnswerLostAfterAcceptanceIsResolvedByHash) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  s->venue().ScheduleFault(VenueFault::kDrop, 1);
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-drop", {LimitBuy(kTokenA, "10", "0.40")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json orders = Orders(*s, "live-drop");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["status"], "unknown") << orders[0].dump(1);
  EXPECT_THAT(s->Omsctl({"-o", "json", "runs", "show", "live-drop"}).out,
              HasSubstr("\"running\""));  // finished once the order is resolved

  CommandResult tick = s->Omsctl({"tick"});
  ASSERT_EQ(tick.exit_code, 0) << tick.err;
  orders = Orders(*s, "live-drop");
  EXPECT_EQ(orders[0]["status"], "open") << orders[0].dump(1);
  // One order at the venue, and every POST carried the same signed bytes (libcurl itself may
  // send a request again on a reused connection that died before any answer).
  nlohmann::json venue = VenueState(*s);
  EXPECT_EQ(venue["orders"].size(), 1u) << venue.dump(1);
  EXPECT_EQ(venue["posts"].size(), 1u) << venue.dump(1);
  EXPECT_EQ(orders[0].value("postAttempts", 0), 1);  // asked by hash, never re-sent
  EXPECT_THAT(s->Omsctl({"-o", "json", "runs", "show", "live-drop"}).out,
              HasSubstr("\"completed\""));
}

// kill -9 at a journal step, then a restart: exactly one order per intent at the venue.
void KillAndRestart(LiveTradingTest* test, LiveStack& s, const std::string& point,
                    const std::string& plan_id, int expected_posts) {
  ASSERT_TRUE(s.RestartServer({}, {{"BETTEROMS_FAULT_POINT", point}}));
  CommandResult r =
      s.Omsctl({"plan", "submit", "-"},
               R"({"planId": ")" + plan_id + R"(", "mode": "live", "trades": [{"marketTokenId":
               "1001", "outcome": "Yes", "side": "BUY", "orderType": "LIMIT", "size": 10,
               "price": 0.40}]})");
  EXPECT_NE(r.exit_code, 0) << "the server should have died at " << point;
  EXPECT_EQ(s.server().Wait(10'000), -9) << s.server().Log();
  ASSERT_TRUE(s.RestartServer()) << s.error();  // resumes the journal at start
  CommandResult orders = s.Omsctl({"-o", "json", "orders", "list", "--plan", plan_id});
  nlohmann::json doc = nlohmann::json::parse(orders.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << orders.out << orders.err;
  ASSERT_EQ(doc["orders"].size(), 1u);
  EXPECT_EQ(doc["orders"][0]["status"], "open") << doc.dump(1);
  nlohmann::json venue = nlohmann::json::parse(s.venue().StateJson());
  EXPECT_EQ(venue["orders"].size(), 1u) << venue.dump(1);
  EXPECT_EQ(s.venue().PostsOf(doc["orders"][0]["orderHash"]), expected_posts);
  CommandResult run = s.Omsctl({"-o", "json", "runs", "show", plan_id});
  EXPECT_THAT(run.out, HasSubstr("\"completed\"")) << run.out << run.err;
  (void)test;
}

TEST_F(LiveTradingTest, KilledAfterSigningBeforePostingPlacesTheOrderOnRestart) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  KillAndRestart(this, *s, "live.before_post", "live-kill-sign", 1);
}

TEST_F(LiveTradingTest, KilledAfterPostingBeforeTheAnswerAdoptsTheVenuesOrder) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  KillAndRestart(this, *s, "live.after_post", "live-kill-post", 1);
}

TEST_F(LiveTradingTest, RefusalsBeforeSigningPostNothing) {
  auto s = Start({"--max-order-notional", "50"});
  ASSERT_TRUE(s->ok());

  CommandResult limit =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-limit", {LimitBuy(kTokenA, "60", "0.40")}));
  EXPECT_EQ(limit.exit_code, 1) << limit.err;
  EXPECT_THAT(limit.err, HasSubstr("max_order_notional"));
  EXPECT_THAT(limit.err, HasSubstr("nothing was signed"));

  s->venue().SetCollateral(kLiveAddress, 5'000'000);
  CommandResult poor =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-poor", {LimitBuy(kTokenA, "10", "0.40")}));
  EXPECT_EQ(poor.exit_code, 1) << poor.err;
  EXPECT_THAT(poor.err, HasSubstr("collateral balance is 5.00 USDC"));
  s->venue().SetCollateral(kLiveAddress, 1'000'000'000);

  CommandResult halt = s->Omsctl({"trading", "halt", "--reason", "venue incident"});
  ASSERT_EQ(halt.exit_code, 0) << halt.err;
  CommandResult halted =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-halted", {LimitBuy(kTokenA, "10", "0.40")}));
  EXPECT_EQ(halted.exit_code, 1) << halted.err;
  EXPECT_THAT(halted.err, HasSubstr("live trading is halted"));
  EXPECT_THAT(halted.err, HasSubstr("venue incident"));
  ASSERT_EQ(s->Omsctl({"trading", "resume"}).exit_code, 0);

  EXPECT_EQ(s->venue().OrderPosts(), 0);
  // A refused plan may run once fixed: the halted one runs now.
  CommandResult retried = s->Omsctl({"plan", "submit", "--retry", "-"},
                                    Plan("live-halted", {LimitBuy(kTokenA, "10", "0.40")}));
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(VenueOrders(*s), 1u);
}

TEST_F(LiveTradingTest, WrongCredentialsAreRefusedAndNothingIsPosted) {
  TempDir creds;
  creds.Write("clob.json",
              R"({"apiKey": "00000000-0000-0000-0000-000000000000",
                  "secret": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "passphrase": "x"})",
              0600);
  auto s = Start({"--clob-credentials", creds.File("clob.json")});
  ASSERT_TRUE(s->ok());
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-badkey", {LimitBuy(kTokenA, "10", "0.40")}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("Unauthorized/Invalid api key"));
  EXPECT_EQ(s->venue().OrderPosts(), 0);
  // The secret appears in no answer and no log line.
  EXPECT_THAT(r.err, Not(HasSubstr("AAAAAAAAAAAAAAAA")));
  EXPECT_THAT(s->server().Log(), Not(HasSubstr("AAAAAAAAAAAAAAAA")));
}

TEST_F(LiveTradingTest, ADepositWalletTradesAsMakerAndSigner) {
  const std::string wallet = "0x1234567890abcdef1234567890abcdef12345678";
  const std::string secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";
  TempDir creds;
  creds.Write("clob.json",
              R"({"apiKey": "11111111-2222-3333-4444-555555555555", "secret": ")" + secret +
                  R"(", "passphrase": "pp"})",
              0600);
  auto s = Start(
      {"--signature-type", "3", "--funder", wallet, "--clob-credentials", creds.File("clob.json")});
  ASSERT_TRUE(s->ok());
  ApiKey key;
  key.address = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  key.api_key = "11111111-2222-3333-4444-555555555555";
  key.secret = secret;
  key.passphrase = "pp";
  key.deposit_wallet = wallet;
  s->venue().AddApiKey(key);
  s->venue().SetCollateral(wallet, 1'000'000'000);
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-wallet", {LimitBuy(kTokenA, "10", "0.40")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json orders = Orders(*s, "live-wallet");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["status"], "open") << orders[0].dump(1);
  EXPECT_EQ(VenueOrders(*s), 1u);  // the venue checked the POLY_1271 envelope and the signer
}

TEST_F(LiveTradingTest, ARestingOrderIsCancelledAtTheVenueAndAFilledOneIsNot) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"},
                Plan("live-cancel", {LimitBuy(kTokenA, "10", "0.40"), MarketBuy(kTokenA, "10")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json orders = Orders(*s, "live-cancel");
  ASSERT_EQ(orders.size(), 2u);
  std::string resting = orders[0].value("id", "");  // int64 ids are strings in JSON
  std::string filled = orders[1].value("id", "");

  CommandResult cancel = s->Omsctl({"-o", "json", "orders", "cancel", resting});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.out << cancel.err;
  EXPECT_EQ(Json(cancel).value("status", ""), "cancelled") << cancel.out;
  nlohmann::json venue = VenueState(*s);
  bool cancelled_there = false;
  for (const auto& o : venue["orders"]) {
    if (o.value("hash", "") == orders[0].value("orderHash", "")) {
      cancelled_there = o.value("status", "") == "CANCELED";
    }
  }
  EXPECT_TRUE(cancelled_there) << venue.dump(1);

  CommandResult again = s->Omsctl({"orders", "cancel", resting});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_THAT(again.err, HasSubstr("nothing to cancel"));
  CommandResult done = s->Omsctl({"orders", "cancel", filled});
  EXPECT_EQ(done.exit_code, 1) << done.err;
  EXPECT_THAT(done.err, HasSubstr("is filled: there is nothing to cancel"));
  EXPECT_EQ(Orders(*s, "live-cancel")[1]["status"], "filled");
}

TEST_F(LiveTradingTest, TheTickReadsRestingOrdersBackFromTheVenue) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  std::string gtd =
      LimitBuy(kTokenA, "10", "0.40",
               R"(, "timeInForce": "GTD", "expiresAt": ")" +
                   absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() + absl::Minutes(10),
                                    absl::UTCTimeZone()) +
                   "\"");
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-gtd", {gtd, LimitBuy(kTokenA, "10", "0.39")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(s->Omsctl({"tick"}).exit_code, 0);
  nlohmann::json orders = Orders(*s, "live-gtd");
  EXPECT_EQ(orders[0]["status"], "open");  // nothing changed at the venue: nothing written

  // The venue's clock passes the GTD's expiration: it cancels the order there.
  int64_t later = absl::ToUnixSeconds(absl::Now() + absl::Hours(2));
  s->venue().SetClock([later] { return later; });
  CommandResult tick = s->Omsctl({"tick"});
  ASSERT_EQ(tick.exit_code, 0) << tick.err;
  EXPECT_THAT(tick.out, HasSubstr("live: 1 live order(s) changed")) << tick.out;
  orders = Orders(*s, "live-gtd");
  EXPECT_EQ(orders[0]["status"], "cancelled") << orders[0].dump(1);
  EXPECT_THAT(orders[0].value("reason", ""), HasSubstr("at the venue"));
  EXPECT_EQ(orders[1]["status"], "open") << orders[1].dump(1);
}

TEST_F(LiveTradingTest, AccountShowsTheKeyTheAddressesAndTheBalance) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  CommandResult r = s->Omsctl({"-o", "json", "account"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json a = Json(r);
  EXPECT_TRUE(a.value("live", false));
  EXPECT_FALSE(a.value("apiKey", "").empty());
  EXPECT_EQ(a.value("makerAddress", ""), kLiveAddress);
  EXPECT_EQ(a.value("signerAddress", ""), kLiveAddress);
  EXPECT_EQ(a.value("collateralBalance", ""), "1000");
  EXPECT_THAT(r.out, Not(HasSubstr("secret")));
}

}  // namespace
}  // namespace betteroms::test

namespace betteroms::test {
namespace {

TEST_F(LiveTradingTest, RateLimitsAndPostOnlyWindowsAreWaitedOutWithinTheDeadline) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  s->venue().ScheduleFault(VenueFault::kRateLimited, 1, /*retry_after_s=*/1);
  CommandResult limited =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-429", {LimitBuy(kTokenA, "10", "0.40")}));
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  EXPECT_EQ(Orders(*s, "live-429")[0]["status"], "open");

  s->venue().ScheduleFault(VenueFault::kPostOnly, 2, /*retry_after_s=*/1);
  CommandResult window =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-503", {LimitBuy(kTokenA, "10", "0.41")}));
  ASSERT_EQ(window.exit_code, 0) << window.err;
  nlohmann::json orders = Orders(*s, "live-503");
  EXPECT_EQ(orders[0]["status"], "open") << orders[0].dump(1);
  EXPECT_EQ(s->venue().PostsOf(orders[0]["orderHash"]), 3);  // two 503s, then accepted
  EXPECT_EQ(VenueOrders(*s), 2u);
}

TEST_F(LiveTradingTest, AVenueThatTakesNoOrdersBeforeTheDeadlineFailsTheRunForARetry) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  s->venue().ScheduleFault(VenueFault::kCancelOnly, 1000, /*retry_after_s=*/1);
  std::string plan = Plan("live-cancel-only", {LimitBuy(kTokenA, "10", "0.40")});
  CommandResult r = s->Omsctl({"--timeout", "4", "plan", "submit", "-"}, plan);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("cancel-only"));
  EXPECT_THAT(r.err, HasSubstr("nothing was placed, and the plan may be retried"));
  nlohmann::json orders = Orders(*s, "live-cancel-only");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["status"], "not_sent") << orders[0].dump(1);
  EXPECT_EQ(VenueOrders(*s), 0u);
  // A tick never sends it late.
  ASSERT_EQ(s->Omsctl({"tick"}).exit_code, 0);
  EXPECT_EQ(Orders(*s, "live-cancel-only")[0]["status"], "not_sent");

  s->venue().ScheduleFault(VenueFault::kNone, 0);
  CommandResult retried = s->Omsctl({"plan", "submit", "--retry", "-"}, plan);
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  orders = Orders(*s, "live-cancel-only");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["status"], "open") << orders[0].dump(1);
  EXPECT_EQ(VenueOrders(*s), 1u);
}

TEST_F(LiveTradingTest, ASignerPolicyRefusalStopsThePlanThereAndNamesTheRule) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  // The signer's policy caps an order at 1000 USDC; the OMS has no limit of its own here.
  s->venue().SetCollateral(kLiveAddress, 5'000'000'000);
  CommandResult r = s->Omsctl(
      {"-o", "json", "plan", "submit", "-"},
      Plan("live-policy", {LimitBuy(kTokenA, "10", "0.40"), LimitBuy(kTokenA, "1500", "0.40"),
                           LimitBuy(kTokenA, "10", "0.41")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json orders = Orders(*s, "live-policy");
  ASSERT_EQ(orders.size(), 3u);
  EXPECT_EQ(orders[0]["status"], "open") << orders[0].dump(1);
  EXPECT_EQ(orders[1]["status"], "not_sent") << orders[1].dump(1);
  EXPECT_THAT(orders[1].value("reason", ""), HasSubstr("max_order_notional"));
  EXPECT_EQ(orders[2]["status"], "not_sent") << orders[2].dump(1);
  EXPECT_EQ(VenueOrders(*s), 1u);
  CommandResult run = s->Omsctl({"-o", "json", "runs", "show", "live-policy"});
  EXPECT_THAT(run.out, HasSubstr("\"completed\"")) << run.out;
}

TEST_F(LiveTradingTest, DelayedAndGtdOrdersAreFollowedToTheirVenueState) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  s->venue().DelayNext(1);
  std::string gtd =
      LimitBuy(kTokenA, "10", "0.40",
               R"(, "timeInForce": "GTD", "expiresAt": ")" +
                   absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() + absl::Minutes(30),
                                    absl::UTCTimeZone()) +
                   "\"");
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"}, Plan("live-delayed", {MarketBuy(kTokenA, "20"), gtd}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json orders = Orders(*s, "live-delayed");
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0]["status"], "delayed") << orders[0].dump(1);
  EXPECT_EQ(orders[1]["status"], "open") << orders[1].dump(1);
  ASSERT_EQ(s->Omsctl({"tick"}).exit_code, 0);
  orders = Orders(*s, "live-delayed");
  EXPECT_EQ(orders[0]["status"], "filled") << orders[0].dump(1);
  EXPECT_EQ(VenueOrders(*s), 2u);
}

}  // namespace
}  // namespace betteroms::test
