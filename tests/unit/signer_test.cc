// The signer's decisions: policy rules, one intent one order, the daily cap and the intent record
// across restarts, the audit chain, keystores.
#include <gtest/gtest.h>

#include <fstream>

#include "common/hex.h"
#include "signer/audit/audit_log.h"
#include "signer/crypto/ecdsa.h"
#include "signer/key/keystore.h"
#include "signer/signer_service.h"
#include "signer/signing_core.h"
#include "tests/support/process.h"
#include "tests/support/static_market.h"

namespace betteroms::signer {
namespace {

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
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : policy::RefuseAll();
  }

  std::unique_ptr<SigningCore> Core(const policy::Policy& p) {
    auto core = SigningCore::Create(TestKey(), p, dir_.File("state"), audit_.get(), clock_);
    EXPECT_TRUE(core.ok()) << core.status();
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
  auto r = core->SignOrder(Buy("i-1", 50'000'000, 100'000'000), "test");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->signature.size(), 65u);
  crypto::Signature sig;
  std::copy(r->signature.begin(), r->signature.end(), sig.begin());
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  EXPECT_EQ(crypto::ChecksumAddress(*crypto::RecoverAddress(ctx, r->order_hash, sig)), kAddress);
  secp256k1_context_destroy(ctx);
}

