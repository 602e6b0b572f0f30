// oms-signer on a full disk, as a process: with its file size limit lowered under it (what a full
// disk looks like to its writes), a signature is refused with RESOURCE_EXHAUSTED naming the disk
// problem and no signature leaves; the audit chain stays valid; once there is room it signs
// again, without a restart, and a restarted signer accepts its files and remembers every
// signature it released.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <string>

#include "betteroms/signer/v1/signer.grpc.pb.h"
#include "tests/support/process.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

// oms-signer on plaintext loopback with a policy, its ledger and an audit log in `dir`.
class Signer {
 public:
  explicit Signer(const TempDir& dir) : dir_(dir) {
    std::remove(dir.File("signer.port").c_str());
    process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{OmsSignerBin(), "--key-file", dir.File("key"), "--policy",
                                 dir.File("policy.json"), "--state-dir", dir.File("state"),
                                 "--audit-log", dir.File("audit.jsonl"), "--listen", "127.0.0.1:0",
                                 "--insecure-loopback", "--port-file", dir.File("signer.port")},
        std::map<std::string, std::string>{}, dir.File("signer.log"));
    int port = WaitForPortFile(dir.File("signer.port"), 10'000, process_.get());
    if (port > 0) {
      stub_ = signer::v1::Signer::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                              grpc::InsecureChannelCredentials()));
    }
  }
  bool up() const { return stub_ != nullptr; }
  std::string Log() const { return process_->Log(); }
  int Stop() {
    stub_.reset();  // an open channel would hold up the signer's graceful stop
    return process_->Stop();
  }

  // The signer's own file size limit: what its next writes may grow a file to.
  bool LimitFileSize(rlim_t bytes) {
    rlimit limit{bytes, RLIM_INFINITY};
    return prlimit(process_->pid(), RLIMIT_FSIZE, &limit, nullptr) == 0;
  }

  grpc::Status Sign(const std::string& intent, signer::v1::SignOrderResponse* resp) {
    signer::v1::SignOrderRequest r;
    r.set_intent_id(intent);
    r.set_chain_id(137);
    r.set_exchange(signer::v1::EXCHANGE_CTF_V2);
    auto* o = r.mutable_order();
    o->set_salt("12345");
    o->set_maker(kAddress);
    o->set_signer(kAddress);
    o->set_token_id("1234");
    o->set_maker_amount("10000000");
    o->set_taker_amount("20000000");
    o->set_side(signer::v1::SIDE_BUY);
    o->set_signature_type(signer::v1::SIGNATURE_TYPE_EOA);
    o->set_timestamp("1780452718732");
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub_->SignOrder(&ctx, r, resp);
  }

 private:
  const TempDir& dir_;
  std::unique_ptr<BackgroundProcess> process_;
  std::unique_ptr<signer::v1::Signer::Stub> stub_;
};

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

TEST(SignerDiskFull, RefusesToSignWithAClearErrorAndResumesWhenSpaceReturns) {
  TempDir dir;
  dir.Write("key", kKeyHex, 0600);
  dir.Write("policy.json", R"({"chain_id": 137, "max_order_notional": "100"})");
  std::string audit = dir.File("audit.jsonl");
  std::string first_signature;
  {
    Signer signer(dir);
    ASSERT_TRUE(signer.up()) << signer.Log();
    signer::v1::SignOrderResponse resp;
    grpc::Status st = signer.Sign("disk-1", &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    first_signature = resp.signature();

    // The disk fills: the next audit record has room for a fragment only.
    int64_t audit_size = FileSize(audit);
    ASSERT_TRUE(signer.LimitFileSize(static_cast<rlim_t>(audit_size + 64)));
    signer::v1::SignOrderResponse refused;
    st = signer.Sign("disk-2", &refused);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
    EXPECT_THAT(st.error_message(),
                AllOf(HasSubstr("audit log"), HasSubstr("File too large"),
                      HasSubstr("file size limit"), HasSubstr("nothing was signed")));
    EXPECT_TRUE(refused.signature().empty());
    // The fragment was cut off: the log still verifies, and the process still runs.
    EXPECT_EQ(FileSize(audit), audit_size);
    CommandResult verify = RunCommand({OmsSignerBin(), "audit", "verify", audit});
    EXPECT_EQ(verify.exit_code, 0) << verify.err;
    EXPECT_THAT(verify.out, HasSubstr("1 lines, chain intact"));
    EXPECT_THAT(signer.Log(), HasSubstr("a group of records was not written"));

    // Space returns: the same intent signs, without a restart.
    ASSERT_TRUE(signer.LimitFileSize(RLIM_INFINITY));
    st = signer.Sign("disk-2", &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.signature().size(), 132u);

    // It fills again and the signer stops with the failure behind it.
    ASSERT_TRUE(signer.LimitFileSize(static_cast<rlim_t>(FileSize(audit) + 64)));
    EXPECT_EQ(signer.Sign("disk-3", &refused).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_EQ(signer.Stop(), 0) << signer.Log();
  }
  // A restart with room accepts both files, remembers what it released, and signs again.
  Signer restarted(dir);
  ASSERT_TRUE(restarted.up()) << restarted.Log();
  signer::v1::SignOrderResponse resp;
  grpc::Status st = restarted.Sign("disk-1", &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.signature(), first_signature);
  st = restarted.Sign("disk-3", &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(restarted.Stop(), 0) << restarted.Log();
  CommandResult verify = RunCommand({OmsSignerBin(), "audit", "verify", audit});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  // disk-1, disk-2, the replay of disk-1, disk-3: the refused attempts left nothing behind.
  EXPECT_THAT(verify.out, HasSubstr("4 lines, chain intact"));
}

}  // namespace
}  // namespace betteroms::test
