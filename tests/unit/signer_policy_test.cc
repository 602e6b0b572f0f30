// The policy file fails closed: each field has one type and range, and anything else (a wrong
// type, an empty list, an unknown value or field) refuses to start with a message naming the
// field. An empty or malformed token allow-list never means "any token".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "signer/policy/policy.h"
#include "tests/support/process.h"
#include "tests/support/status_matchers.h"

namespace betteroms::policy {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;

constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

class PolicyFileTest : public ::testing::Test {
 protected:
  absl::StatusOr<Policy> Load(const std::string& json) {
    dir_.Write("policy.json", json);
    return LoadPolicy(dir_.File("policy.json"), *crypto::ParseAddress(kAddress));
  }
  // `{"chain_id": 137, <member>}`
  absl::StatusOr<Policy> With(const std::string& member) {
    return Load(R"({"chain_id": 137, )" + member + "}");
  }

  test::TempDir dir_;
};

// Refused at load, the message naming `field` after the file's path.
auto RefusedNaming(const std::string& field) {
  return StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(".json: " + field + ": "));
}

TEST_F(PolicyFileTest, TheShippedPoliciesLoad) {
  for (const char* path :
       {"/deploy/local/signer-policy.json", "/deploy/k8s/base/signer-policy.json"}) {
    auto p = LoadPolicy(std::string(OMS_SOURCE_DIR) + path, *crypto::ParseAddress(kAddress));
    ASSERT_THAT(p, IsOk()) << path;
    EXPECT_EQ(p->chain_id, 137u);
    EXPECT_EQ(p->max_order_notional, 250'000'000);
    EXPECT_EQ(p->min_price, 10'000);
    EXPECT_EQ(p->max_price, 990'000);
    EXPECT_EQ(p->tokens, std::nullopt) << "absent tokens allow any token";
  }
}

TEST_F(PolicyFileTest, EveryFieldReadsItsDocumentedType) {
  auto p = Load(R"({"chain_id": 80002, "exchanges": ["v3"],
    "makers": ["0x1111111111111111111111111111111111111111"],
    "signers": ["0x2222222222222222222222222222222222222222"], "signature_types": [0, 3],
    "max_order_notional": "12.5", "max_daily_notional": "100",
    "price_band": {"min": "0.1", "max": "0.9"}, "tokens": ["0001234", "99"],
    "max_signs_per_second": 7, "clob_auth_window_seconds": 60, "max_clob_auths_per_minute": 2})");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->chain_id, 80002u);
  EXPECT_EQ(p->exchanges, std::set<crypto::Exchange>{crypto::Exchange::kV3});
  EXPECT_EQ(p->signature_types, (std::set<int>{0, 3}));
  EXPECT_EQ(p->max_order_notional, 12'500'000);
  EXPECT_EQ(p->max_daily_notional, 100'000'000);
  EXPECT_EQ(p->min_price, 100'000);
  EXPECT_EQ(p->max_price, 900'000);
  // Canonical decimals: the order's token id "1234" matches "0001234".
  EXPECT_EQ(p->tokens, (std::set<std::string>{"1234", "99"}));
  EXPECT_EQ(p->max_signs_per_second, 7);
  EXPECT_EQ(p->clob_auth_window_seconds, 60);
  EXPECT_EQ(p->max_clob_auths_per_minute, 2);
  auto defaults = Load(R"({"chain_id": 137})");
  ASSERT_THAT(defaults, IsOk());
  EXPECT_EQ(defaults->clob_auth_window_seconds, 300);
  EXPECT_EQ(defaults->max_clob_auths_per_minute, 10);
}

TEST_F(PolicyFileTest, AnEmptyOrMalformedTokenListNeverMeansAnyToken) {
  for (const char* tokens :
       {R"("tokens": [])", R"("tokens": "1234")", R"("tokens": {})", R"("tokens": null)",
        R"("tokens": [1234])", R"("tokens": ["abc"])", R"("tokens": ["0x04d2"])",
        R"("tokens": [""])", R"("tokens": ["1234", 5])"}) {
    EXPECT_THAT(With(tokens), RefusedNaming("tokens")) << tokens;
  }
  // The in-memory policy agrees: an empty allow-list allows no token.
  Policy p = RefuseAll();
  p.none = false;
  OrderFacts f;
  f.chain_id = p.chain_id;
  f.token_id = "1234";
  p.exchanges = {f.exchange};
  p.makers = {f.maker};
  p.signers = {f.signer};
  p.signature_types = {f.signature_type};
  p.max_order_notional.reset();
  f.notional = 1'000'000;
  f.shares = 2'000'000;
  std::optional<Refusal> refusal = Check(p, f, 0);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(RuleId(refusal->rule), "tokens");
}

TEST_F(PolicyFileTest, AWrongTypeOrValueRefusesToStartNamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("chain_id": "137")", "chain_id"},
      {R"("chain_id": 1)", "chain_id"},
      {R"("chain_id": 137.0)", "chain_id"},
      {R"("exchanges": "ctf-v2")", "exchanges"},
      {R"("exchanges": [])", "exchanges"},
      {R"("exchanges": ["ctf-v9"])", "exchanges"},
      {R"("exchanges": [2])", "exchanges"},
      {R"("makers": [])", "makers"},
      {R"("makers": "0x1111111111111111111111111111111111111111")", "makers"},
      {R"("makers": ["0x11"])", "makers"},
      {R"("signers": [])", "signers"},
      {R"("signers": [null])", "signers"},
      {R"("signature_types": [])", "signature_types"},
      {R"("signature_types": ["0"])", "signature_types"},
      {R"("signature_types": [4])", "signature_types"},
      {R"("signature_types": 0)", "signature_types"},
      {R"("max_order_notional": 1000)", "max_order_notional"},
      {R"("max_order_notional": "0")", "max_order_notional"},
      {R"("max_order_notional": "-5")", "max_order_notional"},
      {R"("max_order_notional": "1e3")", "max_order_notional"},
      {R"("max_order_notional": "0.0000001")", "max_order_notional"},
      {R"("max_daily_notional": true)", "max_daily_notional"},
      {R"("max_daily_notional": "")", "max_daily_notional"},
      {R"("price_band": "0.5")", "price_band"},
      {R"("price_band": [])", "price_band"},
      {R"("price_band": {"min": "0.01"})", "price_band.max"},
      {R"("price_band": {"max": "0.99"})", "price_band.min"},
      {R"("price_band": {"min": 0.01, "max": "0.99"})", "price_band.min"},
      {R"("price_band": {"min": "0.01", "max": "0.99", "mid": "0.5"})", "price_band.mid"},
      {R"("price_band": {"min": "0", "max": "0.99"})", "price_band.min"},
      {R"("price_band": {"min": "0.01", "max": "1"})", "price_band"},
      {R"("price_band": {"min": "0.6", "max": "0.4"})", "price_band"},
      {R"("max_signs_per_second": "50")", "max_signs_per_second"},
      {R"("max_signs_per_second": 0)", "max_signs_per_second"},
      {R"("max_signs_per_second": 1.5)", "max_signs_per_second"},
      {R"("max_signs_per_second": -1)", "max_signs_per_second"},
      {R"("max_signs_per_second": 1000001)", "max_signs_per_second"},
      {R"("clob_auth_window_seconds": 0)", "clob_auth_window_seconds"},
      {R"("clob_auth_window_seconds": 3601)", "clob_auth_window_seconds"},
      {R"("clob_auth_window_seconds": "300")", "clob_auth_window_seconds"},
      {R"("max_clob_auths_per_minute": 0)", "max_clob_auths_per_minute"},
      {R"("max_clob_auths_per_minute": 601)", "max_clob_auths_per_minute"},
      {R"("max_order_notionl": "100")", "max_order_notionl"},
      {R"("Tokens": ["1234"])", "Tokens"},
  };
  for (const auto& [member, field] : cases) {
    EXPECT_THAT(field == "chain_id" ? Load("{" + member + "}") : With(member), RefusedNaming(field))
        << member;
  }
}

TEST_F(PolicyFileTest, TheDocumentItselfMustBeAnObjectWithAChain) {
  EXPECT_THAT(Load("{}"), RefusedNaming("chain_id"));
  EXPECT_THAT(Load(R"({"max_order_notional": "5"})"), RefusedNaming("chain_id"));
  EXPECT_THAT(Load("[]"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("JSON object")));
  EXPECT_THAT(Load(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Load(R"({"chain_id": 137, "chain_id": 137})"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace betteroms::policy