TEST_F(SignerTest, EachPolicyRuleRefusesWithItsNumbers) {
  auto core =
      Core(Policy(R"({"chain_id": 137, "exchanges": ["ctf-v2"], "max_order_notional": "1000",
    "price_band": {"min": "0.05", "max": "0.95"}, "tokens": ["1234"], "signature_types": [0]})"));
  auto expect_refusal = [&](SignRequest r, const std::string& text) {
    auto res = core->SignOrder(r, "test");
    EXPECT_EQ(res.status().code(), absl::StatusCode::kPermissionDenied) << text;
    EXPECT_NE(res.status().message().find(text), std::string::npos) << res.status();
  };
  expect_refusal(Buy("a", 1'500'000'000, 3'000'000'000),
                 "policy rule max_order_notional: order notional 1500.00 exceeds "
                 "max_order_notional 1000.00");
  SignRequest chain = Buy("b", 1'000'000, 2'000'000);
  chain.chain_id = 80002;
  expect_refusal(chain, "policy rule chain_id");
  SignRequest exchange = Buy("c", 1'000'000, 2'000'000);
  exchange.exchange = crypto::Exchange::kV3;
  expect_refusal(exchange, "policy rule exchanges: exchange v3 is not allowed");
  SignRequest maker = Buy("d", 1'000'000, 2'000'000);
  maker.order.maker = *crypto::ParseAddress("0x1111111111111111111111111111111111111111");
  expect_refusal(maker, "policy rule makers");
  SignRequest type = Buy("e", 1'000'000, 2'000'000);
  type.order.signature_type = 1;
  expect_refusal(type, "policy rule signature_types: signature type 1 is not allowed");
  expect_refusal(Buy("f", 1'000'000, 2'000'000, "999"), "policy rule tokens");
  expect_refusal(Buy("g", 990'000, 1'000'000),
                 "policy rule price_band: price 0.99 is outside 0.05-0.95");
  SignRequest other_signer = Buy("h", 1'000'000, 2'000'000);
  other_signer.order.signer = *crypto::ParseAddress("0x2222222222222222222222222222222222222222");
  EXPECT_EQ(core->SignOrder(other_signer, "test").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(SignerTest, TheRateRuleRefusesBursts) {
  auto core = Core(Policy(R"({"chain_id": 137, "max_signs_per_second": 2})"));
  EXPECT_TRUE(core->SignOrder(Buy("r1", 1'000'000, 2'000'000), "t").ok());
  EXPECT_TRUE(core->SignOrder(Buy("r2", 1'000'000, 2'000'000), "t").ok());
  auto third = core->SignOrder(Buy("r3", 1'000'000, 2'000'000), "t");
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(third.status().message().find("max_signs_per_second"), std::string::npos);
}

TEST_F(SignerTest, OneIntentSignsOneOrderAcrossRestarts) {
  policy::Policy p = Policy(kPolicy);
  std::string first_signature;
  {
    auto core = Core(p);
    auto r = core->SignOrder(Buy("intent-7", 10'000'000, 20'000'000), "t");
    ASSERT_TRUE(r.ok());
    first_signature = ToHex(r->signature);
    auto again = core->SignOrder(Buy("intent-7", 10'000'000, 20'000'000), "t");
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(ToHex(again->signature), first_signature);
  }
  auto restarted = Core(p);
  auto same = restarted->SignOrder(Buy("intent-7", 10'000'000, 20'000'000), "t");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(ToHex(same->signature), first_signature);
  auto different = restarted->SignOrder(Buy("intent-7", 11'000'000, 20'000'000), "t");
  EXPECT_EQ(different.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(different.status().message().find("will not sign a different order"),
            std::string::npos);
}

TEST_F(SignerTest, TheDailyCapHoldsAcrossARestartAndResetsAtMidnightUtc) {
  policy::Policy p = Policy(kPolicy);
  {
    auto core = Core(p);
    ASSERT_TRUE(core->SignOrder(Buy("d1", 900'000'000, 1'800'000'000), "t").ok());
  }
  auto core = Core(p);
  auto over = core->SignOrder(Buy("d2", 700'000'000, 1'400'000'000), "t");
  EXPECT_EQ(over.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(over.status().message().find(
                "on top of 900.00 signed today exceeds max_daily_notional 1500.00"),
            std::string::npos)
      << over.status();
  EXPECT_TRUE(core->SignOrder(Buy("d3", 600'000'000, 1'200'000'000), "t").ok());
  clock_.Advance(absl::Hours(24));
  EXPECT_TRUE(core->SignOrder(Buy("d4", 700'000'000, 1'400'000'000), "t").ok());
}

TEST_F(SignerTest, TheLedgerKeepsEveryRecordAcrossRestartsAndRefusesDamage) {
  std::string path = dir_.File("ledger.jsonl");
  for (int round = 0; round < 3; ++round) {
    int seen = 0;
    auto ledger = Ledger::Open(path, [&](const LedgerRecord&) { ++seen; });
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    EXPECT_EQ(seen, round * 2);
    uint64_t a = (*ledger)->Append({"2026-11-26", "i" + std::to_string(round), "0x1", "ab", 5});
    uint64_t b = (*ledger)->Append({"2026-11-26", "j" + std::to_string(round), "0x2", "cd", 7});
    EXPECT_TRUE((*ledger)->WaitDurable(b).ok());
    EXPECT_TRUE((*ledger)->WaitDurable(a).ok());
  }
  // A torn last record (a crash mid-write) is ignored; damage before it is refused.
  std::string text = test::ReadTextFileForTest(path);
  std::string records = text.substr(0, text.find('\0'));
  dir_.Write("torn.jsonl", records + "{\"day\":\"2026-11-26\",\"inte");
  int seen = 0;
  EXPECT_TRUE(Ledger::Open(dir_.File("torn.jsonl"), [&](const LedgerRecord&) { ++seen; }).ok());
  EXPECT_EQ(seen, 6);
  dir_.Write("damaged.jsonl", "garbage\n" + records);
  auto damaged = Ledger::Open(dir_.File("damaged.jsonl"), [](const LedgerRecord&) {});
  EXPECT_EQ(damaged.status().code(), absl::StatusCode::kFailedPrecondition);
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
  ASSERT_TRUE(res.ok()) << res.status();
  // 65 + 32 + 32 + 186 + 2 bytes, as the upstream vector has it (PROTOCOL §2.4 says 315).
  EXPECT_EQ(res->signature.size(), 317u);
  SignRequest other = r;
  other.intent_id = "w2";
  other.order.signer = *crypto::ParseAddress("0x3333333333333333333333333333333333333333");
  other.order.maker = *crypto::ParseAddress("0x1111111111111111111111111111111111111111");
  auto refused = core->SignOrder(other, "t");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("policy rule signers"), std::string::npos)
      << refused.status();
}

TEST_F(SignerTest, EveryDecisionIsAuditedAndTamperingIsFound) {
  OpenAudit();
  {
    auto core = Core(Policy(kPolicy));
    ASSERT_TRUE(core->SignOrder(Buy("a1", 1'000'000, 2'000'000), "client-A").ok());
    EXPECT_FALSE(core->SignOrder(Buy("a2", 2'000'000'000, 4'000'000'000), "client-A").ok());
    ASSERT_TRUE(core->SignOrder(Buy("a3", 1'000'000, 2'000'000), "client-A").ok());
  }
  audit_.reset();
  std::string path = dir_.File("audit.jsonl");
  ASSERT_EQ(*audit::VerifyAuditLog(path), 3);
  std::string text = test::ReadTextFileForTest(path);
  EXPECT_EQ(text.find(kKeyHex), std::string::npos);  // never key material
  EXPECT_NE(text.find("\"rule\":\"max_order_notional\""), std::string::npos);
  EXPECT_NE(text.find("\"caller\":\"client-A\""), std::string::npos);

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
  auto e = audit::VerifyAuditLog(path);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(e.status().message().find("line 2 was edited"), std::string::npos) << e.status();

  write({lines[0], lines[2]});
  auto removed = audit::VerifyAuditLog(path);
  EXPECT_NE(removed.status().message().find("line 2 does not follow line 1"), std::string::npos)
      << removed.status();

  write({lines[1], lines[0], lines[2]});
  auto reordered = audit::VerifyAuditLog(path);
  EXPECT_NE(reordered.status().message().find("line 1 does not follow"), std::string::npos)
      << reordered.status();

  write(lines);
  EXPECT_TRUE(audit::VerifyAuditLog(path).ok());
  // A restarted signer continues the chain.
  OpenAudit();
  {
    auto core = Core(Policy(kPolicy));
    ASSERT_TRUE(core->SignOrder(Buy("a4", 1'000'000, 2'000'000), "client-B").ok());
  }
  audit_.reset();
  EXPECT_EQ(*audit::VerifyAuditLog(path), 4);
}

TEST_F(SignerTest, KeystoresRoundTripAndRefuseAWrongPassword) {
  auto address = key::WriteNewKeystore(dir_.File("ks.json"), "correct horse", /*scrypt_n=*/1024);
  ASSERT_TRUE(address.ok()) << address.status();
  auto key = key::LoadKeystore(dir_.File("ks.json"), "correct horse");
  ASSERT_TRUE(key.ok()) << key.status();
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  EXPECT_EQ(AddressOf(ctx, *key), *address);
  secp256k1_context_destroy(ctx);
  auto wrong = key::LoadKeystore(dir_.File("ks.json"), "battery staple");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(wrong.status().message().find("wrong password"), std::string::npos);
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
  ASSERT_TRUE(key.ok()) << key.status();
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  // Private key 7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d.
  EXPECT_EQ(AddressOf(ctx, *key), "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b");
  secp256k1_context_destroy(ctx);
}

}  // namespace
}  // namespace betteroms::signer
