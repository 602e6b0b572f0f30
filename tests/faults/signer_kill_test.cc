// The signer killed (kill -9) in the middle of signing and started again on its state folder:
// no order is lost untracked or sent twice, and the one-intent-one-order rule holds across the
// restart (the intent is remembered in the signer's ledger, and the OMS asks again by intent).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/live_fixture.h"

namespace betteroms::test {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

class SignerKillTest : public LiveFixture {
 protected:
  // The signer's audit decisions ("signed", "replayed", "refused") for `order_hash`, waiting a
  // little for the audit log to catch up.
  static std::vector<std::string> Decisions(LiveStack& s, const std::string& order_hash,
                                            size_t at_least) {
    std::vector<std::string> out;
    for (int i = 0; i < 50; ++i) {
      out.clear();
      std::istringstream lines(ReadTextFileForTest(s.dir().File("audit.jsonl")));
      std::string line;
      while (std::getline(lines, line)) {
        nlohmann::json rec = nlohmann::json::parse(line, nullptr, false);
        if (rec.is_discarded() || rec.value("order_hash", "") != order_hash) continue;
        out.push_back(rec.value("decision", ""));
      }
      if (out.size() >= at_least) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return out;
  }

  // Every order the venue holds is tracked by the OMS under its hash, and was posted once.
  static void ExpectVenueOrdersTrackedOnce(LiveStack& s) {
    nlohmann::json venue = VenueState(s);
    CommandResult all =
        s.Omsctl({"-o", "json", "orders", "list", "--mode", "live", "--limit", "1000"});
    for (const auto& v : venue["orders"]) {
      std::string hash = v.value("hash", "?");
      EXPECT_THAT(all.out, HasSubstr(hash)) << "untracked venue order " << v.dump();
      EXPECT_EQ(s.venue().PostsOf(hash), 1) << hash;
    }
  }
};

TEST_F(SignerKillTest, SignerKilledAfterRecordingTheIntentSendsNothingTwice) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  // The signer dies once the intent is on its disk, before the OMS hears the signature.
  ASSERT_TRUE(s->RestartSigner({{"BETTEROMS_FAULT_POINT", "signer.after_ledger"}})) << s->error();
  std::string plan = Plan("signer-dies", {LimitBuy(kTokenA, "10", "0.40")});
  CommandResult r = s->Omsctl({"--timeout", "20", "plan", "submit", "-"}, plan);
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.err, HasSubstr("signer"));
  EXPECT_EQ(s->signer().Wait(10'000), -9) << s->signer().Log();
  EXPECT_EQ(VenueOrders(*s), 0u) << "posted without a signature";

  // The order is tracked: journalled, waiting for the signer, or recorded as not sent.
  nlohmann::json orders = Orders(*s, "signer-dies");
  ASSERT_EQ(orders.size(), 1u) << orders.dump(1);
  EXPECT_THAT(orders[0].value("status", ""), AnyOf("new", "not_sent")) << orders[0].dump(1);

  ASSERT_TRUE(s->RestartSigner()) << s->error();
  CommandResult tick = s->Omsctl({"tick"});
  EXPECT_EQ(tick.exit_code, 0) << tick.err;
  orders = Orders(*s, "signer-dies");
  if (orders[0].value("status", "") == "not_sent") {
    // Nothing of it reached the venue: the plan may run again, with new intents.
    CommandResult retried = s->Omsctl({"plan", "submit", "--retry", "-"}, plan);
    EXPECT_EQ(retried.exit_code, 0) << retried.err;
    orders = Orders(*s, "signer-dies");
  }
  ASSERT_FALSE(orders.empty());
  EXPECT_EQ(orders.back()["status"], "open") << orders.dump(1);
  EXPECT_EQ(VenueOrders(*s), 1u);
  ExpectVenueOrdersTrackedOnce(*s);
}

TEST_F(SignerKillTest, TheIntentRuleHoldsAcrossSignerAndServerRestarts) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  // The OMS dies once the signer signed, before it journalled the signature.
  ASSERT_TRUE(s->RestartServer({}, {{"BETTEROMS_FAULT_POINT", "live.after_signature"}}));
  std::string plan = Plan("intent-kept", {LimitBuy(kTokenA, "10", "0.40")});
  CommandResult r = s->Omsctl({"--timeout", "20", "plan", "submit", "-"}, plan);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(s->server().Wait(10'000), -9) << s->server().Log();
  // And the signer is killed too, then started again on its ledger.
  ASSERT_EQ(kill(s->signer().pid(), SIGKILL), 0);
  EXPECT_EQ(s->signer().Wait(10'000), -9);
  ASSERT_TRUE(s->RestartSigner()) << s->error();
  ASSERT_TRUE(s->RestartServer()) << s->error();  // resumes the journal: signs the intent again

  nlohmann::json orders = Orders(*s, "intent-kept");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["status"], "open") << orders[0].dump(1);
  std::string hash = orders[0].value("orderHash", "");
  // Signed once before the crash; the restarted signer answered from its ledger.
  std::vector<std::string> decisions = Decisions(*s, hash, 2);
  EXPECT_EQ(std::count(decisions.begin(), decisions.end(), "signed"), 1)
      << ::testing::PrintToString(decisions);
  EXPECT_EQ(std::count(decisions.begin(), decisions.end(), "replayed"), 1)
      << ::testing::PrintToString(decisions);
  EXPECT_EQ(VenueOrders(*s), 1u);
  ExpectVenueOrdersTrackedOnce(*s);
}

}  // namespace
}  // namespace betteroms::test
