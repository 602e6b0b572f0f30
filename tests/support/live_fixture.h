// The fixture of the live e2e suites: a LiveStack whose venue has books and markets for two
// tokens and a funded account, plans written as JSON, and the orders and venue state as JSON.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/live_stack.h"

namespace betteroms::test {

inline constexpr char kTokenA[] = "1001";
inline constexpr char kTokenB[] = "2002";

class LiveFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
  }

  // A stack whose venue has books and markets for both tokens and an account with $1,000 and
  // 50 shares of B.
  std::unique_ptr<LiveStack> Start(const std::vector<std::string>& args = {},
                                   const std::map<std::string, std::string>& env = {}) {
    auto stack = std::make_unique<LiveStack>(args, env);
    if (!stack->ok()) {
      ADD_FAILURE() << stack->error();
      return stack;
    }
    SetBooks(*stack);
    stack->venue().SetCollateral(kLiveAddress, 1'000'000'000);
    stack->venue().SetConditional(kLiveAddress, kTokenB, 50'000'000);
    return stack;
  }

  static void SetBooks(LiveStack& s) {
    s.clob().SetBook(kTokenA,
                     VenueBookJson(kTokenA, {{"0.48", "100"}}, {{"0.50", "100"}, {"0.52", "100"}}));
    s.clob().SetBook(kTokenB,
                     VenueBookJson(kTokenB, {{"0.60", "100"}, {"0.58", "100"}}, {{"0.62", "100"}}));
    s.clob().SetMarket(VenueClobMarketJson("0xa1", {{kTokenA, "Yes"}, {"1002", "No"}}));
    s.clob().SetMarket(VenueClobMarketJson("0xb2", {{kTokenB, "Yes"}, {"2003", "No"}}));
  }

  static std::string Plan(const std::string& id, const std::vector<std::string>& trades) {
    std::string out = R"({"planId": ")" + id + R"(", "mode": "live", "trades": [)";
    for (size_t i = 0; i < trades.size(); ++i) out += (i ? ", " : "") + trades[i];
    return out + "]}";
  }
  static std::string MarketBuy(const std::string& token, const std::string& usdc) {
    return R"({"marketTokenId": ")" + token +
           R"(", "outcome": "Yes", "side": "BUY", "orderType": "MARKET", "size": )" + usdc + "}";
  }
  static std::string LimitBuy(const std::string& token, const std::string& usdc,
                              const std::string& price, const std::string& extra = "") {
    return R"({"marketTokenId": ")" + token +
           R"(", "outcome": "Yes", "side": "BUY", "orderType": "LIMIT", "size": )" + usdc +
           R"(, "price": )" + price + extra + "}";
  }

  static nlohmann::json Json(const CommandResult& r) {
    nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << "not JSON: " << r.out << r.err;
    return doc;
  }
  static nlohmann::json Orders(LiveStack& s, const std::string& plan) {
    CommandResult r = s.Omsctl({"-o", "json", "orders", "list", "--plan", plan});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json doc = Json(r);
    nlohmann::json by_index = nlohmann::json::array();
    for (auto& o : doc.value("orders", nlohmann::json::array())) by_index.push_back(o);
    std::sort(by_index.begin(), by_index.end(), [](const auto& a, const auto& b) {
      return a.value("tradeIndex", 0) < b.value("tradeIndex", 0);
    });
    return by_index;
  }
  static nlohmann::json VenueState(LiveStack& s) {
    return nlohmann::json::parse(s.venue().StateJson());
  }
  // Orders the venue holds, and how many POSTs carried each hash.
  static size_t VenueOrders(LiveStack& s) { return VenueState(s)["orders"].size(); }
};

}  // namespace betteroms::test
