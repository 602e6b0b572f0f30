// Load driver for the paper-trading targets, against the real oms-server, PostgreSQL and the fake
// CLOB on this machine. Prints figures; asserts nothing (run it on purpose: scripts/bench).
//   (a) 1,000 sequential one-trade plans through gRPC: server-side p50/p99 (target p50 <= 3 ms)
//   (b) `omsctl plan submit` whole-process wall for one plan (target <= 30 ms)
//   (c) one 10,000-trade plan over 100 tokens (target <= 2 s), book requests, DB statements
//   (d) oms-server RSS after (c) (target <= 64 MB)
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "betteroms/v1/oms.grpc.pb.h"
#include "tests/support/stack.h"

namespace {

using betteroms::test::CommandResult;
using betteroms::test::Stack;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string Token(int i) { return std::to_string(1000000000000000000LL + i); }

std::string ConditionId(int i) {
  std::string hex = std::to_string(i);
  return "0x" + std::string(64 - hex.size(), '0') + hex;
}

std::string Trade(const std::string& token, const std::string& body) {
  return R"({"marketTokenId": ")" + token + R"(", "outcome": "YES", )" + body + "}";
}

int64_t RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

}  // namespace

int Run() {
  if (!betteroms::test::HaveTestPostgres()) {
    std::cerr << "bench: BETTEROMS_TEST_PG is not set (use scripts/bench)\n";
    return 1;
  }
  Stack stack;
  if (!stack.ok()) {
    std::cerr << stack.error();
    return 1;
  }
  for (int i = 0; i < 100; ++i) {
    stack.clob().SetBook(Token(i),
                         betteroms::test::VenueBookJson(
                             Token(i), {{"0.45", "1000000"}, {"0.44", "1000000"}},
                             {{"0.50", "1000000"}, {"0.51", "1000000"}, {"0.52", "1000000"}}));
    // As on the venue, every token with a book belongs to a market that names its outcome.
    stack.clob().SetMarket(
        betteroms::test::VenueClobMarketJson(ConditionId(i), {{Token(i), "Yes"}}));
  }
  auto channel = grpc::CreateChannel(stack.address(), grpc::InsecureChannelCredentials());
  auto stub = betteroms::v1::OrderManager::NewStub(channel);

  // (a) sequential one-trade plans.
  std::vector<double> server_ms, client_ms;
  for (int i = 0; i < 1000; ++i) {
    betteroms::v1::SubmitPlanRequest req;
    req.set_plan_json(
        R"({"planId": "seq-)" + std::to_string(i) + R"(", "mode": "paper", "trades": [)" +
        Trade(Token(i % 100), R"("side": "BUY", "orderType": "MARKET", "size": 2)") + "]}");
    grpc::ClientContext ctx;
    betteroms::v1::RunSummary resp;
    auto start = Clock::now();
    grpc::Status st = stub->SubmitPlan(&ctx, req, &resp);
    client_ms.push_back(Ms(Clock::now() - start));
    if (!st.ok()) {
      std::cerr << "bench: submit failed: " << st.error_message() << "\n";
      return 1;
    }
    auto it = ctx.GetServerTrailingMetadata().find("x-oms-server-us");
    server_ms.push_back(std::stod(std::string(it->second.data(), it->second.size())) / 1000.0);
  }
  std::printf(
      "(a) 1000 sequential one-trade plans: server p50 %.2f ms, p99 %.2f ms; "
      "client p50 %.2f ms, p99 %.2f ms\n",
      Percentile(server_ms, 0.5), Percentile(server_ms, 0.99), Percentile(client_ms, 0.5),
      Percentile(client_ms, 0.99));

  // (b) omsctl as a whole process.
  std::vector<double> walls;
  for (int i = 0; i < 50; ++i) {
    std::string file = stack.dir().File("plan-" + std::to_string(i) + ".json");
    std::ofstream(file) << R"({"planId": "cli-)" << i << R"(", "mode": "paper", "trades": [)"
                        << Trade(Token(i), R"("side": "BUY", "orderType": "MARKET", "size": 2)")
                        << "]}";
    auto start = Clock::now();
    CommandResult r = stack.Omsctl({"plan", "submit", file});
    walls.push_back(Ms(Clock::now() - start));
    if (r.exit_code != 0) {
      std::cerr << "bench: omsctl failed: " << r.err;
      return 1;
    }
  }
  std::printf("(b) omsctl plan submit, whole process: p50 %.1f ms, p99 %.1f ms (50 runs)\n",
              Percentile(walls, 0.5), Percentile(walls, 0.99));

  // (c) one 10,000-trade plan over 100 tokens.
  stack.clob().Reset();
  for (int i = 0; i < 100; ++i) {
    stack.clob().SetBook(Token(i),
                         betteroms::test::VenueBookJson(
                             Token(i), {{"0.45", "1000000"}, {"0.44", "1000000"}},
                             {{"0.50", "1000000"}, {"0.51", "1000000"}, {"0.52", "1000000"}}));
    // As on the venue, every token with a book belongs to a market that names its outcome.
    stack.clob().SetMarket(
        betteroms::test::VenueClobMarketJson(ConditionId(i), {{Token(i), "Yes"}}));
  }
  std::string big = R"({"planId": "big-1", "mode": "paper", "trades": [)";
  for (int i = 0; i < 10000; ++i) {
    std::string body =
        i % 4 == 3
            ? R"("side": "BUY", "orderType": "LIMIT", "size": 10, "price": 0.4, "sizeUnit": "SHARES")"
            : R"("side": "BUY", "orderType": "MARKET", "size": 3)";
    big += (i ? "," : "") + Trade(Token(i % 100), body);
  }
  big += "]}";
  betteroms::v1::SubmitPlanRequest req;
  req.set_plan_json(big);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  betteroms::v1::RunSummary resp;
  auto start = Clock::now();
  grpc::Status st = stub->SubmitPlan(&ctx, req, &resp);
  double wall = Ms(Clock::now() - start);
  if (!st.ok()) {
    std::cerr << "bench: big plan failed: " << st.error_message() << "\n";
    return 1;
  }
  std::smatch m;
  std::string log = stack.server().Log();
  std::string statements = "?";
  std::regex re(R"re("plan_id":"big-1","orders":"10000","db_statements":"(\d+)")re");
  if (std::regex_search(log, m, re)) statements = m[1];
  std::printf(
      "(c) 10,000-trade plan over 100 tokens: %.0f ms end to end (%d orders, %s filled); "
      "book requests: %d /books + %d /book; DB statements for the run: %s\n",
      wall, resp.orders_placed(), std::to_string(resp.orders_filled()).c_str(),
      stack.clob().Count("books"), stack.clob().Count("book"), statements.c_str());

  // (d) resident memory of the server after (c).
  std::printf("(d) oms-server RSS after (c): %.1f MB\n", RssKb(stack.server().pid()) / 1024.0);
  return 0;
}

int main() {
  // std::stod, std::regex and friends throw; a bench reports and fails instead of aborting.
  try {
    return Run();
  } catch (const std::exception& e) {
    std::cerr << "bench: " << e.what() << "\n";
    return 1;
  }
}
