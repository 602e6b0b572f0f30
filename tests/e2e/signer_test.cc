// oms-signer as a process: transports and their refusals, start-up refusals, the audit tool, and
// the OMS reaching it over mTLS.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <thread>

#include "betteroms/signer/v1/signer.grpc.pb.h"
#include "common/hex.h"
#include "signer/key/keystore.h"
#include "tests/support/stack.h"
#include "tests/support/status_matchers.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

std::string CertsScript() { return std::string(OMS_SOURCE_DIR) + "/deploy/local/certs"; }

// A signer with mTLS, pinned to the "oms" client certificate, and a policy.
class MtlsSigner {
 public:
  explicit MtlsSigner(TempDir& dir) : dir_(dir) {
    RunCommand({CertsScript(), dir.File("certs"), "intruder"});
    RunCommand({CertsScript(), dir.File("other-ca"), "stranger"});
    dir.Write("key", kKeyHex, 0600);
    dir.Write("policy.json", R"({"chain_id": 137, "max_order_notional": "100"})");
    process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{OmsSignerBin(),
                                 "--key-file",
                                 dir.File("key"),
                                 "--policy",
                                 dir.File("policy.json"),
                                 "--state-dir",
                                 dir.File("state"),
                                 "--audit-log",
                                 dir.File("audit.jsonl"),
                                 "--listen",
                                 "127.0.0.1:0",
                                 "--tls-cert",
                                 dir.File("certs/signer.pem"),
                                 "--tls-key",
                                 dir.File("certs/signer.key"),
                                 "--client-ca",
                                 dir.File("certs/ca.pem"),
                                 "--pin-client-sha256",
                                 ReadTextFileForTest(dir.File("certs/oms.sha256")).substr(0, 64),
                                 "--port-file",
                                 dir.File("signer.port")},
        std::map<std::string, std::string>{}, dir.File("signer.log"));
    port_ = WaitForPortFile(dir.File("signer.port"), 10'000, process_.get());
  }
  int port() const { return port_; }
  std::string Log() const { return process_->Log(); }

  // A stub presenting `client` (a name in certs/ or other-ca/, or "" for no certificate).
  std::unique_ptr<signer::v1::Signer::Stub> Stub(const std::string& folder,
                                                 const std::string& client) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadTextFileForTest(dir_.File("certs/ca.pem"));
    if (!client.empty()) {
      ssl.pem_cert_chain = ReadTextFileForTest(dir_.File(folder + "/" + client + ".pem"));
      ssl.pem_private_key = ReadTextFileForTest(dir_.File(folder + "/" + client + ".key"));
    }
    return signer::v1::Signer::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::SslCredentials(ssl)));
  }

 private:
  TempDir& dir_;
  std::unique_ptr<BackgroundProcess> process_;
  int port_ = 0;
};

grpc::Status Identity(signer::v1::Signer::Stub& stub, signer::v1::Identity* id) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return stub.GetIdentity(&ctx, {}, id);
}

signer::v1::SignOrderRequest Order(const std::string& intent, const std::string& maker_amount,
                                   const std::string& taker_amount = "20000000") {
  signer::v1::SignOrderRequest r;
  r.set_intent_id(intent);
  r.set_chain_id(137);
  r.set_exchange(signer::v1::EXCHANGE_CTF_V2);
  auto* o = r.mutable_order();
  o->set_salt("12345");
  o->set_maker(kAddress);
  o->set_signer(kAddress);
  o->set_token_id("71321045679252212594626385532706912750332728571942532289631379312455583992563");
  o->set_maker_amount(maker_amount);
  o->set_taker_amount(taker_amount);
  o->set_side(signer::v1::SIDE_BUY);
  o->set_signature_type(signer::v1::SIGNATURE_TYPE_EOA);
  o->set_timestamp("1780452718732");
  return r;
}

