// kill -9 of oms-server --live at each step of the journal (test-only fault points): after the
// intents are journalled, after the signer signed them, after the `submitting` commit, after the
// POST before its answer is recorded. After a restart every intent is at the venue exactly once,
// tracked by its hash, and the planId is refused again (with --retry too).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/live_fixture.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;

class LiveKillTest : public LiveFixture {};

// A short grace period, so that a journal entry that may never be sent is settled within the test.
const std::vector<std::string> kGrace = {"--journal-grace", "3s"};

TEST_F(LiveKillTest, KilledAtEachJournalStepEveryOrderIsPlacedOnce) {
  auto s = Start(kGrace);
  ASSERT_TRUE(s->ok());
  size_t venue_orders = 0;
  for (const std::string point :
       {"live.after_intent", "live.after_signature", "live.before_post", "live.after_post"}) {
    SCOPED_TRACE(point);
    std::string id = "kill-" + point.substr(point.find('.') + 1);
    std::replace(id.begin(), id.end(), '_', '-');
    std::string plan = Plan(id, {LimitBuy(kTokenA, "10", "0.40"), MarketBuy(kTokenA, "5"),
                                 LimitBuy(kTokenA, "4", "0.41")});
    ASSERT_TRUE(s->RestartServer(kGrace, {{"BETTEROMS_FAULT_POINT", point}})) << s->error();
    CommandResult r = s->Omsctl({"--timeout", "20", "plan", "submit", "-"}, plan);
    EXPECT_NE(r.exit_code, 0) << "the server should have died at " << point;
    EXPECT_EQ(s->server().Wait(10'000), -9) << s->server().Log();
    ASSERT_TRUE(s->RestartServer(kGrace)) << s->error();  // resumes the journal at start

    nlohmann::json orders = Orders(*s, id);
    ASSERT_EQ(orders.size(), 3u) << orders.dump(1);
    // A FOK journalled as `submitting` but never posted is not sent again: the venue may have
    // killed it unseen. It is settled at the grace period's fence, by the tick after it.
    if (orders[1]["status"] == "submitting") {
      std::this_thread::sleep_for(std::chrono::milliseconds(3500));
      CommandResult tick = s->Omsctl({"tick"});
      EXPECT_EQ(tick.exit_code, 0) << tick.err;
      orders = Orders(*s, id);
    }
    // The resting orders are placed once; the FOK filled once, or (never posted) not sent.
    EXPECT_EQ(orders[0]["status"], "open") << orders[0].dump(1);
    EXPECT_EQ(orders[2]["status"], "open") << orders[2].dump(1);
    int expected = 3;
    if (point == "live.before_post") {
      EXPECT_EQ(orders[1]["status"], "not_sent") << orders[1].dump(1);
      expected = 2;
    } else {
      EXPECT_EQ(orders[1]["status"], "filled") << orders[1].dump(1);
    }
    int posts = 0;
    for (const auto& o : orders) {
      int of_this = s->venue().PostsOf(o.value("orderHash", ""));
      EXPECT_LE(of_this, 1) << o.dump(1);
      posts += of_this;
    }
    EXPECT_EQ(posts, expected);
    venue_orders += expected;
    nlohmann::json venue = VenueState(*s);
    EXPECT_EQ(venue["orders"].size(), venue_orders) << venue.dump(1);
    // Every order the venue holds is one the OMS tracks by its hash.
    CommandResult all =
        s->Omsctl({"-o", "json", "orders", "list", "--mode", "live", "--limit", "1000"});
    for (const auto& v : venue["orders"]) {
      EXPECT_THAT(all.out, HasSubstr(v.value("hash", "?"))) << "untracked venue order";
    }
    CommandResult run = s->Omsctl({"-o", "json", "runs", "show", id});
    EXPECT_THAT(run.out, HasSubstr("\"completed\"")) << run.out << run.err;

    // planId idempotency: refused again, with --retry as well, and nothing more is posted.
    for (const std::vector<std::string>& flags :
         {std::vector<std::string>{}, std::vector<std::string>{"--retry"}}) {
      std::vector<std::string> args = {"plan", "submit", "-"};
      args.insert(args.end(), flags.begin(), flags.end());
      CommandResult again = s->Omsctl(args, plan);
      EXPECT_EQ(again.exit_code, 4) << again.err;
    }
    EXPECT_EQ(VenueOrders(*s), venue_orders);
  }
}

}  // namespace
}  // namespace betteroms::test
