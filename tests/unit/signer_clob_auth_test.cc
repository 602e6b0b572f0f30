// SignClobAuth under policy: refused without one, for another chain, for a timestamp outside a
// window of now, beyond a rate; every decision audited with its timestamp and nonce.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <variant>
#include <vector>

#include "common/hex.h"
#include "signer/audit/audit_log.h"
#include "signer/crypto/ecdsa.h"
#include "signer/signing_core.h"
#include "tests/support/process.h"
#include "tests/support/signer_matchers.h"
#include "tests/support/static_market.h"
#include "tests/support/status_matchers.h"

namespace betteroms::signer {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;

constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
constexpr int64_t kNow = 1'800'000'000;

class ClobAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(absl::FromUnixSeconds(kNow));
    audit_ = *audit::AuditLog::Open(dir_.File("audit.jsonl"));
  }

  std::unique_ptr<SigningCore> Core(const policy::Policy& p) {
    auto bytes = *FromHex(kKeyHex);
    auto core =
        SigningCore::Create(*key::SecretKey::FromBytes(bytes.data(), bytes.size()), p,
                            dir_.File("state-" + std::to_string(++cores_)), audit_.get(), clock_);
    EXPECT_THAT(core, IsOk());
    return std::move(*core);
  }
  std::unique_ptr<SigningCore> Core(const std::string& json) {
    dir_.Write("policy.json", json);
    auto p = policy::LoadPolicy(dir_.File("policy.json"), *crypto::ParseAddress(kAddress));
    EXPECT_THAT(p, IsOk());
    return Core(p.ok() ? *p : policy::RefuseAll());
  }

  static std::string At(int64_t offset) { return std::to_string(kNow + offset); }

  // The audit log's records, once the log is closed.
  std::vector<nlohmann::json> AuditRecords() {
    audit_.reset();
    std::vector<nlohmann::json> out;
    std::istringstream in(test::ReadTextFileForTest(dir_.File("audit.jsonl")));
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  test::TempDir dir_;
  test::ManualClock clock_;
  std::unique_ptr<audit::AuditLog> audit_;
  int cores_ = 0;
};

TEST_F(ClobAuthTest, IsRefusedWithoutAPolicy) {
  auto core = Core(policy::RefuseAll());
  EXPECT_THAT(core->SignClobAuth(137, At(0), crypto::Word{}, "t"),
              IsRefusedBy("policy", HasSubstr("without --policy")));
  EXPECT_THAT(core->SignClobAuth(80002, At(0), crypto::Word{}, "t"),
              IsRefusedBy("policy", HasSubstr("without --policy")));
}

TEST_F(ClobAuthTest, SignsForThePolicysChainOnlyAndRecoversToTheKey) {
  auto core = Core(R"({"chain_id": 137})");
  EXPECT_THAT(core->SignClobAuth(80002, At(0), crypto::Word{}, "t"),
              IsRefusedBy("chain_id", "chain 80002 is not the policy's chain 137"));
  auto signed_auth = core->SignClobAuth(137, At(0), crypto::Word{}, "t");
  ASSERT_THAT(signed_auth, IsSigned());
  crypto::Hash256 digest =
      crypto::ClobAuthDigest(137, *crypto::ParseAddress(kAddress), At(0), crypto::Word{});
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  auto recovered = crypto::RecoverAddress(ctx, digest, std::get<crypto::Signature>(*signed_auth));
  secp256k1_context_destroy(ctx);
  ASSERT_TRUE(recovered.has_value());
  EXPECT_EQ(crypto::ChecksumAddress(*recovered), kAddress);
}

TEST_F(ClobAuthTest, TheTimestampMustBeWithinTheWindowOfNow) {
  auto core = Core(R"({"chain_id": 137, "max_clob_auths_per_minute": 600})");
  EXPECT_THAT(core->SignClobAuth(137, At(-300), crypto::Word{}, "t"), IsSigned());
  EXPECT_THAT(core->SignClobAuth(137, At(300), crypto::Word{}, "t"), IsSigned());
  EXPECT_THAT(core->SignClobAuth(137, At(-301), crypto::Word{}, "t"),
              IsRefusedBy("clob_auth_window_seconds",
                          "timestamp 1799999699 is 301 s behind the signer's clock (1800000000); "
                          "the window is 300 s"));
  EXPECT_THAT(core->SignClobAuth(137, At(301), crypto::Word{}, "t"),
              IsRefusedBy("clob_auth_window_seconds", HasSubstr("is 301 s ahead of")));
  EXPECT_THAT(core->SignClobAuth(137, "0", crypto::Word{}, "t"),
              IsRefusedBy("clob_auth_window_seconds", HasSubstr("behind")));
  EXPECT_THAT(core->SignClobAuth(137, "999999999999", crypto::Word{}, "t"),
              IsRefusedBy("clob_auth_window_seconds", HasSubstr("ahead of")));
  EXPECT_THAT(core->SignClobAuth(137, "18e8", crypto::Word{}, "t"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("decimal unix seconds")));

  auto narrow = Core(R"({"chain_id": 137, "clob_auth_window_seconds": 10})");
  EXPECT_THAT(narrow->SignClobAuth(137, At(-10), crypto::Word{}, "t"), IsSigned());
  EXPECT_THAT(narrow->SignClobAuth(137, At(-11), crypto::Word{}, "t"),
              IsRefusedBy("clob_auth_window_seconds", HasSubstr("the window is 10 s")));
}

