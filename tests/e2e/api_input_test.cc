// The OMS API's input edge end to end (issue #11, items 8-10): plans too large or not UTF-8 are
// refused by omsctl before sending and by oms-server before parsing, each with the limit or the
// byte offset; a plan's violations travel as google.rpc.BadRequest, all of them; the bearer
// token never crosses the network in plaintext, and a token file that cannot be read is an error.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "betteroms/v1/oms.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/support/omsctl_fixture.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int kUsage = 2;  // omsctl's exit code for invalid input
constexpr int kUnavailable = 3;
const std::string kNowhere = "127.0.0.1:1";  // nothing listens: a refusal before any call

CommandResult Omsctl(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), OmsctlBin());
  return RunCommand(args, {{"NO_COLOR", "1"}}, input);
}

// A plan of `n` trades whose side is "HOLD": exactly `n` violations.
std::string PlanWithBadSides(int n) {
  std::string out = R"({"planId": "many", "mode": "paper", "trades": [)";
  for (int i = 0; i < n; ++i) {
    out += std::string(i ? "," : "") + R"({"marketTokenId": "1001", "outcome": "YES", )" +
           R"("side": "HOLD", "orderType": "MARKET", "size": 1})";
  }
  return out + "]}";
}

// A request whose field 1 (plan_json) holds `plan` byte for byte, encoded by hand: protobuf's own
// serializer would complain about a string that is not UTF-8.
std::string RequestBytes(const std::string& plan) {
  std::string out = "\x0a";
  for (uint64_t n = plan.size();; n >>= 7) {
    if (n < 0x80) {
      out.push_back(static_cast<char>(n));
      break;
    }
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
  }
  return out + plan;
}

// Calls `method` of OrderManager with raw request bytes, as any client could.
grpc::Status RawCall(const std::string& address, const std::string& method,
                     const std::string& request) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1);
  grpc::ByteBuffer resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  std::string path = "/betteroms.v1.OrderManager/" + method;
  return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel.get(), grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC),
      &ctx, req, &resp);
}

using ApiInputTest = OmsctlTest;

