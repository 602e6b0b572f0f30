// omsctl end to end beyond the per-noun commands: `omsctl api` calling any OrderManager RPC from
// the compiled-in descriptors against the real oms-server, the flags and files that must fail
// loudly rather than turn into empty strings, and the live-trading controls (`trading`, `account`)
// against a server without live trading.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "betteroms/v1/oms.pb.h"
#include "tests/support/omsctl_fixture.h"
#include "tests/support/plans.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kNo =
    "52114319501245915516055106046884209969926127482827954674443846427813813222426";

constexpr int kUsage = 2;  // omsctl's exit code for invalid input

// Where no server listens: commands that must fail before any call say so without one.
const std::string kNowhere = "127.0.0.1:1";

CommandResult Omsctl(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), OmsctlBin());
  return RunCommand(args, {{"NO_COLOR", "1"}}, input);
}

const google::protobuf::ServiceDescriptor& OrderManager() {
  return *v1::SubmitPlanRequest::descriptor()->file()->FindServiceByName("OrderManager");
}

// A SubmitPlanRequest as proto JSON, the plan's text escaped inside it.
std::string SubmitRequest(const std::string& plan) {
  return nlohmann::json{{"planJson", plan}}.dump();
}

class OmsctlApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    stack_ = std::make_unique<Stack>();
    ASSERT_TRUE(stack_->ok()) << stack_->error();
    stack_->clob().SetBook(kNo, VenueBookJson(kNo, {{"0.49", "100"}}, {{"0.51", "100"}}));
  }

  std::unique_ptr<Stack> stack_;
};