TEST_F(ClobAuthTest, IsRateLimitedPerMinute) {
  auto core = Core(R"({"chain_id": 137, "max_clob_auths_per_minute": 3})");
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(core->SignClobAuth(137, At(0), crypto::WordFromUint64(i), "t"), IsSigned()) << i;
    clock_.Advance(absl::Seconds(10));
  }
  // 30 s after the first: still three in the last minute.
  EXPECT_THAT(
      core->SignClobAuth(137, At(30), crypto::Word{}, "t"),
      IsRefusedBy("max_clob_auths_per_minute", "more than 3 ClobAuth signatures per minute"));
  // A minute after the first, one slot is free again; a refusal took none.
  clock_.Set(absl::FromUnixSeconds(kNow + 60));
  EXPECT_THAT(core->SignClobAuth(137, At(60), crypto::Word{}, "t"), IsSigned());
  EXPECT_THAT(core->SignClobAuth(137, At(60), crypto::Word{}, "t"),
              IsRefusedBy("max_clob_auths_per_minute", HasSubstr("more than 3")));
  // The default is a few per minute, not unlimited.
  auto defaults = Core(R"({"chain_id": 137})");
  int signed_count = 0;
  for (int i = 0; i < 100; ++i) {
    if (std::holds_alternative<crypto::Signature>(
            *defaults->SignClobAuth(137, At(60), crypto::Word{}, "t"))) {
      ++signed_count;
    }
  }
  EXPECT_EQ(signed_count, 10);
}

TEST_F(ClobAuthTest, EveryDecisionIsAuditedWithItsTimestampAndNonce) {
  {
    auto core = Core(R"({"chain_id": 137})");
    ASSERT_THAT(core->SignClobAuth(137, At(5), crypto::WordFromUint64(7), "client-A"), IsSigned());
    EXPECT_THAT(core->SignClobAuth(137, At(-3600), crypto::WordFromUint64(8), "client-B"),
                IsRefusedBy("clob_auth_window_seconds", ::testing::_));
    EXPECT_THAT(core->SignClobAuth(80002, At(0), crypto::WordFromUint64(9), "client-C"),
                IsRefusedBy("chain_id", ::testing::_));
    EXPECT_THAT(core->SignClobAuth(137, "soon", *crypto::ParseUint256("12345678901234567890123"),
                                   "client-D"),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
  std::vector<nlohmann::json> records = AuditRecords();
  ASSERT_EQ(records.size(), 4u);
  const nlohmann::json& ok = records[0];
  EXPECT_EQ(ok["kind"], "clob_auth");
  EXPECT_EQ(ok["caller"], "client-A");
  EXPECT_EQ(ok["decision"], "signed");
  EXPECT_EQ(ok["chain_id"], 137);
  EXPECT_EQ(ok["timestamp"], At(5));
  EXPECT_EQ(ok["nonce"], "7");
  EXPECT_EQ(ok["time"], "2027-01-15T08:00:00.000Z");
  crypto::Hash256 digest = crypto::ClobAuthDigest(137, *crypto::ParseAddress(kAddress), At(5),
                                                  crypto::WordFromUint64(7));
  EXPECT_EQ(ok["digest"], "0x" + ToHex(digest));

  EXPECT_EQ(records[1]["decision"], "refused");
  EXPECT_EQ(records[1]["rule"], "clob_auth_window_seconds");
  EXPECT_EQ(records[1]["timestamp"], At(-3600));
  EXPECT_EQ(records[1]["nonce"], "8");
  EXPECT_EQ(records[2]["rule"], "chain_id");
  EXPECT_EQ(records[2]["chain_id"], 80002);
  EXPECT_EQ(records[2]["nonce"], "9");
  EXPECT_EQ(records[3]["rule"], "timestamp");
  EXPECT_EQ(records[3]["timestamp"], "(malformed)");
  EXPECT_EQ(records[3]["nonce"], "12345678901234567890123");
  absl::StatusOr<int> lines = audit::VerifyAuditLog(dir_.File("audit.jsonl"));
  ASSERT_THAT(lines, IsOk());
  EXPECT_EQ(*lines, 4);
}

}  // namespace
}  // namespace betteroms::signer
