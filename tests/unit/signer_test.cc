// The signer's decisions: policy rules, one intent one order, the daily cap and the intent record
// across restarts, the audit chain, keystores.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <variant>

#include "common/hex.h"
#include "signer/audit/audit_log.h"
#include "signer/crypto/ecdsa.h"
#include "signer/identity.h"
#include "signer/key/keystore.h"
#include "signer/signing_core.h"
#include "tests/support/process.h"
#include "tests/support/static_market.h"
#include "tests/support/status_matchers.h"

namespace betteroms::signer {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

// The outcome signed, with `result_matcher` on its SignResult.
MATCHER_P(IsSignedWith, result_matcher, "is signed") {
  if (!arg.ok()) {
    *result_listener << "whose status is " << arg.status();
    return false;
  }
  if (const auto* refusal = std::get_if<policy::Refusal>(&*arg)) {
    *result_listener << "refused by " << policy::RuleId(refusal->rule) << ": " << refusal->message;
    return false;
  }
  return ::testing::ExplainMatchResult(result_matcher, std::get<SignResult>(*arg), result_listener);
}
MATCHER(IsSigned, "is signed") {
  return ::testing::ExplainMatchResult(IsSignedWith(::testing::_), arg, result_listener);
}

// The outcome is a refusal by `rule` whose message matches `message_matcher`.
MATCHER_P2(IsRefusedBy, rule, message_matcher,
           std::string("is refused by rule ") + std::string(policy::RuleId(rule))) {
  if (!arg.ok()) {
    *result_listener << "whose status is " << arg.status();
    return false;
  }
  const auto* refusal = std::get_if<policy::Refusal>(&*arg);
  if (refusal == nullptr) {
    *result_listener << "which signed";
    return false;
  }
  *result_listener << "refused by " << policy::RuleId(refusal->rule) << ": " << refusal->message;
  return refusal->rule == rule &&
         ::testing::ExplainMatchResult(message_matcher, refusal->message, result_listener);
}

// The SignResult of an outcome the test has already checked signed.
const SignResult& Result(const absl::StatusOr<SignOutcome>& outcome) {
  return std::get<SignResult>(*outcome);
}

// Hardhat's first test key and its address.
constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

key::SecretKey TestKey() {
  auto bytes = *FromHex(kKeyHex);
  return *key::SecretKey::FromBytes(bytes.data(), bytes.size());
}

class SignerTest : public ::testing::Test {
 protected:
  void SetUp() override { clock_.Set(absl::FromUnixSeconds(1'800'000'000)); }

  policy::Policy Policy(const std::string& json) {
    dir_.Write("policy.json", json);
    auto p = policy::LoadPolicy(dir_.File("policy.json"), *crypto::ParseAddress(kAddress));
    EXPECT_THAT(p, IsOk());
    return p.ok() ? *p : policy::RefuseAll();
  }

  std::unique_ptr<SigningCore> Core(const policy::Policy& p) {
    auto core = SigningCore::Create(TestKey(), p, dir_.File("state"), audit_.get(), clock_);
    EXPECT_THAT(core, IsOk());
    return std::move(*core);
  }

  void OpenAudit() { audit_ = *audit::AuditLog::Open(dir_.File("audit.jsonl")); }

  // A BUY of `shares` at `price` (micro-units) for `token`.
  SignRequest Buy(const std::string& intent, int64_t collateral, int64_t shares,
                  const std::string& token = "1234") {
    SignRequest r;
    r.intent_id = intent;
    r.chain_id = 137;
    r.exchange = crypto::Exchange::kCtfV2;
    r.order.salt = crypto::WordFromUint64(42);
    r.order.maker = *crypto::ParseAddress(kAddress);
    r.order.signer = r.order.maker;
    r.order.token_id = *crypto::ParseUint256(token);
    r.order.maker_amount = crypto::WordFromUint64(static_cast<uint64_t>(collateral));
    r.order.taker_amount = crypto::WordFromUint64(static_cast<uint64_t>(shares));
    r.order.timestamp = crypto::WordFromUint64(1'800'000'000'000);
    return r;
  }

  test::TempDir dir_;
  test::ManualClock clock_;
  std::unique_ptr<audit::AuditLog> audit_;
};

constexpr char kPolicy[] = R"({"chain_id": 137, "max_order_notional": "1000",
  "max_daily_notional": "1500", "price_band": {"min": "0.05", "max": "0.95"}})";

TEST_F(SignerTest, SignsAnOrderThatRecoversToTheKey) {
  auto core = Core(Policy(kPolicy));
  auto outcome = core->SignOrder(Buy("i-1", 50'000'000, 100'000'000), "test");
  ASSERT_THAT(outcome, IsSigned());
  const SignResult& r = Result(outcome);
  ASSERT_EQ(r.signature.size(), 65u);
  crypto::Signature sig;
  std::copy(r.signature.begin(), r.signature.end(), sig.begin());
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  EXPECT_EQ(crypto::ChecksumAddress(*crypto::RecoverAddress(ctx, r.order_hash, sig)), kAddress);
  secp256k1_context_destroy(ctx);
}

TEST_F(SignerTest, EachPolicyRuleRefusesWithItsNumbers) {
  auto core =
      Core(Policy(R"({"chain_id": 137, "exchanges": ["ctf-v2"], "max_order_notional": "1000",
    "price_band": {"min": "0.05", "max": "0.95"}, "tokens": ["1234"], "signature_types": [0]})"));
  auto refusal = [&](const SignRequest& r) { return core->SignOrder(r, "test"); };
  EXPECT_THAT(refusal(Buy("a", 1'500'000'000, 3'000'000'000)),
              IsRefusedBy(policy::Rule::kMaxOrderNotional,
                          "order notional 1500.00 exceeds max_order_notional 1000.00"));
  SignRequest chain = Buy("b", 1'000'000, 2'000'000);
  chain.chain_id = 80002;
  EXPECT_THAT(refusal(chain),
              IsRefusedBy(policy::Rule::kChainId, "chain 80002 is not the policy's chain 137"));
  SignRequest exchange = Buy("c", 1'000'000, 2'000'000);
  exchange.exchange = crypto::Exchange::kV3;
  EXPECT_THAT(refusal(exchange),
              IsRefusedBy(policy::Rule::kExchanges, "exchange v3 is not allowed"));
  SignRequest maker = Buy("d", 1'000'000, 2'000'000);
  maker.order.maker = *crypto::ParseAddress("0x1111111111111111111111111111111111111111");
  EXPECT_THAT(refusal(maker), IsRefusedBy(policy::Rule::kMakers, HasSubstr("is not allowed")));
  SignRequest type = Buy("e", 1'000'000, 2'000'000);
  type.order.signature_type = 1;
  EXPECT_THAT(refusal(type),
              IsRefusedBy(policy::Rule::kSignatureTypes, "signature type 1 is not allowed"));
  EXPECT_THAT(refusal(Buy("f", 1'000'000, 2'000'000, "999")),
              IsRefusedBy(policy::Rule::kTokens, "token 999 is not on the allow-list"));
  EXPECT_THAT(refusal(Buy("g", 990'000, 1'000'000)),
              IsRefusedBy(policy::Rule::kPriceBand, "price 0.99 is outside 0.05-0.95"));
  SignRequest other_signer = Buy("h", 1'000'000, 2'000'000);
  other_signer.order.signer = *crypto::ParseAddress("0x2222222222222222222222222222222222222222");
  EXPECT_THAT(refusal(other_signer),
              IsRefusedBy(policy::Rule::kSignerIsKey, HasSubstr("is not this key's address")));
}

TEST_F(SignerTest, TheRateRuleRefusesBursts) {
  auto core = Core(Policy(R"({"chain_id": 137, "max_signs_per_second": 2})"));
  EXPECT_THAT(core->SignOrder(Buy("r1", 1'000'000, 2'000'000), "t"), IsSigned());
  EXPECT_THAT(core->SignOrder(Buy("r2", 1'000'000, 2'000'000), "t"), IsSigned());
  EXPECT_THAT(core->SignOrder(Buy("r3", 1'000'000, 2'000'000), "t"),
              IsRefusedBy(policy::Rule::kMaxSignsPerSecond, "more than 2 signatures per second"));
}

TEST_F(SignerTest, OneIntentSignsOneOrderAcrossRestarts) {
  policy::Policy p = Policy(kPolicy);
  std::string first_signature;
  {
    auto core = Core(p);
    auto r = core->SignOrder(Buy("intent-7", 10'000'000, 20'000'000), "t");
    ASSERT_THAT(r, IsSigned());
    first_signature = ToHex(Result(r).signature);
    auto again = core->SignOrder(Buy("intent-7", 10'000'000, 20'000'000), "t");
    ASSERT_THAT(again, IsSigned());
    EXPECT_TRUE(Result(again).replayed);
    EXPECT_EQ(ToHex(Result(again).signature), first_signature);
  }
  auto restarted = Core(p);
  auto same = restarted->SignOrder(Buy("intent-7", 10'000'000, 20'000'000), "t");
  ASSERT_THAT(same, IsSigned());
  EXPECT_EQ(ToHex(Result(same).signature), first_signature);
  EXPECT_THAT(
      restarted->SignOrder(Buy("intent-7", 11'000'000, 20'000'000), "t"),
      StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("will not sign a different order")));
}

TEST_F(SignerTest, TheDailyCapHoldsAcrossARestartAndResetsAtMidnightUtc) {
  policy::Policy p = Policy(kPolicy);
  {
    auto core = Core(p);
    ASSERT_THAT(core->SignOrder(Buy("d1", 900'000'000, 1'800'000'000), "t"), IsSigned());
  }
  auto core = Core(p);
  EXPECT_THAT(core->SignOrder(Buy("d2", 700'000'000, 1'400'000'000), "t"),
              IsRefusedBy(policy::Rule::kMaxDailyNotional,
                          HasSubstr("on top of 900.00 signed today exceeds max_daily_notional "
                                    "1500.00")));
  EXPECT_THAT(core->SignOrder(Buy("d3", 600'000'000, 1'200'000'000), "t"), IsSigned());
  clock_.Advance(absl::Hours(24));
  EXPECT_THAT(core->SignOrder(Buy("d4", 700'000'000, 1'400'000'000), "t"), IsSigned());
}

TEST_F(SignerTest, TheLedgerKeepsEveryRecordAcrossRestartsAndRefusesDamage) {
  std::string path = dir_.File("ledger.jsonl");
  for (int round = 0; round < 3; ++round) {
    int seen = 0;
    auto ledger = Ledger::Open(path, [&](const LedgerRecord&) { ++seen; });
    ASSERT_THAT(ledger, IsOk());
    EXPECT_EQ(seen, round * 2);
    uint64_t a = (*ledger)->Append({"2026-11-26", "i" + std::to_string(round), "0x1", "ab", 5});
    uint64_t b = (*ledger)->Append({"2026-11-26", "j" + std::to_string(round), "0x2", "cd", 7});
    EXPECT_THAT((*ledger)->WaitDurable(b), IsOk());
    EXPECT_THAT((*ledger)->WaitDurable(a), IsOk());
  }
  // A torn last record (a crash mid-write) is ignored; damage before it is refused.
  std::string text = test::ReadTextFileForTest(path);
  std::string records = text.substr(0, text.find('\0'));
  dir_.Write("torn.jsonl", records + "{\"day\":\"2026-11-26\",\"inte");
  int seen = 0;
  EXPECT_THAT(Ledger::Open(dir_.File("torn.jsonl"), [&](const LedgerRecord&) { ++seen; }), IsOk());
  EXPECT_EQ(seen, 6);
  dir_.Write("damaged.jsonl", "garbage\n" + records);
  EXPECT_THAT(Ledger::Open(dir_.File("damaged.jsonl"), [](const LedgerRecord&) {}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(SignerTest, Poly1271OrdersSignForTheDepositWallet) {
  auto core = Core(Policy(R"({"chain_id": 137, "signature_types": [3],
    "makers": ["0x1111111111111111111111111111111111111111"],
    "signers": ["0x1111111111111111111111111111111111111111"]})"));
  SignRequest r = Buy("w1", 1'000'000, 2'000'000);
  r.order.maker = *crypto::ParseAddress("0x1111111111111111111111111111111111111111");
  r.order.signer = r.order.maker;
  r.order.signature_type = 3;
  auto res = core->SignOrder(r, "t");
  ASSERT_THAT(res, IsSigned());
  // 65 + 32 + 32 + 186 + 2 bytes, as the upstream vector has it (PROTOCOL §2.4 says 315).
  EXPECT_EQ(Result(res).signature.size(), 317u);
  SignRequest other = r;
  other.intent_id = "w2";
  other.order.signer = *crypto::ParseAddress("0x3333333333333333333333333333333333333333");
  other.order.maker = *crypto::ParseAddress("0x1111111111111111111111111111111111111111");
  EXPECT_THAT(core->SignOrder(other, "t"),
              IsRefusedBy(policy::Rule::kSigners, HasSubstr("is not allowed")));
}

TEST_F(SignerTest, EveryDecisionIsAuditedAndTamperingIsFound) {
  OpenAudit();
  {
    auto core = Core(Policy(kPolicy));
    ASSERT_THAT(core->SignOrder(Buy("a1", 1'000'000, 2'000'000), "client-A"), IsSigned());
    EXPECT_THAT(core->SignOrder(Buy("a2", 2'000'000'000, 4'000'000'000), "client-A"),
                IsRefusedBy(policy::Rule::kMaxOrderNotional, ::testing::_));
    ASSERT_THAT(core->SignOrder(Buy("a3", 1'000'000, 2'000'000), "client-A"), IsSigned());
  }
  audit_.reset();
  std::string path = dir_.File("audit.jsonl");
  ASSERT_EQ(*audit::VerifyAuditLog(path), 3);
  std::string text = test::ReadTextFileForTest(path);
  EXPECT_THAT(text, Not(HasSubstr(kKeyHex)));  // never key material
  EXPECT_THAT(text, HasSubstr("\"rule\":\"max_order_notional\""));
  EXPECT_THAT(text, HasSubstr("\"caller\":\"client-A\""));

  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  auto write = [&](const std::vector<std::string>& ls) {
    std::ofstream out(path, std::ios::trunc);
    for (const auto& l : ls) out << l << "\n";
  };
  std::vector<std::string> edited = lines;
  edited[1].replace(edited[1].find("refused"), 7, "signed!");
  write(edited);
  EXPECT_THAT(audit::VerifyAuditLog(path),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("line 2 was edited")));

  write({lines[0], lines[2]});
  EXPECT_THAT(audit::VerifyAuditLog(path),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("line 2 does not follow line 1")));

  write({lines[1], lines[0], lines[2]});
  EXPECT_THAT(audit::VerifyAuditLog(path),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("line 1 does not follow")));

  write(lines);
  EXPECT_THAT(audit::VerifyAuditLog(path), IsOk());
  // A restarted signer continues the chain.
  OpenAudit();
  {
    auto core = Core(Policy(kPolicy));
    ASSERT_THAT(core->SignOrder(Buy("a4", 1'000'000, 2'000'000), "client-B"), IsSigned());
  }
  audit_.reset();
  EXPECT_EQ(*audit::VerifyAuditLog(path), 4);
}

TEST_F(SignerTest, KeystoresRoundTripAndRefuseAWrongPassword) {
  auto address = key::WriteNewKeystore(dir_.File("ks.json"), "correct horse", /*scrypt_n=*/1024);
  ASSERT_THAT(address, IsOk());
  auto key = key::LoadKeystore(dir_.File("ks.json"), "correct horse");
  ASSERT_THAT(key, IsOk());
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  EXPECT_EQ(AddressOf(ctx, *key), *address);
  secp256k1_context_destroy(ctx);
  EXPECT_THAT(key::LoadKeystore(dir_.File("ks.json"), "battery staple"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("wrong password")));
}

TEST_F(SignerTest, ReadsAPbkdf2KeystoreAsGethWritesIt) {
  // The Web3 Secret Storage test vector (pbkdf2, password "testpassword").
  dir_.Write("pbkdf2.json", R"({"crypto": {"cipher": "aes-128-ctr",
    "cipherparams": {"iv": "6087dab2f9fdbbfaddc31a909735c1e6"},
    "ciphertext": "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    "kdf": "pbkdf2", "kdfparams": {"c": 262144, "dklen": 32, "prf": "hmac-sha256",
    "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
    "mac": "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
    "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6", "version": 3})");
  auto key = key::LoadKeystore(dir_.File("pbkdf2.json"), "testpassword");
  ASSERT_THAT(key, IsOk());
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  // Private key 7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d.
  EXPECT_EQ(AddressOf(ctx, *key), "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b");
  secp256k1_context_destroy(ctx);
}

}  // namespace
}  // namespace betteroms::signer
