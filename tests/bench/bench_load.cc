// Load and soak driver for paper trading, against the real oms-server, PostgreSQL and the fake
// CLOB on this machine. Prints figures; run it on purpose (scripts/bench load, scripts/bench
// soak).
//   load: C concurrent gRPC clients (own channels) × P mixed paper plans each (MARKET/LIMIT,
//         BUY/SELL, USDC/SHARES sized, 1-3 trades): errors (must be 0), latency p50/p99/max,
//         throughput.
//   soak: C clients submitting continuously for S seconds; oms-server VmRSS sampled every 10 s
//         after a 30 s warm-up; growth from the first sample to the last (target < 5 %).
// Usage: bench_load [load|soak|both] [--clients C] [--plans P] [--seconds S] [--warmup W]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "betteroms/v1/oms.grpc.pb.h"
#include "tests/support/stack.h"

namespace {

using betteroms::test::Stack;
using Clock = std::chrono::steady_clock;

constexpr int kTokens = 50;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string Token(int i) { return std::to_string(2000000000000000000LL + i); }

std::string ConditionId(int i) {
  std::string hex = std::to_string(i);
  return "0x" + std::string(64 - hex.size(), '0') + hex;
}

int64_t RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// Trade `k` of the mix: every combination of type, side and size unit comes up in turn.
std::string Trade(int k) {
  static const char* const kBodies[] = {
      R"("side": "BUY", "orderType": "MARKET", "size": 5)",
      R"("side": "BUY", "orderType": "LIMIT", "size": 10, "price": 0.40, "sizeUnit": "SHARES")",
      R"("side": "SELL", "orderType": "MARKET", "size": 5, "sizeUnit": "SHARES")",
      R"("side": "SELL", "orderType": "LIMIT", "size": 3, "price": 0.47)",
      R"("side": "BUY", "orderType": "MARKET", "size": 7, "sizeUnit": "SHARES")",
      R"("side": "BUY", "orderType": "LIMIT", "size": 4, "price": 0.50)",
      R"("side": "SELL", "orderType": "LIMIT", "size": 6, "price": 0.44, "sizeUnit": "SHARES")",
      R"("side": "SELL", "orderType": "MARKET", "size": 2)"};
  return R"({"marketTokenId": ")" + Token(k % kTokens) + R"(", "outcome": "Yes", )" +
         kBodies[k % 8] + "}";
}

std::string Plan(const std::string& id, int k) {
  std::string plan = R"({"planId": ")" + id + R"(", "mode": "paper", "trades": [)";
  int trades = 1 + k % 3;
  for (int t = 0; t < trades; ++t) plan += (t ? "," : "") + Trade(k * 3 + t);
  return plan + "]}";
}

std::unique_ptr<betteroms::v1::OrderManager::Stub> NewClient(const std::string& address, int c) {
  grpc::ChannelArguments args;
  args.SetInt("bench.client", c);  // a distinct channel (and connection) per client
  return betteroms::v1::OrderManager::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

struct Outcome {
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::atomic<int> errors{0};
  std::string first_error;
};

// One plan; its latency and any error go to `out`.
void SubmitOne(betteroms::v1::OrderManager::Stub& stub, const std::string& id, int k,
               Outcome& out) {
  betteroms::v1::SubmitPlanRequest req;
  req.set_plan_json(Plan(id, k));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  betteroms::v1::RunSummary resp;
  auto start = Clock::now();
  grpc::Status st = stub.SubmitPlan(&ctx, req, &resp);
  double ms = Ms(Clock::now() - start);
  std::lock_guard<std::mutex> lock(out.mu);
  out.latencies_ms.push_back(ms);
  if (!st.ok()) {
    if (out.errors++ == 0) out.first_error = id + ": " + st.error_message();
  }
}

void Report(const char* what, Outcome& out, double wall_ms) {
  std::printf(
      "%s: %zu plans, %d errors; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
      "throughput %.0f plans/s\n",
      what, out.latencies_ms.size(), out.errors.load(), Percentile(out.latencies_ms, 0.5),
      Percentile(out.latencies_ms, 0.99), Percentile(out.latencies_ms, 1.0),
      static_cast<double>(out.latencies_ms.size()) / (wall_ms / 1000.0));
  if (out.errors > 0) std::printf("  first error: %s\n", out.first_error.c_str());
}

int Load(Stack& stack, int clients, int plans) {
  Outcome out;
  std::vector<std::thread> threads;
  threads.reserve(clients);
  auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = NewClient(stack.address(), c);
      for (int i = 0; i < plans; ++i) {
        SubmitOne(*stub, "load-" + std::to_string(c) + "-" + std::to_string(i), c * plans + i, out);
      }
    });
  }
  for (auto& t : threads) t.join();
  char what[64];
  std::snprintf(what, sizeof(what), "load (%d clients x %d mixed plans)", clients, plans);
  Report(what, out, Ms(Clock::now() - start));
  return out.errors == 0 ? 0 : 1;
}