TEST(SignerProcess, MtlsServesThePinnedClientOnly) {
  TempDir dir;
  MtlsSigner signer(dir);
  ASSERT_GT(signer.port(), 0) << signer.Log();
  signer::v1::Identity id;
  grpc::Status ok = Identity(*signer.Stub("certs", "oms"), &id);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(id.address(), kAddress);
  EXPECT_THAT(id.policy_summary(), HasSubstr("max order 100.00 USDC"));

  EXPECT_EQ(Identity(*signer.Stub("certs", ""), &id).error_code(), grpc::StatusCode::UNAVAILABLE)
      << "no client certificate";
  EXPECT_EQ(Identity(*signer.Stub("other-ca", "stranger"), &id).error_code(),
            grpc::StatusCode::UNAVAILABLE)
      << "a certificate from another CA";
  grpc::Status unpinned = Identity(*signer.Stub("certs", "intruder"), &id);
  EXPECT_EQ(unpinned.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(unpinned.error_message(), HasSubstr("is not pinned"));
}

TEST(SignerProcess, SignsWithinPolicyAndAuditsEveryDecision) {
  TempDir dir;
  MtlsSigner signer(dir);
  ASSERT_GT(signer.port(), 0) << signer.Log();
  auto stub = signer.Stub("certs", "oms");
  signer::v1::SignOrderResponse resp;
  {
    grpc::ClientContext ctx;
    grpc::Status st = stub->SignOrder(&ctx, Order("i-1", "10000000"), &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.signature().size(), 132u);
  }
  {
    grpc::ClientContext ctx;
    grpc::Status st = stub->SignOrder(&ctx, Order("i-2", "150000000", "300000000"), &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(
        st.error_message(),
        "policy: max_order_notional: order notional 150.00 exceeds max_order_notional 100.00");
    // The rule as data, for programs: a PolicyRefusal in the trailer.
    auto trailers = ctx.GetServerTrailingMetadata();
    auto it = trailers.find("betteroms-policy-refusal-bin");
    ASSERT_NE(it, trailers.end());
    signer::v1::PolicyRefusal refusal;
    ASSERT_TRUE(refusal.ParseFromArray(it->second.data(), static_cast<int>(it->second.size())));
    EXPECT_EQ(refusal.rule(), "max_order_notional");
    EXPECT_EQ(refusal.message(), "order notional 150.00 exceeds max_order_notional 100.00");
  }
  CommandResult verify = RunCommand({OmsSignerBin(), "audit", "verify", dir.File("audit.jsonl")});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("2 lines, chain intact"));
  std::string audit = ReadTextFileForTest(dir.File("audit.jsonl"));
  EXPECT_THAT(audit, HasSubstr("/CN=oms sha256:"));  // the caller's certificate
  EXPECT_THAT(audit, HasSubstr("\"rule\":\"max_order_notional\""));
  EXPECT_THAT(audit, Not(HasSubstr(kKeyHex)));
  // Tampering is reported, with a non-zero exit.
  std::string tampered = audit;
  tampered.replace(tampered.find("\"signed\""), 8, "\"SIGNED\"");
  dir.Write("tampered.jsonl", tampered);
  CommandResult bad = RunCommand({OmsSignerBin(), "audit", "verify", dir.File("tampered.jsonl")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("line 1 was edited"));
}

TEST(SignerProcess, RefusesAWrongKeystorePasswordAndAnUnexpectedAddress) {
  TempDir dir;
  auto address = key::WriteNewKeystore(dir.File("ks.json"), "right", 1024);
  ASSERT_TRUE(address.ok());
  dir.Write("wrong.pw", "wrong\n", 0600);
  dir.Write("right.pw", "right\n", 0600);
  CommandResult wrong =
      RunCommand({OmsSignerBin(), "--keystore", dir.File("ks.json"), "--password-file",
                  dir.File("wrong.pw"), "--listen", "127.0.0.1:0", "--insecure-loopback"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("wrong password"));
  CommandResult other = RunCommand({OmsSignerBin(), "--keystore", dir.File("ks.json"),
                                    "--password-file", dir.File("right.pw"), "--expect-address",
                                    kAddress, "--listen", "127.0.0.1:0", "--insecure-loopback"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, HasSubstr("is not the expected " + std::string(kAddress)));
  CommandResult no_transport = RunCommand(
      {OmsSignerBin(), "--keystore", dir.File("ks.json"), "--password-file", dir.File("right.pw")});
  EXPECT_EQ(no_transport.exit_code, 1);
  EXPECT_THAT(no_transport.err, HasSubstr("no transport"));
}

TEST(SignerProcess, AMalformedPolicyStopsStartUpNamingTheField) {
  TempDir dir;
  dir.Write("key", kKeyHex, 0600);
  const std::pair<const char*, const char*> cases[] = {
      {R"({"chain_id": 137, "tokens": []})", "tokens: must not be empty"},
      {R"({"chain_id": 137, "tokens": "7132"})", "tokens: must be an array"},
      {R"({"chain_id": "137"})", "chain_id: must be an integer"},
      {R"({"chain_id": 137, "max_order_notional": 1000})", "max_order_notional: must be a decimal"},
      {R"({"chain_id": 137, "makers": []})", "makers: must not be empty"},
      {R"({"chain_id": 137, "max_orders": 5})", "max_orders: unknown field"},
  };
  for (const auto& [policy, message] : cases) {
    dir.Write("policy.json", policy);
    // On a refusal the process exits at once; one that starts would be killed after 10 s.
    CommandResult r = RunCommand(
        {OmsSignerBin(), "--key-file", dir.File("key"), "--policy", dir.File("policy.json"),
         "--state-dir", dir.File("state"), "--listen", "127.0.0.1:0", "--insecure-loopback"},
        {}, "", 10);
    EXPECT_EQ(r.exit_code, 1) << policy;
    EXPECT_THAT(r.err, HasSubstr("oms-signer: policy " + dir.File("policy.json") + ": " + message))
        << policy;
  }
}

TEST(SignerProcess, AMissingOrEmptyTlsFileStopsStartUpNamingTheFlagAndPath) {
  TempDir dir;
  RunCommand({CertsScript(), dir.File("certs")});
  dir.Write("key", kKeyHex, 0600);
  dir.Write("empty.pem", "");
  auto start = [&](const std::string& cert, const std::string& key, const std::string& ca) {
    return RunCommand({OmsSignerBin(), "--key-file", dir.File("key"), "--listen", "127.0.0.1:0",
                       "--tls-cert", cert, "--tls-key", key, "--client-ca", ca});
  };
  std::string cert = dir.File("certs/signer.pem");
  std::string key = dir.File("certs/signer.key");
  std::string ca = dir.File("certs/ca.pem");
  std::string missing = dir.File("certs/missing.pem");
  CommandResult no_cert = start(missing, key, ca);
  EXPECT_EQ(no_cert.exit_code, 1);
  EXPECT_THAT(no_cert.err, HasSubstr("--tls-cert: "));
  EXPECT_THAT(no_cert.err, HasSubstr(missing));
  EXPECT_THAT(no_cert.err, HasSubstr("No such file or directory"));
  CommandResult empty_key = start(cert, dir.File("empty.pem"), ca);
  EXPECT_EQ(empty_key.exit_code, 1);
  EXPECT_THAT(empty_key.err, HasSubstr("--tls-key: " + dir.File("empty.pem") + " is empty"));
  CommandResult no_ca = start(cert, key, missing);
  EXPECT_EQ(no_ca.exit_code, 1);
  EXPECT_THAT(no_ca.err, HasSubstr("--client-ca: "));
  EXPECT_THAT(no_ca.err, HasSubstr(missing));
  CommandResult public_bind = RunCommand({OmsSignerBin(), "--key-file", dir.File("key"), "--listen",
                                          "127.evil.com:0", "--insecure-loopback"});
  EXPECT_EQ(public_bind.exit_code, 1);
  EXPECT_THAT(public_bind.err, HasSubstr("--insecure-loopback allows loopback addresses only"));
}

TEST(SignerProcess, ServesAUnixSocketOnlyItsOwnerCanOpen) {
  TempDir dir;
  dir.Write("key", kKeyHex, 0600);
  std::string socket = dir.File("signer.sock");
  BackgroundProcess signer(
      {OmsSignerBin(), "--key-file", dir.File("key"), "--listen", "unix:" + socket}, {},
      dir.File("signer.log"));
  struct stat st {};
  for (int i = 0; i < 200 && stat(socket.c_str(), &st) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (int i = 0; i < 50 && (st.st_mode & 0777) != 0600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stat(socket.c_str(), &st);
  }
  EXPECT_EQ(st.st_mode & 0777, 0600u) << signer.Log();
  auto channel = grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials());
  // The socket exists (mode 0600 from the start) a moment before the server listens on it.
  ASSERT_TRUE(
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)))
      << signer.Log();
  auto stub = signer::v1::Signer::NewStub(channel);
  signer::v1::Identity id;
  grpc::Status s = Identity(*stub, &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(id.address(), kAddress);
}

TEST(SignerProcess, TheOmsShowsTheAccountThroughTheSigner) {
  if (!HaveTestPostgres()) GTEST_FAIL() << "BETTEROMS_TEST_PG is not set: run scripts/test";
  TempDir dir;
  MtlsSigner signer(dir);
  ASSERT_GT(signer.port(), 0) << signer.Log();
  Stack stack({"--signer-addr", "127.0.0.1:" + std::to_string(signer.port()), "--signer-ca",
               dir.File("certs/ca.pem"), "--signer-cert", dir.File("certs/oms.pem"), "--signer-key",
               dir.File("certs/oms.key")});
  ASSERT_TRUE(stack.ok()) << stack.error();
  CommandResult r = stack.Omsctl({"account"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(kAddress));
  EXPECT_THAT(r.out, HasSubstr("137 (Polygon)"));
  EXPECT_THAT(r.out, HasSubstr("\nlive     no (live trading is not configured)\n"));
  CommandResult json = stack.Omsctl({"-o", "json", "account"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"live\": false"));

  Stack without;
  ASSERT_TRUE(without.ok()) << without.error();
  CommandResult none = without.Omsctl({"account"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.err, HasSubstr("no signer is configured"));
}

}  // namespace
}  // namespace betteroms::test