TEST(OmsctlApiList, ListsEveryMethodOfTheServiceWithItsRequestFields) {
  CommandResult r = Omsctl({"--server", kNowhere, "api", "--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const google::protobuf::ServiceDescriptor& service = OrderManager();
  ASSERT_GT(service.method_count(), 0);
  for (int i = 0; i < service.method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *service.method(i);
    EXPECT_THAT(r.out, HasSubstr(method.name() + "(" + method.input_type()->full_name() +
                                 ") returns (" + method.output_type()->full_name() + ")\n"));
    for (int f = 0; f < method.input_type()->field_count(); ++f) {
      EXPECT_THAT(r.out, HasSubstr("  " + method.input_type()->field(f)->json_name() + ": "))
          << method.name();
    }
  }
  EXPECT_THAT(r.out, HasSubstr("SubmitPlan(betteroms.v1.SubmitPlanRequest)"));
  EXPECT_THAT(r.out, HasSubstr("  planJson: string\n  retry: bool\n"));
}

TEST(OmsctlApiList, HelpShowsAnExample) {
  CommandResult r = Omsctl({"api", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("Usage:"));
  EXPECT_THAT(r.out, HasSubstr("omsctl api GetRun '{\"planId\": \"my-plan-1\"}'"));
}

TEST_F(OmsctlApiTest, SubmitPlanRunsAPaperPlanAndPrintsJson) {
  CommandResult r =
      stack_->Omsctl({"api", "SubmitPlan",
                      SubmitRequest(PlanJson("api-1", {TradeJson(kNo, "BUY", "MARKET", "5.1")}))});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["planId"], "api-1");
  EXPECT_EQ(summary["status"], "completed");
  EXPECT_EQ(summary["ordersFilled"], 1);
  ASSERT_EQ(summary["orders"].size(), 1u);
  EXPECT_EQ(summary["orders"][0]["fills"][0]["price"], "0.51");

  // The same run through the typed command: the api answer is not a parallel universe.
  CommandResult shown = stack_->Omsctl({"-o", "json", "runs", "show", "api-1"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(nlohmann::json::parse(shown.out)["summary"]["planId"], "api-1");

  CommandResult again =
      stack_->Omsctl({"api", "betteroms.v1.OrderManager/SubmitPlan",
                      SubmitRequest(PlanJson("api-1", {TradeJson(kNo, "BUY", "MARKET", "5.1")}))});
  EXPECT_EQ(again.exit_code, 4) << again.err;  // conflict, as `plan submit` says it
  EXPECT_THAT(again.err, StartsWith("error: "));
  EXPECT_EQ(again.out, "");
}

TEST_F(OmsctlApiTest, ReadsTheRequestFromStandardInputForDash) {
  CommandResult submitted =
      stack_->Omsctl({"api", "SubmitPlan", "-"},
                     SubmitRequest(PlanJson("api-stdin", {TradeJson(kNo, "BUY", "MARKET", "3")})));
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;

  CommandResult runs = stack_->Omsctl({"api", "/betteroms.v1.OrderManager/ListRuns", "-"},
                                      R"({"limit": 5, "mode": "paper"})");
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  nlohmann::json list = nlohmann::json::parse(runs.out);
  ASSERT_EQ(list["runs"].size(), 1u) << runs.out;
  EXPECT_EQ(list["runs"][0]["planId"], "api-stdin");

  CommandResult empty = stack_->Omsctl({"api", "ListRuns", "-"}, "");
  EXPECT_EQ(empty.exit_code, kUsage);
  EXPECT_EQ(empty.err, "error: request for ListRuns: nothing on standard input\n");
}

TEST_F(OmsctlApiTest, NoArgumentSendsAnEmptyRequest) {
  CommandResult r = stack_->Omsctl({"api", "GetPositions"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["positions"].empty()) << r.out;
}

TEST_F(OmsctlApiTest, GetRunOfAMissingPlanExitsLikeRunsShow) {
  CommandResult r = stack_->Omsctl({"api", "GetRun", R"({"planId": "no-such-plan"})"});
  CommandResult typed = stack_->Omsctl({"runs", "show", "no-such-plan"});
  EXPECT_EQ(r.exit_code, kUsage);  // NOT_FOUND is in the invalid-input class
  EXPECT_EQ(r.exit_code, typed.exit_code);
  EXPECT_EQ(r.err, "error: no run for plan \"no-such-plan\"\n");
  EXPECT_EQ(r.out, "");
}

TEST(OmsctlApiUsage, UnknownMethodIsAUsageErrorNamingIt) {
  for (const std::string& name :
       std::vector<std::string>{"Foo", "betteroms.v1.OrderManager/Foo", "other.Service/GetRun"}) {
    CommandResult r = Omsctl({"--server", kNowhere, "api", name, "{}"});
    EXPECT_EQ(r.exit_code, kUsage) << name;
    EXPECT_EQ(r.err, "error: no method \"" + name +
                         "\" in betteroms.v1.OrderManager; see omsctl api --list\n");
  }
}

TEST(OmsctlApiUsage, MalformedOrUnknownJsonIsAUsageErrorNamingTheMethod) {
  for (const std::string& request :
       std::vector<std::string>{R"({"planId": )", R"({"plan": "x"})", R"([1, 2])"}) {
    CommandResult r = Omsctl({"--server", kNowhere, "api", "GetRun", request});
    EXPECT_EQ(r.exit_code, kUsage) << request;
    EXPECT_THAT(r.err, StartsWith("error: request for GetRun: ")) << request;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(OmsctlApiUsage, NoMethodAndNoListIsAUsageError) {
  CommandResult r = Omsctl({"--server", kNowhere, "api"});
  EXPECT_EQ(r.exit_code, kUsage);
  EXPECT_EQ(r.err, "error: api: give a METHOD, or --list to see them\n");
}

TEST(OmsctlApiUsage, AnUnreachableServerIsTheSameClearLineAsForOtherCommands) {
  CommandResult api = Omsctl({"--server", kNowhere, "api", "ListRuns"});
  CommandResult typed = Omsctl({"--server", kNowhere, "runs", "list"});
  EXPECT_EQ(api.exit_code, 3);
  EXPECT_EQ(api.err, typed.err);
  EXPECT_THAT(api.err, HasSubstr("cannot reach oms-server at 127.0.0.1:1"));
}

// Missing secrets and plans: each names the flag (or the plan) and the path, exits with the usage
// code and never reaches the server with an empty token or an empty trust store.
TEST(OmsctlFiles, AMissingTokenFileIsAnErrorNamingTheFlagAndPath) {
  TempDir dir;
  const std::string missing = dir.File("no-token");
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"runs", "list"}, {"health"}, {"api", "ListRuns"}}) {
    std::vector<std::string> args = {"--server", kNowhere, "--auth-token-file", missing};
    args.insert(args.end(), command.begin(), command.end());
    CommandResult r = Omsctl(args);
    EXPECT_EQ(r.exit_code, kUsage) << command[0];
    EXPECT_EQ(r.err, "error: --auth-token-file: read " + missing + ": No such file or directory\n");
  }
}

TEST(OmsctlFiles, AnEmptyTokenFileIsAnError) {
  TempDir dir;
  dir.Write("token", " \n", 0600);
  CommandResult r =
      Omsctl({"--server", kNowhere, "--auth-token-file", dir.File("token"), "runs", "list"});
  EXPECT_EQ(r.exit_code, kUsage);
  EXPECT_EQ(r.err, "error: --auth-token-file: " + dir.File("token") + " is empty\n");
}

TEST(OmsctlFiles, AMissingOrUnreadableCaFileIsAnErrorNamingTheFlagAndPath) {
  TempDir dir;
  CommandResult missing =
      Omsctl({"--server", kNowhere, "--tls-ca", dir.File("ca.pem"), "positions"});
  EXPECT_EQ(missing.exit_code, kUsage);
  EXPECT_EQ(missing.err,
            "error: --tls-ca: read " + dir.File("ca.pem") + ": No such file or directory\n");
  CommandResult directory = Omsctl({"--server", kNowhere, "--tls-ca", dir.path(), "tick"});
  EXPECT_EQ(directory.exit_code, kUsage);
  EXPECT_THAT(directory.err, StartsWith("error: --tls-ca: "));
  EXPECT_THAT(directory.err, HasSubstr(dir.path()));
}

TEST(OmsctlFiles, AMissingPlanFileIsAnErrorNamingThePath) {
  TempDir dir;
  for (const std::string& verb : std::vector<std::string>{"submit", "validate"}) {
    CommandResult r = Omsctl({"--server", kNowhere, "plan", verb, dir.File("plan.json")});
    EXPECT_EQ(r.exit_code, kUsage) << verb;
    EXPECT_EQ(r.err,
              "error: plan file: read " + dir.File("plan.json") + ": No such file or directory\n");
  }
}

// The happy path of the same flags: a TLS server that wants a bearer token gets one.
TEST(OmsctlTls, TheTokenAndCaReachATlsServer) {
  if (!HaveTestPostgres()) GTEST_FAIL() << "BETTEROMS_TEST_PG is not set: run scripts/test";
  TempDir dir;
  CommandResult certs =
      RunCommand({std::string(OMS_SOURCE_DIR) + "/deploy/local/certs", dir.File("certs")});
  ASSERT_EQ(certs.exit_code, 0) << certs.err;
  dir.Write("token", "s3cret\n", 0600);
  dir.Write("wrong", "guess\n", 0600);
  Stack stack({"--tls-cert", dir.File("certs/signer.pem"), "--tls-key",
               dir.File("certs/signer.key"), "--auth-token-file", dir.File("token")});
  ASSERT_TRUE(stack.ok()) << stack.error();
  const std::string ca = dir.File("certs/ca.pem");

  CommandResult ok =
      stack.Omsctl({"--tls-ca", ca, "--auth-token-file", dir.File("token"), "api", "ListRuns"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("\"runs\": []"));
  CommandResult typed =
      stack.Omsctl({"--tls-ca", ca, "--auth-token-file", dir.File("token"), "runs", "list"});
  EXPECT_EQ(typed.exit_code, 0) << typed.err;

  CommandResult wrong =
      stack.Omsctl({"--tls-ca", ca, "--auth-token-file", dir.File("wrong"), "api", "ListRuns"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.err;  // UNAUTHENTICATED: the "other" class
  EXPECT_EQ(wrong.err, "error: missing or wrong bearer token\n");
}

// The kill switch: `trading status|halt|resume`, as text and as JSON, persisted by the server.
using OmsctlTradingTest = OmsctlTest;

TEST_F(OmsctlTradingTest, StatusOfAFreshDatabaseIsNotHalted) {
  CommandResult r = stack_->Omsctl({"trading", "status"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, MatchesRegex("live trading is not halted since [0-9T:.Z-]+\n"));
  EXPECT_EQ(r.err, "");
  nlohmann::json state = Trading();
  EXPECT_EQ(state["halted"], false);
  EXPECT_EQ(state["reason"], "");
  EXPECT_THAT(state["changedAt"].get<std::string>(), MatchesRegex("[0-9]{4}-.*Z"));
}

TEST_F(OmsctlTradingTest, HaltIsPersistedWithItsReasonAndResumeLiftsIt) {
  CommandResult halt = stack_->Omsctl({"trading", "halt", "--reason", "x"});
  ASSERT_EQ(halt.exit_code, 0) << halt.err;
  EXPECT_THAT(halt.out, MatchesRegex("live trading is halted since [0-9T:.Z-]+: x\n"));

  // A second process asks the server, which reads the database: the halt outlives the call.
  CommandResult status = stack_->Omsctl({"trading", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out, halt.out);
  EXPECT_EQ(Count("SELECT count(*) FROM trading_controls WHERE halted AND reason = 'x'"), 1);

  nlohmann::json state = Trading();
  ASSERT_TRUE(state.is_object());
  EXPECT_EQ(state.size(), 3u) << state.dump();
  EXPECT_EQ(state["halted"], true);
  EXPECT_EQ(state["reason"], "x");
  EXPECT_THAT(halt.out, HasSubstr(" since " + state["changedAt"].get<std::string>() + ": x"));

  CommandResult resume = stack_->Omsctl({"-o", "json", "trading", "resume"});
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  nlohmann::json resumed = Json(resume);
  EXPECT_EQ(resumed["halted"], false);
  EXPECT_EQ(resumed["reason"], "");
  EXPECT_EQ(Trading(), resumed);
  CommandResult after = stack_->Omsctl({"trading", "status"});
  EXPECT_THAT(after.out, MatchesRegex("live trading is not halted since [0-9T:.Z-]+\n"));
}

TEST_F(OmsctlTradingTest, ResumeKeepsItsReason) {
  ASSERT_EQ(stack_->Omsctl({"trading", "halt"}).exit_code, 0);
  EXPECT_EQ(Trading()["halted"], true);
  CommandResult resume = stack_->Omsctl({"trading", "resume", "--reason", "incident over"});
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  EXPECT_THAT(resume.out,
              MatchesRegex("live trading is not halted since [0-9T:.Z-]+: incident over\n"));
  EXPECT_EQ(Trading()["reason"], "incident over");
}

TEST_F(OmsctlTradingTest, PaperPlansRunWhileLiveTradingIsHalted) {
  stack_->clob().SetBook(kNo, VenueBookJson(kNo, {{"0.49", "100"}}, {{"0.51", "100"}}));
  ASSERT_EQ(stack_->Omsctl({"trading", "halt", "--reason", "drill"}).exit_code, 0);
  CommandResult r = Submit(PlanJson("paper-while-halted", {TradeJson(kNo, "BUY", "MARKET", "5")}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Run("paper-while-halted")["status"], "completed");
}

TEST(OmsctlTradingUsage, HelpNamesEachSubcommandAndAnUnreachableServerExitsUnavailable) {
  CommandResult help = Omsctl({"trading", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* sub : {"halt", "resume", "status"}) {
    EXPECT_THAT(help.out, HasSubstr(sub)) << help.out;
  }
  EXPECT_THAT(help.out, HasSubstr("omsctl trading halt --reason"));
  CommandResult halt_help = Omsctl({"trading", "halt", "--help"});
  EXPECT_EQ(halt_help.exit_code, 0);
  EXPECT_THAT(halt_help.out, HasSubstr("--reason"));
  EXPECT_THAT(Omsctl({"--help"}).out, HasSubstr("trading"));

  CommandResult none = Omsctl({"trading"});
  EXPECT_EQ(none.exit_code, kUsage);
  CommandResult down = Omsctl({"--server", kNowhere, "trading", "status"});
  EXPECT_EQ(down.exit_code, 3);
  EXPECT_THAT(down.err, HasSubstr("cannot reach oms-server at 127.0.0.1:1"));
}

// Live orders as the journal leaves them, written straight into the database (a live-enabled
// server comes with its own suite): the table adds the venue's status and a short hash, and says
// why each rejected, not_sent or unknown order ended there; JSON keeps the whole hash.
TEST_F(OmsctlTradingTest, OrdersListShowsALiveOrdersVenueStatusHashAndReason) {
  const std::string hash = "0x" + std::string(60, 'a') + "beef";
  auto conn = stack_->db().Connect();
  ASSERT_TRUE(conn->Exec("run",
                         "INSERT INTO execution_history (plan_id, plan_json, plan_hash, "
                         "mode, status, trade_count) VALUES ('live-1', '{}', 'h', 'live', "
                         "'completed', 3)")
                  .ok());
  const std::string columns =
      "INSERT INTO orders (plan_id, trade_index, mode, token_id, outcome, side, order_type, "
      "time_in_force, limit_price, size_shares, maker_amount, taker_amount, status, reason, "
      "order_hash, signature, venue_status, venue_error, intent_id, salt, exchange, maker, signer, "
      "signature_type, order_time_ms, expiration, metadata, builder) VALUES ";
  const std::string live = "'ctf-v2', '0xm', '0xs', 1, 1, 0, '0x0', '0x0')";
  for (const std::string& values : std::vector<std::string>{
           absl::StrCat("('live-1', 0, 'live', '", kNo,
                        "', 'No', 'BUY', 'LIMIT', 'GTC', 500000, 10000000, 5000000, 10000000, "
                        "'open', NULL, '",
                        hash, "', '0xsig', 'live', NULL, 'i-0', '1', ", live),
           absl::StrCat("('live-1', 1, 'live', '", kNo,
                        "', 'No', 'BUY', 'LIMIT', 'GTC', 500000, 10000000, 5000000, 10000000, "
                        "'not_sent', 'signer refused: over the daily limit', NULL, NULL, NULL, "
                        "NULL, 'i-1', '2', ",
                        live),
           absl::StrCat("('live-1', 2, 'live', '", kNo,
                        "', 'No', 'BUY', 'LIMIT', 'GTC', 500000, 10000000, 5000000, 10000000, "
                        "'rejected', NULL, '0x",
                        std::string(64, 'c'),
                        "', '0xsig', NULL, 'not enough balance / allowance', 'i-2', '3', ",
                        live)}) {
    auto inserted = conn->Exec("order", absl::StrCat(columns, values));
    ASSERT_TRUE(inserted.ok()) << inserted.status();
  }

  CommandResult r = stack_->Omsctl({"orders", "list", "--plan", "live-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, MatchesRegex("ID +PLAN .* STATUS +VENUE +HASH\n(.|\n)*"));
  EXPECT_THAT(r.out, HasSubstr("open      live   0xaaaaaa…beef"));
  EXPECT_THAT(r.out, HasSubstr(": signer refused: over the daily limit\n"));
  EXPECT_THAT(r.out, HasSubstr(": venue: not enough balance / allowance\n"));
  EXPECT_THAT(r.out, Not(HasSubstr(hash)));

  CommandResult json = stack_->Omsctl({"-o", "json", "orders", "list", "--plan", "live-1"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json orders = Json(json)["orders"];
  ASSERT_EQ(orders.size(), 3u) << json.out;
  bool found = false;
  for (const auto& o : orders) found = found || o.value("orderHash", "") == hash;
  EXPECT_TRUE(found) << json.out;

  // A paper table is as it was: no venue columns.
  stack_->clob().SetBook(kNo, VenueBookJson(kNo, {{"0.49", "100"}}, {{"0.51", "100"}}));
  ASSERT_EQ(Submit(PlanJson("paper-1", {TradeJson(kNo, "BUY", "MARKET", "5")})).exit_code, 0);
  CommandResult paper = stack_->Omsctl({"orders", "list", "--mode", "paper"});
  ASSERT_EQ(paper.exit_code, 0) << paper.err;
  EXPECT_THAT(paper.out, Not(HasSubstr("VENUE")));
  EXPECT_THAT(paper.out, Not(HasSubstr("HASH")));
}

// A server started without --signer-addr: GetAccount is FAILED_PRECONDITION, the "other" class.
TEST_F(OmsctlTradingTest, AccountWithoutASignerSaysSoAndExitsOne) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"account"}, {"-o", "json", "account"}}) {
    CommandResult r = stack_->Omsctl(args);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_EQ(r.err,
              "error: no signer is configured: start oms-server with --signer-addr (or "
              "SIGNER_ADDR)\n");
    EXPECT_EQ(r.out, "");
  }
}

}  // namespace
}  // namespace betteroms::test