int Soak(Stack& stack, int clients, int seconds, int warmup) {
  Outcome out;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  threads.reserve(clients);
  auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = NewClient(stack.address(), c);
      for (int i = 0; !stop; ++i) {
        SubmitOne(*stub, "soak-" + std::to_string(c) + "-" + std::to_string(i), c * 100000 + i,
                  out);
      }
    });
  }
  pid_t pid = stack.server().pid();
  std::vector<int64_t> samples;
  std::this_thread::sleep_for(std::chrono::seconds(std::min(warmup, seconds)));
  for (int at = warmup; at <= seconds; at += 10) {
    samples.push_back(RssKb(pid));
    std::printf("  t=%3ds  oms-server VmRSS %.1f MB  plans so far %zu\n", at,
                static_cast<double>(samples.back()) / 1024.0, out.latencies_ms.size());
    std::fflush(stdout);
    if (at + 10 <= seconds) std::this_thread::sleep_for(std::chrono::seconds(10));
  }
  stop = true;
  for (auto& t : threads) t.join();
  char what[96];
  std::snprintf(what, sizeof(what), "soak (%d clients, %d s)", clients, seconds);
  Report(what, out, Ms(Clock::now() - start));
  if (samples.size() < 2) {
    std::printf("soak: too short for RSS samples after a %d s warm-up\n", warmup);
    return out.errors == 0 ? 0 : 1;
  }
  auto first = static_cast<double>(samples.front());
  auto last = static_cast<double>(samples.back());
  auto peak = static_cast<double>(*std::max_element(samples.begin(), samples.end()));
  double growth = (last - first) / first * 100.0;
  std::printf(
      "soak: oms-server VmRSS %.1f MB at %d s, %.1f MB at the end (peak %.1f MB): growth %.2f %% "
      "(target < 5 %%)\n",
      first / 1024.0, warmup, last / 1024.0, peak / 1024.0, growth);
  return out.errors == 0 && growth < 5.0 ? 0 : 1;
}

int Run(int argc, char** argv) {
  std::string mode = "both";
  int clients = 8, plans = 500, seconds = 300, warmup = 30;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "load" || arg == "soak" || arg == "both") {
      mode = arg;
    } else if (arg == "--clients" && i + 1 < argc) {
      clients = std::max(1, std::stoi(argv[++i]));
    } else if (arg == "--plans" && i + 1 < argc) {
      plans = std::max(1, std::stoi(argv[++i]));
    } else if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::max(1, std::stoi(argv[++i]));
    } else if (arg == "--warmup" && i + 1 < argc) {
      warmup = std::max(0, std::stoi(argv[++i]));
    } else {
      std::cerr << "usage: bench_load [load|soak|both] [--clients C] [--plans P] [--seconds S] "
                   "[--warmup W]\n"
                   "  load       C clients x P mixed paper plans (default 8 x 500)\n"
                   "  soak       C clients for S seconds (default 300), RSS every 10 s after W "
                   "(default 30)\n";
      return 2;
    }
  }
  if (!betteroms::test::HaveTestPostgres()) {
    std::cerr << "bench: BETTEROMS_TEST_PG is not set (use scripts/bench)\n";
    return 1;
  }
  Stack stack;
  if (!stack.ok()) {
    std::cerr << stack.error();
    return 1;
  }
  // Deep books, so that no plan runs out of liquidity, and a market per token naming "Yes".
  for (int i = 0; i < kTokens; ++i) {
    stack.clob().SetBook(Token(i), betteroms::test::VenueBookJson(
                                       Token(i), {{"0.45", "100000000"}, {"0.44", "100000000"}},
                                       {{"0.50", "100000000"}, {"0.51", "100000000"}}));
    stack.clob().SetMarket(
        betteroms::test::VenueClobMarketJson(ConditionId(i), {{Token(i), "Yes"}}));
  }
  // Shares for the SELLs: one plan buys plenty of every token.
  {
    std::string seed = R"({"planId": "seed", "mode": "paper", "trades": [)";
    for (int i = 0; i < kTokens; ++i) {
      seed += (i ? "," : "") + std::string(R"({"marketTokenId": ")") + Token(i) +
              R"(", "outcome": "Yes", "side": "BUY", "orderType": "MARKET", "size": 1000000, )"
              R"("sizeUnit": "SHARES"})";
    }
    seed += "]}";
    auto stub = NewClient(stack.address(), -1);
    betteroms::v1::SubmitPlanRequest req;
    req.set_plan_json(seed);
    grpc::ClientContext ctx;
    betteroms::v1::RunSummary resp;
    grpc::Status st = stub->SubmitPlan(&ctx, req, &resp);
    if (!st.ok()) {
      std::cerr << "bench: seed plan failed: " << st.error_message() << "\n";
      return 1;
    }
  }
  int failed = 0;
  if (mode == "load" || mode == "both") failed |= Load(stack, clients, plans);
  if (mode == "soak" || mode == "both") failed |= Soak(stack, clients, seconds, warmup);
  return failed;
}

}  // namespace

int main(int argc, char** argv) {
  // std::stoi and friends throw; a bench reports and fails instead of aborting.
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bench: " << e.what() << "\n";
    return 1;
  }
}
