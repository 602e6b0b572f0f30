// The foundation end to end: real oms-server, oms-signer and omsctl processes.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "betteroms/signer/v1/signer.grpc.pb.h"
#include "common/hex.h"
#include "signer/crypto/keccak.h"
#include "store/migrations.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FoundationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
  }
};

TEST_F(FoundationTest, HealthReportsServingOnceTheDatabaseAnswers) {
  Stack stack;
  ASSERT_TRUE(stack.ok()) << stack.error();
  CommandResult r = stack.Omsctl({"health"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SERVING\n");
}

TEST_F(FoundationTest, HealthTurnsNotServingWhenTheDatabaseGoesAway) {
  Stack stack;
  ASSERT_TRUE(stack.ok()) << stack.error();
  stack.db().Drop();
  CommandResult r;
  for (int i = 0; i < 50; ++i) {  // the server checks every 2 s
    r = stack.Omsctl({"health"});
    if (r.out == "NOT_SERVING\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(r.out, "NOT_SERVING\n");
  EXPECT_EQ(r.exit_code, 3);
  CommandResult runs = stack.Omsctl({"runs", "list"});
  EXPECT_EQ(runs.exit_code, 3) << runs.err;
}

TEST_F(FoundationTest, RunsListOnAnEmptyDatabasePrintsAnEmptyTable) {
  Stack stack;
  ASSERT_TRUE(stack.ok()) << stack.error();
  CommandResult r = stack.Omsctl({"runs", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 4), "PLAN");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
  CommandResult json = stack.Omsctl({"-o", "json", "runs", "list"});
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_THAT(json.out, HasSubstr("\"runs\": []"));
}

TEST_F(FoundationTest, RunsShowFindsAPlanInsertedByTheTest) {
  Stack stack;
  ASSERT_TRUE(stack.ok()) << stack.error();
  auto conn = stack.db().Connect();
  ASSERT_TRUE(conn->Exec("insert",
                         "INSERT INTO execution_history (plan_id, plan_json, plan_hash, "
                         "mode, status, trade_count, finished_at, error_message) VALUES "
                         "('seeded-1', '{}', 'h', 'paper', 'failed', 3, now(), 'seeded')")
                  .ok());
  CommandResult r = stack.Omsctl({"runs", "show", "seeded-1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Run seeded-1"));
  EXPECT_THAT(r.out, HasSubstr("failed"));
  EXPECT_THAT(r.out, HasSubstr("Trades: 3"));
  CommandResult listed = stack.Omsctl({"runs", "list"});
  EXPECT_THAT(listed.out, HasSubstr("seeded-1"));

  CommandResult missing = stack.Omsctl({"runs", "show", "no-such-plan"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "error: no run for plan \"no-such-plan\"\n");
}

TEST_F(FoundationTest, LivePlansAreRefusedByAServerNotConfiguredForThem) {
  Stack stack;
  ASSERT_TRUE(stack.ok()) << stack.error();
  CommandResult r = stack.Omsctl({"plan", "submit", "-"},
                                 R"({"planId": "live-1", "mode": "live", "trades": [
                                     {"marketTokenId": "1", "outcome": "YES", "side": "BUY",
                                      "orderType": "MARKET", "size": 5}]})");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("live trading is not configured on this server"));
}

TEST_F(FoundationTest, ServerExitsWithAClearErrorWhenPostgresIsDown) {
  TempDir dir;
  CommandResult r =
      RunCommand({OmsServerBin(), "--listen", "127.0.0.1:0"},
                 {{"DATABASE_URL", "postgresql://oms@127.0.0.1:1/betteroms"}}, "", 30);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("oms-server: store: cannot connect to PostgreSQL"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(FoundationTest, ServerRefusesBadConfiguration) {
  CommandResult no_db = RunCommand({OmsServerBin()}, {{"DATABASE_URL", ""}});
  EXPECT_EQ(no_db.exit_code, 1);
  EXPECT_THAT(no_db.err, HasSubstr("set --database-url or DATABASE_URL"));
  CommandResult open = RunCommand({OmsServerBin(), "--listen", "0.0.0.0:50051"},
                                  {{"DATABASE_URL", "postgresql://x@127.0.0.1:1/x"}});
  EXPECT_EQ(open.exit_code, 1);
  EXPECT_THAT(open.err, HasSubstr("beyond loopback without TLS and a bearer token"));
}

TEST_F(FoundationTest, ServerStopsGracefullyOnSigterm) {
  Stack stack;
  ASSERT_TRUE(stack.ok()) << stack.error();
  EXPECT_EQ(stack.server().Stop(), 0);
  EXPECT_THAT(stack.server().Log(), HasSubstr("\"msg\":\"stopped\""));
}

TEST_F(FoundationTest, MigrateSubcommandAppliesAndIsIdempotent) {
  auto db = TestDatabase::Create(/*migrate=*/false);
  for (int i = 0; i < 2; ++i) {
    CommandResult r = RunCommand({OmsServerBin(), "migrate"}, {{"DATABASE_URL", db->url()}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string all = std::to_string(store::EmbeddedMigrations().size());
    EXPECT_THAT(r.err, HasSubstr(absl::StrCat("\"applied\":\"", i == 0 ? all : "0", "\"")));
  }
}

TEST(Omsctl, UnreachableServerIsOneClearLine) {
  CommandResult r = RunCommand({OmsctlBin(), "--server", "127.0.0.1:1", "runs", "list"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err,
            "error: cannot reach oms-server at 127.0.0.1:1 (is it running? set --server or "
            "BETTEROMS_SERVER)\n");
}

TEST(Omsctl, HelpOnEveryLevel) {
  for (auto args : std::vector<std::vector<std::string>>{{"--help"},
                                                         {"runs", "--help"},
                                                         {"plan", "--help"},
                                                         {"orders", "--help"},
                                                         {"plan", "submit", "--help"}}) {
    args.insert(args.begin(), OmsctlBin());
    CommandResult r = RunCommand(args);
    EXPECT_EQ(r.exit_code, 0) << args[1];
    EXPECT_THAT(r.out, HasSubstr("Usage:"));
  }
  CommandResult top = RunCommand({OmsctlBin(), "--help"});
  EXPECT_THAT(top.out, HasSubstr("Exit codes"));
  CommandResult bad = RunCommand({OmsctlBin(), "frobnicate"});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(Signer, ReportsTheAddressOfAKnownKey) {
  TempDir dir;
  dir.Write("key", ToHex(crypto::Keccak256(std::string("cow"))), 0600);
  BackgroundProcess signer({OmsSignerBin(), "--key-file", dir.File("key"), "--listen",
                            "127.0.0.1:0", "--insecure-loopback", "--port-file", dir.File("port")},
                           {}, dir.File("signer.log"));
  int port = WaitForPortFile(dir.File("port"), 10'000, &signer);
  ASSERT_GT(port, 0) << signer.Log();
  auto stub = signer::v1::Signer::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  signer::v1::Identity id;
  grpc::Status st = stub->GetIdentity(&ctx, {}, &id);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(id.address(), "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
  EXPECT_EQ(id.chain_id(), 137u);
  EXPECT_THAT(signer.Log(), Not(HasSubstr(ToHex(crypto::Keccak256(std::string("cow"))))));
}

TEST(Signer, RefusesAWorldReadableKeyAndANonLoopbackPlaintextListener) {
  TempDir dir;
  dir.Write("key", ToHex(crypto::Keccak256(std::string("cow"))), 0644);
  CommandResult r = RunCommand({OmsSignerBin(), "--key-file", dir.File("key"), "--listen",
                                "127.0.0.1:0", "--insecure-loopback"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("readable by group or others"));
  dir.Write("key600", ToHex(crypto::Keccak256(std::string("cow"))), 0600);
  CommandResult open = RunCommand({OmsSignerBin(), "--key-file", dir.File("key600"), "--listen",
                                   "0.0.0.0:0", "--insecure-loopback"});
  EXPECT_EQ(open.exit_code, 1);
  EXPECT_THAT(open.err, HasSubstr("loopback addresses only"));
}

}  // namespace
}  // namespace betteroms::test
