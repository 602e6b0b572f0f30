// A fixture for end-to-end suites that drive omsctl against the whole stack (PostgreSQL, the fake
// CLOB, oms-server, oms-signer), with helpers that read omsctl's JSON output.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/stack.h"

namespace betteroms::test {

class OmsctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    stack_ = std::make_unique<Stack>();
    ASSERT_TRUE(stack_->ok()) << stack_->error();
  }

  CommandResult Submit(const std::string& plan) {
    return stack_->Omsctl({"plan", "submit", "-"}, plan);
  }
  CommandResult SubmitJson(const std::string& plan) {
    return stack_->Omsctl({"-o", "json", "plan", "submit", "-"}, plan);
  }
  CommandResult Validate(const std::string& plan) {
    return stack_->Omsctl({"plan", "validate", "-"}, plan);
  }
  int64_t Count(const std::string& sql) {
    return stack_->db().Connect()->Exec("c", sql)->Row(0).Int(0);
  }
  // omsctl's JSON output, or a discarded value (and a failure) when it is not JSON.
  static nlohmann::json Json(const CommandResult& r) {
    nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << "not JSON: " << r.out << r.err;
    return doc;
  }
  // The order a summary holds for trades[index].
  static nlohmann::json OrderOf(const nlohmann::json& summary, int index) {
    for (const auto& order : summary.value("orders", nlohmann::json::array())) {
      if (order.value("tradeIndex", -1) == index) return order;
    }
    ADD_FAILURE() << "no order for trades[" << index << "] in " << summary.dump();
    return nlohmann::json::object();
  }
  // The paper position in `token`, as `omsctl -o json positions` gives it; {} when there is none.
  nlohmann::json PositionOf(const std::string& token) {
    CommandResult r = stack_->Omsctl({"-o", "json", "positions", "--mode", "paper"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const auto& p : Json(r).value("positions", nlohmann::json::array())) {
      if (p.value("marketTokenId", "") == token) return p;
    }
    return nlohmann::json::object();
  }
  // `omsctl -o json runs show PLAN`.
  nlohmann::json Run(const std::string& plan_id) {
    CommandResult r = stack_->Omsctl({"-o", "json", "runs", "show", plan_id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json(r);
  }

  // `omsctl -o json trading status`: {"halted", "reason", "changedAt"}.
  nlohmann::json Trading() {
    CommandResult r = stack_->Omsctl({"-o", "json", "trading", "status"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json(r);
  }

  std::unique_ptr<Stack> stack_;
};

}  // namespace betteroms::test
