// The kubelet's gRPC probe (`grpc: {port: 50052}`) against the real processes while their APIs
// are TLS-only: it dials the --health-listen port in plaintext HTTP/2 and calls
// grpc.health.v1.Health/Check with service "", expecting SERVING. That port serves nothing else,
// and its answer follows the process's health (oms-server: the database; oms-signer: the
// ledger's folder).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "betteroms/v1/oms.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::betteroms::test::FreePort;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

// What a kubelet sees: a plaintext channel, one Check with a 1 s timeout (its default).
struct ProbeAnswer {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  HealthCheckResponse::ServingStatus status = HealthCheckResponse::UNKNOWN;
};
ProbeAnswer Probe(const std::string& address, const std::string& service = "") {
  auto stub = Health::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
  ctx.AddMetadata("user-agent", "kube-probe/1.29");
  HealthCheckRequest req;
  req.set_service(service);
  HealthCheckResponse resp;
  grpc::Status st = stub->Check(&ctx, req, &resp);
  return {st.error_code(), resp.status()};
}

// Polls until the probe answers `want` (the servers re-check their health every 2 s).
bool WaitForStatus(const std::string& address, HealthCheckResponse::ServingStatus want) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < until) {
    ProbeAnswer a = Probe(address);
    if (a.code == grpc::StatusCode::OK && a.status == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

// The status of an empty unary call to `method` over plaintext: UNIMPLEMENTED when the server
// does not serve it.
grpc::StatusCode CallAnything(const std::string& address, const std::string& method) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::Slice empty("");  // an empty message: every request type parses it
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                 [&done](const grpc::Status& st) { done.set_value(st); });
  return done.get_future().get().error_code();
}

std::string CertsScript() { return std::string(OMS_SOURCE_DIR) + "/deploy/local/certs"; }

TEST(HealthProbeTest, KubeletProbeReachesOmsServerWhoseApiIsTlsOnlyAndFollowsTheDatabase) {
  if (!HaveTestPostgres()) {
    GTEST_FAIL() << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private "
                    "PostgreSQL";
  }
  TempDir certs;
  RunCommand({CertsScript(), certs.path()});
  std::string probe = "127.0.0.1:" + std::to_string(FreePort());
  Stack s({"--tls-cert", certs.File("signer.pem"), "--tls-key", certs.File("signer.key"),
           "--health-listen", probe});
  ASSERT_TRUE(s.ok()) << s.error();

  // The API port speaks TLS only: a plaintext probe there cannot get an answer.
  EXPECT_EQ(Probe(s.address()).code, grpc::StatusCode::UNAVAILABLE);

  // The probe port answers the kubelet's call.
  ASSERT_TRUE(WaitForStatus(probe, HealthCheckResponse::SERVING)) << s.server().Log();
  ProbeAnswer named = Probe(probe, "betteroms.v1.OrderManager");
  EXPECT_EQ(named.code, grpc::StatusCode::OK);
  EXPECT_EQ(named.status, HealthCheckResponse::SERVING);
  EXPECT_EQ(Probe(probe, "some.other.Service").code, grpc::StatusCode::NOT_FOUND);

  // And nothing else: no API, no Watch, no reflection.
  EXPECT_EQ(CallAnything(probe, "/betteroms.v1.OrderManager/ListRuns"),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(CallAnything(probe, "/grpc.health.v1.Health/Watch"), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(CallAnything(probe, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
            grpc::StatusCode::UNIMPLEMENTED);

  // The database goes away: the probe says NOT_SERVING (the kubelet stops routing, then
  // restarts the pod by its liveness settings).
  s.db().Drop();
  EXPECT_TRUE(WaitForStatus(probe, HealthCheckResponse::NOT_SERVING)) << s.server().Log();
}

TEST(HealthProbeTest, KubeletProbeReachesTheMtlsSignerAndFollowsItsLedger) {
  TempDir dir;
  RunCommand({CertsScript(), dir.File("certs")});
  dir.Write("key", kKeyHex, 0600);
  dir.Write("policy.json", R"({"chain_id": 137})");
  std::string probe = "127.0.0.1:" + std::to_string(FreePort());
  BackgroundProcess signer(
      {OmsSignerBin(), "--key-file", dir.File("key"), "--policy", dir.File("policy.json"),
       "--state-dir", dir.File("state"), "--listen", "127.0.0.1:0", "--tls-cert",
       dir.File("certs/signer.pem"), "--tls-key", dir.File("certs/signer.key"), "--client-ca",
       dir.File("certs/ca.pem"), "--port-file", dir.File("signer.port"), "--health-listen", probe},
      {}, dir.File("signer.log"));
  int port = WaitForPortFile(dir.File("signer.port"), 10'000, &signer);
  ASSERT_GT(port, 0) << signer.Log();

  EXPECT_EQ(Probe("127.0.0.1:" + std::to_string(port)).code, grpc::StatusCode::UNAVAILABLE);
  ASSERT_TRUE(WaitForStatus(probe, HealthCheckResponse::SERVING)) << signer.Log();
  EXPECT_EQ(Probe(probe, "betteroms.signer.v1.Signer").status, HealthCheckResponse::SERVING);
  EXPECT_EQ(CallAnything(probe, "/betteroms.signer.v1.Signer/GetIdentity"),
            grpc::StatusCode::UNIMPLEMENTED);

  // The ledger's folder disappears (a volume unmounted): signatures could no longer be
  // remembered across a restart, so the signer stops reporting SERVING.
  std::filesystem::remove_all(dir.File("state"));
  EXPECT_TRUE(WaitForStatus(probe, HealthCheckResponse::NOT_SERVING)) << signer.Log();
  EXPECT_THAT(signer.Log(), HasSubstr(R"("serving":"false")"));
}

TEST(HealthProbeTest, HealthListenMustBeAnAddress) {
  CommandResult r = RunCommand(
      {OmsServerBin(), "--database-url", "postgresql://nowhere/x", "--health-listen", "50052"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--health-listen must be HOST:PORT"));
}

}  // namespace
}  // namespace betteroms::test