TEST_F(ApiInputTest, APlanThatIsNotUtf8IsInvalidArgumentWithItsOffsetFromTheServer) {
  const std::string plan = "{\"planId\": \"caf\xc3\xa9-\xff\", \"mode\": \"paper\"}";
  for (const std::string method : {"SubmitPlan", "ValidatePlan"}) {
    grpc::Status st = RawCall(stack_->address(), method, RequestBytes(plan));
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
    EXPECT_EQ(st.error_message(), "the plan is not valid UTF-8: byte 0xff at offset 18") << method;
  }
  // Well-formed bytes through the same raw path still run.
  grpc::Status ok = RawCall(stack_->address(), "ValidatePlan", RequestBytes(PlanWithBadSides(1)));
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(RawCall(stack_->address(), "SubmitPlan", "\xff\xff").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Methods the server does not have are still answered UNIMPLEMENTED.
  EXPECT_EQ(RawCall(stack_->address(), "NoSuchMethod", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(ApiInputTest, APlanPastTheLimitIsRefusedNamingItAndAHostileOneQuickly) {
  std::string big = R"({"planId": "big", "notes": ")" + std::string(9 << 20, 'x') + R"("})";
  grpc::Status st = RawCall(stack_->address(), "SubmitPlan", RequestBytes(big));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("the limit is 8388608 bytes (8 MiB)"));

  std::string hostile = R"({"planId": "keys", "trades": [{)";
  for (int i = 0; hostile.size() < (7 << 20); ++i) {
    hostile += "\"key-padded-to-twenty-" + std::to_string(i) + "\":0,";
  }
  hostile += R"("key-padded-to-twenty-0": 1}]})";
  auto started = std::chrono::steady_clock::now();
  grpc::Status dup = RawCall(stack_->address(), "SubmitPlan", RequestBytes(hostile));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(dup.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(dup.error_message(), HasSubstr("duplicate key \"key-padded-to-twenty-0\""));
  RecordProperty("hostile_plan_seconds", std::to_string(seconds));
}

TEST_F(ApiInputTest, AThousandViolationsReachOmsctlWhole) {
  const std::string plan = PlanWithBadSides(1000);
  CommandResult submit = Submit(plan);
  EXPECT_EQ(submit.exit_code, kUsage);
  EXPECT_THAT(submit.err, StartsWith("error: the plan is invalid (1000 problems):\n"));
  for (int i : {0, 1, 500, 998, 999}) {
    EXPECT_THAT(submit.err, HasSubstr("\n  trades[" + std::to_string(i) +
                                      "].side: must be \"BUY\" or \"SELL\", got \"HOLD\"\n"));
  }
  size_t lines = 0;
  for (size_t at = submit.err.find("\n  trades["); at != std::string::npos;
       at = submit.err.find("\n  trades[", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1000u);

  // As JSON, the google.rpc.Status with its BadRequest.
  CommandResult json = SubmitJson(plan);
  EXPECT_EQ(json.exit_code, kUsage);
  nlohmann::json status = Json(json);
  EXPECT_EQ(status.value("code", 0), 3);
  ASSERT_EQ(status["details"].size(), 1u) << json.out;
  EXPECT_EQ(status["details"][0].value("@type", ""), "type.googleapis.com/google.rpc.BadRequest");
  const nlohmann::json& violations = status["details"][0]["fieldViolations"];
  ASSERT_EQ(violations.size(), 1000u);
  EXPECT_EQ(violations[999].value("field", ""), "trades[999].side");

  // ValidatePlan answers with its verdict: every violation in the response.
  CommandResult validate = Validate(plan);
  EXPECT_EQ(validate.exit_code, kUsage);
  EXPECT_THAT(validate.out, StartsWith("plan is invalid (1000 problems):\n"));
  EXPECT_THAT(validate.out, HasSubstr("  trades[999].side: must be"));
}

TEST_F(ApiInputTest, AnyGrpcClientFindsTheViolationsInTheStatusDetails) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_MAX_METADATA_SIZE, 4 << 20);
  auto stub = v1::OrderManager::NewStub(
      grpc::CreateCustomChannel(stack_->address(), grpc::InsecureChannelCredentials(), args));
  v1::SubmitPlanRequest req;
  req.set_plan_json(PlanWithBadSides(1000));
  v1::RunSummary resp;
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-oms-max-error-details", "1000000");
  grpc::Status st = stub->SubmitPlan(&ctx, req, &resp);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(st.error_message().size(), 1100u);
  EXPECT_THAT(st.error_message(), EndsWith(" more"));
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(st.error_details()));
  EXPECT_EQ(details.code(), 3);
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 1000);
  EXPECT_EQ(bad.field_violations(999).field(), "trades[999].side");
  EXPECT_EQ(bad.field_violations(999).description(), "must be \"BUY\" or \"SELL\", got \"HOLD\"");
}

// A client that says nothing gets what fits in gRPC's default 8 KiB of metadata: still
// INVALID_ARGUMENT with the first violations, and one entry that says how to get the rest.
TEST_F(ApiInputTest, AClientWithGrpcsDefaultsGetsTheFirstViolationsAndHowToGetAll) {
  auto stub = v1::OrderManager::NewStub(
      grpc::CreateChannel(stack_->address(), grpc::InsecureChannelCredentials()));
  for (int n : {10, 1000}) {
    v1::SubmitPlanRequest req;
    req.set_plan_json(PlanWithBadSides(n));
    v1::RunSummary resp;
    grpc::ClientContext ctx;
    grpc::Status st = stub->SubmitPlan(&ctx, req, &resp);
    ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << n << st.error_message();
    google::rpc::Status details;
    ASSERT_TRUE(details.ParseFromString(st.error_details())) << n;
    google::rpc::BadRequest bad;
    ASSERT_TRUE(details.details(0).UnpackTo(&bad)) << n;
    if (n == 10) {
      EXPECT_EQ(bad.field_violations_size(), 10);
      continue;
    }
    ASSERT_GT(bad.field_violations_size(), 10);
    ASSERT_LT(bad.field_violations_size(), 1000);
    const auto& last = bad.field_violations(bad.field_violations_size() - 1);
    EXPECT_EQ(last.field(), "");
    EXPECT_THAT(
        last.description(),
        StartsWith("and " + std::to_string(1001 - bad.field_violations_size()) + " more not sent"));
    EXPECT_THAT(last.description(), HasSubstr("x-oms-max-error-details"));
  }
}

TEST(OmsctlPlanText, APlanThatIsNotUtf8OrTooLargeIsRefusedBeforeSending) {
  TempDir dir;
  dir.Write("bad.json", "{\"planId\": \"p\xe2\x82\", \"mode\": \"paper\"}");
  for (const std::string verb : {"submit", "validate"}) {
    // kNowhere: were the plan sent, the error would be the unreachable server (exit 3).
    CommandResult file = Omsctl({"--server", kNowhere, "plan", verb, dir.File("bad.json")});
    EXPECT_EQ(file.exit_code, kUsage) << verb << file.err;
    EXPECT_EQ(file.err, "error: " + dir.File("bad.json") +
                            ": the plan is not valid UTF-8: byte 0xe2 at offset 13\n");
    CommandResult in = Omsctl({"--server", kNowhere, "plan", verb, "-"}, "[\"\xc0\x80\"]");
    EXPECT_EQ(in.exit_code, kUsage) << verb << in.err;
    EXPECT_EQ(in.err,
              "error: standard input: the plan is not valid UTF-8: byte 0xc0 at offset 2\n");
  }
  std::string big = R"({"planId": "big", "notes": ")" + std::string(9 << 20, 'x') + R"("})";
  CommandResult large = Omsctl({"--server", kNowhere, "plan", "submit", "-"}, big);
  EXPECT_EQ(large.exit_code, kUsage) << large.err;
  EXPECT_THAT(large.err, HasSubstr("the limit is 8388608 bytes (8 MiB)"));
  // Plain UTF-8 passes the check and meets the (absent) server.
  CommandResult fine =
      Omsctl({"--server", kNowhere, "plan", "validate", "-"}, "{\"planId\": \"caf\xc3\xa9\"}");
  EXPECT_EQ(fine.exit_code, kUnavailable) << fine.err;
}

TEST(OmsctlToken, ATokenIsNeverSentInPlaintextBeyondLoopback) {
  TempDir dir;
  dir.Write("token", "s3cret\n", 0600);
  for (const std::string server : {"oms.example.invalid:50051", "dns:///oms.example.invalid:443",
                                   "127.evil.example:50051", "0.0.0.0:50051"}) {
    CommandResult r =
        Omsctl({"--server", server, "--auth-token-file", dir.File("token"), "runs", "list"});
    EXPECT_EQ(r.exit_code, kUsage) << server << r.err;
    EXPECT_EQ(r.err,
              "error: --auth-token-file: refusing to send the bearer token in plaintext "
              "to " +
                  server + ": give --tls-ca to reach it over TLS, or use a loopback address\n");
  }
  // On loopback it goes ahead (and meets no server).
  CommandResult local =
      Omsctl({"--server", kNowhere, "--auth-token-file", dir.File("token"), "runs", "list"});
  EXPECT_EQ(local.exit_code, kUnavailable) << local.err;
}

TEST(OmsctlToken, AMissingOrUnreadableTokenFileIsAnError) {
  TempDir dir;
  CommandResult missing =
      Omsctl({"--server", kNowhere, "--auth-token-file", dir.File("token"), "runs", "list"});
  EXPECT_EQ(missing.exit_code, kUsage);
  EXPECT_EQ(missing.err, "error: --auth-token-file: read " + dir.File("token") +
                             ": No such file or directory\n");
  CommandResult directory =
      Omsctl({"--server", kNowhere, "--auth-token-file", dir.path(), "runs", "list"});
  EXPECT_EQ(directory.exit_code, kUsage);
  EXPECT_EQ(directory.err, "error: --auth-token-file: read " + dir.path() + ": Is a directory\n");
}

// oms-server checks the token file before anything else: no database is needed to see it refuse.
CommandResult StartServer(const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {OmsServerBin(), "--database-url",
                                   "postgresql://127.0.0.1:1/none", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunCommand(argv, {}, "", 30);
}

TEST(ServerToken, TheServerRefusesToStartWithATokenItCannotReadOrWouldNotCheck) {
  TempDir dir;
  CommandResult certs =
      RunCommand({std::string(OMS_SOURCE_DIR) + "/deploy/local/certs", dir.File("certs")});
  ASSERT_EQ(certs.exit_code, 0) << certs.err;
  const std::vector<std::string> tls = {"--tls-cert", dir.File("certs/signer.pem"), "--tls-key",
                                        dir.File("certs/signer.key")};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), tls.begin(), tls.end());
    return StartServer(more);
  };
  CommandResult missing = with({"--auth-token-file", dir.File("token")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, EndsWith("oms-server: --auth-token-file: read " + dir.File("token") +
                                    ": No such file or directory\n"));
  dir.Write("empty", "\n", 0600);
  CommandResult empty = with({"--auth-token-file", dir.File("empty")});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_THAT(empty.err,
              EndsWith("oms-server: --auth-token-file: " + dir.File("empty") + " is empty\n"));
  CommandResult directory = with({"--auth-token-file", dir.path()});
  EXPECT_EQ(directory.exit_code, 1);
  EXPECT_THAT(directory.err, HasSubstr("--auth-token-file: read " + dir.path()));

  // A token without TLS would be ignored: refused instead.
  dir.Write("token", "s3cret\n", 0600);
  CommandResult plaintext = StartServer({"--auth-token-file", dir.File("token")});
  EXPECT_EQ(plaintext.exit_code, 1);
  EXPECT_THAT(plaintext.err, HasSubstr("--auth-token-file needs --tls-cert and --tls-key"));
}

}  // namespace
}  // namespace betteroms::test
