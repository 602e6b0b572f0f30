// A policy refusal is data, {rule, message}, from the policy up to the gRPC edge: each rule
// yields its own id, and the edge puts that id in the status and in a PolicyRefusal trailer.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>

#include "betteroms/signer/v1/signer.grpc.pb.h"
#include "common/hex.h"
#include "signer/audit/audit_log.h"
#include "signer/grpc/convert.h"
#include "signer/grpc/signer_service.h"
#include "signer/policy/policy.h"
#include "signer/signing_core.h"
#include "tests/support/process.h"
#include "tests/support/static_market.h"
#include "tests/support/status_matchers.h"

namespace betteroms::signer {
namespace {

using ::betteroms::test::IsOk;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::StartsWith;

constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
constexpr char kOther[] = "0x1111111111111111111111111111111111111111";

MATCHER_P(RefusedBy, rule, std::string("is refused by ") + std::string(policy::RuleId(rule))) {
  if (!arg.has_value()) {
    *result_listener << "which allows the order";
    return false;
  }
  *result_listener << "refused by " << policy::RuleId(arg->rule) << ": " << arg->message;
  return arg->rule == rule && !arg->message.empty();
}

const crypto::Address& Key() {
  static const crypto::Address address = *crypto::ParseAddress(kAddress);
  return address;
}

// A policy that allows `Allowed()` and refuses it once any one field is changed.
policy::Policy Strict() {
  policy::Policy p;
  p.chain_id = 137;
  p.exchanges = {crypto::Exchange::kCtfV2};
  p.makers = {Key()};
  p.signers = {Key()};
  p.signature_types = {0};
  p.max_order_notional = 100'000'000;
  p.max_daily_notional = 150'000'000;
  p.min_price = 50'000;
  p.max_price = 950'000;
  p.tokens = std::set<std::string>{"1234"};
  return p;
}

policy::OrderFacts Allowed() {
  policy::OrderFacts f;
  f.chain_id = 137;
  f.exchange = crypto::Exchange::kCtfV2;
  f.maker = Key();
  f.signer = Key();
  f.signature_type = 0;
  f.token_id = "1234";
  f.notional = 10'000'000;
  f.shares = 20'000'000;
  f.price = 500'000;
  return f;
}

// Allowed() at another notional or price: the shares follow (price = notional / shares).
policy::OrderFacts Priced(int64_t notional, int64_t price) {
  policy::OrderFacts f = Allowed();
  f.notional = notional;
  f.shares = notional * 1'000'000 / price;
  f.price = price;
  return f;
}

TEST(PolicyRefusal, EveryRuleHasItsOwnStableId) {
  const std::pair<policy::Rule, const char*> ids[] = {
      {policy::Rule::kChainId, "chain_id"},
      {policy::Rule::kExchanges, "exchanges"},
      {policy::Rule::kMakers, "makers"},
      {policy::Rule::kSigners, "signers"},
      {policy::Rule::kSignatureTypes, "signature_types"},
      {policy::Rule::kTokens, "tokens"},
      {policy::Rule::kPriceBand, "price_band"},
      {policy::Rule::kMaxOrderNotional, "max_order_notional"},
      {policy::Rule::kMaxDailyNotional, "max_daily_notional"},
      {policy::Rule::kMaxSignsPerSecond, "max_signs_per_second"},
      {policy::Rule::kSignerIsKey, "signer_is_key"},
      {policy::Rule::kAmounts, "amounts"},
      {policy::Rule::kNoPolicy, "policy"},
      {policy::Rule::kClobAuthWindow, "clob_auth_window_seconds"},
      {policy::Rule::kMaxClobAuthsPerMinute, "max_clob_auths_per_minute"},
  };
  std::set<std::string> seen;
  for (const auto& [rule, id] : ids) {
    EXPECT_EQ(policy::RuleId(rule), id);
    EXPECT_TRUE(seen.insert(std::string(policy::RuleId(rule))).second) << id;
  }
}

TEST(PolicyRefusal, EachPolicyRuleRefusesWithItsRuleId) {
  const policy::Policy p = Strict();
  EXPECT_EQ(policy::Check(p, Allowed(), 0), std::nullopt);

  policy::OrderFacts f = Allowed();
  f.chain_id = 80002;
  EXPECT_THAT(policy::Check(p, f, 0), RefusedBy(policy::Rule::kChainId));
  f = Allowed();
  f.exchange = crypto::Exchange::kNegRiskV2;
  EXPECT_THAT(policy::Check(p, f, 0), RefusedBy(policy::Rule::kExchanges));
  f = Allowed();
  f.maker = *crypto::ParseAddress(kOther);
  EXPECT_THAT(policy::Check(p, f, 0), RefusedBy(policy::Rule::kMakers));
  f = Allowed();
  f.signer = *crypto::ParseAddress(kOther);
  EXPECT_THAT(policy::Check(p, f, 0), RefusedBy(policy::Rule::kSigners));
  f = Allowed();
  f.signature_type = 2;
  EXPECT_THAT(policy::Check(p, f, 0), RefusedBy(policy::Rule::kSignatureTypes));
  f = Allowed();
  f.token_id = "999";
  EXPECT_THAT(policy::Check(p, f, 0), RefusedBy(policy::Rule::kTokens));
  EXPECT_THAT(policy::Check(p, Priced(10'000'000, 960'000), 0),
              RefusedBy(policy::Rule::kPriceBand));
  EXPECT_THAT(policy::Check(p, Priced(10'000'000, 40'000), 0), RefusedBy(policy::Rule::kPriceBand));
  EXPECT_THAT(policy::Check(p, Priced(100'000'001, 500'000), 0),
              RefusedBy(policy::Rule::kMaxOrderNotional));
  EXPECT_THAT(policy::Check(policy::RefuseAll(), Allowed(), 0), RefusedBy(policy::Rule::kNoPolicy));
  EXPECT_THAT(policy::Check(p, Allowed(), 140'000'001), RefusedBy(policy::Rule::kMaxDailyNotional));
  EXPECT_EQ(policy::Check(p, Allowed(), 140'000'000), std::nullopt);
}

TEST(PolicyRefusal, TheMessageCarriesTheNumbersButNotTheRuleId) {
  std::optional<policy::Refusal> refusal = policy::Check(Strict(), Priced(150'000'000, 500'000), 0);
  ASSERT_THAT(refusal, RefusedBy(policy::Rule::kMaxOrderNotional));
  EXPECT_EQ(refusal->message, "order notional 150.00 exceeds max_order_notional 100.00");
}

TEST(PolicyRefusal, TheGrpcEdgeNamesTheRuleInTheStatus) {
  policy::Refusal notional{policy::Rule::kMaxOrderNotional, "order notional 150.00 exceeds it"};
  grpc::Status st = grpc_api::RefusalStatus(notional);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(st.error_message(), "policy: max_order_notional: order notional 150.00 exceeds it");
  v1::PolicyRefusal wire = grpc_api::ToProto(notional);
  EXPECT_EQ(wire.rule(), "max_order_notional");
  EXPECT_EQ(wire.message(), "order notional 150.00 exceeds it");

  grpc::Status rate =
      grpc_api::RefusalStatus({policy::Rule::kMaxSignsPerSecond, "more than 2 signatures"});
  EXPECT_EQ(rate.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(rate.error_message(), "policy: max_signs_per_second: more than 2 signatures");
  grpc::Status auth_rate = grpc_api::RefusalStatus(
      {policy::Rule::kMaxClobAuthsPerMinute, "more than 10 ClobAuth signatures per minute"});
  EXPECT_EQ(auth_rate.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(grpc_api::RefusalStatus({policy::Rule::kNoPolicy, "no policy"}).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// The service in process (no socket): what a client sees of a refusal.
class SignerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(absl::FromUnixSeconds(1'800'000'000));
    policy::Policy p;
    p.chain_id = 137;
    p.exchanges = {crypto::Exchange::kCtfV2};
    p.makers = {Key()};
    p.signers = {Key()};
    p.signature_types = {0};
    p.max_order_notional = 100'000'000;
    auto bytes = *FromHex(kKeyHex);
    auto core = SigningCore::Create(*key::SecretKey::FromBytes(bytes.data(), bytes.size()), p,
                                    dir_.File("state"), nullptr, clock_);
    ASSERT_THAT(core, IsOk());
    core_ = std::move(*core);
    service_ = std::make_unique<grpc_api::SignerService>(*core_, std::set<std::string>{});
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Signer::NewStub(server_->InProcessChannel({}));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  static v1::SignOrderRequest Order(const std::string& maker_amount) {
    v1::SignOrderRequest r;
    r.set_intent_id("i-" + maker_amount);
    r.set_chain_id(137);
    r.set_exchange(v1::EXCHANGE_CTF_V2);
    auto* o = r.mutable_order();
    o->set_salt("12345");
    o->set_maker(kAddress);
    o->set_signer(kAddress);
    o->set_token_id("1234");
    o->set_maker_amount(maker_amount);
    o->set_taker_amount(std::to_string(2 * std::stoll(maker_amount)));
    o->set_side(v1::SIDE_BUY);
    o->set_signature_type(v1::SIGNATURE_TYPE_EOA);
    o->set_timestamp("1780452718732");
    return r;
  }

  // The PolicyRefusal trailer of a finished call, if any.
  static std::optional<v1::PolicyRefusal> Trailer(const grpc::ClientContext& ctx) {
    auto trailers = ctx.GetServerTrailingMetadata();
    auto it = trailers.find(grpc_api::kPolicyRefusalTrailer);
    if (it == trailers.end()) return std::nullopt;
    v1::PolicyRefusal refusal;
    if (!refusal.ParseFromArray(it->second.data(), static_cast<int>(it->second.size()))) {
      return std::nullopt;
    }
    return refusal;
  }

  test::TempDir dir_;
  test::ManualClock clock_;
  std::unique_ptr<SigningCore> core_;
  std::unique_ptr<grpc_api::SignerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Signer::Stub> stub_;
};

MATCHER_P2(WireRefusal, rule, message_matcher, "is a PolicyRefusal") {
  *result_listener << "rule " << arg.rule() << ", message " << arg.message();
  return arg.rule() == rule &&
         ::testing::ExplainMatchResult(message_matcher, arg.message(), result_listener);
}

TEST_F(SignerServiceTest, ARefusedOrderCarriesItsRuleInTheStatusAndTheTrailer) {
  grpc::ClientContext ctx;
  v1::SignOrderResponse resp;
  grpc::Status st = stub_->SignOrder(&ctx, Order("150000000"), &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(st.error_message(),
            "policy: max_order_notional: order notional 150.00 exceeds max_order_notional 100.00");
  EXPECT_THAT(Trailer(ctx),
              Optional(WireRefusal("max_order_notional",
                                   "order notional 150.00 exceeds max_order_notional 100.00")));
}

TEST_F(SignerServiceTest, ASignedOrderOrAMalformedOneHasNoRefusalTrailer) {
  {
    grpc::ClientContext ctx;
    v1::SignOrderResponse resp;
    grpc::Status st = stub_->SignOrder(&ctx, Order("10000000"), &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_THAT(resp.signature(), StartsWith("0x"));
    EXPECT_EQ(Trailer(ctx), std::nullopt);
  }
  grpc::ClientContext ctx;
  v1::SignOrderResponse resp;
  v1::SignOrderRequest bad = Order("10000000");
  bad.mutable_order()->set_maker("0xnope");
  grpc::Status st = stub_->SignOrder(&ctx, bad, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("order.maker"));
  EXPECT_EQ(Trailer(ctx), std::nullopt);
}

TEST(PolicyRefusal, ARefusedClobAuthIsAuditedWithItsRuleId) {
  test::TempDir dir;
  test::ManualClock clock;
  clock.Set(absl::FromUnixSeconds(1'800'000'000));
  auto audit = audit::AuditLog::Open(dir.File("audit.jsonl"));
  ASSERT_THAT(audit, IsOk());
  auto bytes = *FromHex(kKeyHex);
  auto core = SigningCore::Create(*key::SecretKey::FromBytes(bytes.data(), bytes.size()), Strict(),
                                  dir.File("state"), audit->get(), clock);
  ASSERT_THAT(core, IsOk());
  auto outcome = (*core)->SignClobAuth(80002, "1800000000", crypto::Word{}, "client-A");
  ASSERT_THAT(outcome, IsOk());
  const auto* refusal = std::get_if<policy::Refusal>(&*outcome);
  ASSERT_NE(refusal, nullptr);
  EXPECT_EQ(refusal->rule, policy::Rule::kChainId);
  core->reset();
  audit->reset();
  std::string text = test::ReadTextFileForTest(dir.File("audit.jsonl"));
  EXPECT_THAT(text, HasSubstr("\"decision\":\"refused\",\"rule\":\"chain_id\""));
}

TEST_F(SignerServiceTest, ClobAuthForAnotherChainIsRefusedByChainId) {
  grpc::ClientContext ctx;
  v1::SignClobAuthRequest req;
  req.set_chain_id(80002);
  req.set_timestamp("1800000000");
  v1::SignClobAuthResponse resp;
  grpc::Status st = stub_->SignClobAuth(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(st.error_message(), "policy: chain_id: chain 80002 is not the policy's chain 137");
  EXPECT_THAT(Trailer(ctx), Optional(WireRefusal("chain_id", HasSubstr("chain 80002"))));
}

}  // namespace
}  // namespace betteroms::signer
