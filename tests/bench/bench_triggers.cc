// Load driver for the price-trigger target: a tick (RunTick over gRPC, as the CronJob's
// `omsctl tick` calls it) over 10,000 armed triggers on 200 tokens in <= 1 s against the fake
// CLOB, with market-data requests and database statements per tick counted. Runs the paper stack
// on this machine (oms-server, PostgreSQL, the fake CLOB in this process) and prints figures;
// asserts nothing.
//
// Every token has a book (bid 0.45, ask 0.50). One plan of 10,000 triggered BUYs (MARKET, 5 USDC)
// spread evenly over the tokens arms them all: each waits for "bestAsk below 0.02", which these
// books never cross, so nothing fires; the first trade of each of the tokens [0, fire) waits for
// "bestAsk below 0.30" instead. The tick is run twice to warm up, then `steady` times with nothing
// to fire; then the books of the tokens [0, fire) move to ask 0.25, and the next tick fires one
// trigger on each of them (the others stay armed), followed by one more steady tick.
// Per tick: the gRPC round trip, the server's handler time (x-oms-server-us), the CPU time spent
// by oms-server, by this process (the fake CLOB) and by the database's backends (from
// /proc/<pid>/task/*/schedstat), the database statements the handler executed
// (x-oms-db-statements) and prepared (x-oms-db-prepares) and transactions it committed
// (x-oms-db-commits), and the fake CLOB's market-data requests by endpoint.
//   bench_triggers [--triggers N] [--tokens T] [--fire F] [--steady S]
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "betteroms/v1/oms.grpc.pb.h"
#include "store/db.h"
#include "tests/support/stack.h"

namespace {

using betteroms::test::Stack;
using Clock = std::chrono::steady_clock;

// The fake CLOB's market-data endpoints, in the table's order.
const std::vector<std::string> kEndpoints = {
    "books", "book", "tick-size", "neg-risk", "markets-by-token", "clob-markets", "midpoint"};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string Load() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string Token(int i) { return std::to_string(5000000000000000000LL + i); }

std::string ConditionId(int i) {
  std::string hex = std::to_string(i);
  return "0x" + std::string(64 - hex.size(), '0') + hex;
}

std::string Book(int token, const std::string& bid, const std::string& ask) {
  return betteroms::test::VenueBookJson(Token(token), {{bid, "1000000"}},
                                        {{ask, "1000000"}, {"0.60", "1000000"}});
}

// Trade g watches token g % tokens; the first trade of each of the tokens [0, fire) waits for a
// level the bench's second books cross.
std::string Plan(int triggers, int tokens, int fire) {
  std::string out = R"({"planId": "triggers", "mode": "paper", "trades": [)";
  for (int g = 0; g < triggers; ++g) {
    int token = g % tokens;
    const char* level = g < fire ? "0.30" : "0.02";
    out += (g > 0 ? ", " : "") + std::string(R"({"marketTokenId": ")") + Token(token) +
           R"(", "outcome": "Yes", "side": "BUY", "orderType": "MARKET", "size": 5, )" +
           R"("trigger": {"price": "bestAsk", "below": )" + level + "}}";
  }
  return out + "]}";
}

// CPU time (ms) the threads of process `pid` have run so far (nanoseconds on a CPU).
double CpuMs(int pid) {
  double ns = 0;
  std::error_code ec;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    double run = 0;
    if (in >> run) ns += run;
  }
  return ns / 1e6;
}

// CPU time of the run database's backends, read from the maintenance database.
class PgProbe {
 public:
  explicit PgProbe(const std::string& db_url) : db_name_(db_url.substr(db_url.rfind('/') + 1)) {
    auto conn = betteroms::store::Connection::Open(
        betteroms::test::WithDatabase(db_url, "postgres"), betteroms::store::ConnectOptions{});
    if (conn.ok()) conn_ = std::move(*conn);
  }
  std::map<int, double> BackendCpuMs() {
    std::map<int, double> out;
    if (conn_ == nullptr) return out;
    auto res = conn_->Exec("bench", "SELECT pid::text FROM pg_stat_activity WHERE datname = $1",
                           betteroms::store::Params().Add(db_name_));
    if (!res.ok()) return out;
    for (int row = 0; row < res->rows(); ++row) {
      int pid = std::stoi(res->Text(row, 0));
      out[pid] = CpuMs(pid);
    }
    return out;
  }

 private:
  std::string db_name_;
  std::unique_ptr<betteroms::store::Connection> conn_;
};

struct TickSample {
  double client_ms = 0;
  double server_ms = 0;
  double server_cpu_ms = 0;
  double fake_cpu_ms = 0;
  double pg_cpu_ms = 0;
  int64_t statements = 0;
  int64_t prepares = 0;
  int64_t commits = 0;
  std::map<std::string, int> requests;  // market-data requests by endpoint, this tick
  int watched = 0;
  int fired = 0;
  std::string message;
};

int64_t Trailer(const grpc::ClientContext& ctx, const char* key) {
  auto it = ctx.GetServerTrailingMetadata().find(key);
  if (it == ctx.GetServerTrailingMetadata().end()) return -1;
  return std::stoll(std::string(it->second.data(), it->second.size()));
}

std::map<std::string, int> Counts(betteroms::test::FakeClob& clob) {
  std::map<std::string, int> out;
  for (const std::string& e : kEndpoints) out[e] = clob.Count(e);
  return out;
}

bool Tick(Stack& stack, betteroms::v1::OrderManager::Stub& stub, PgProbe& pg, TickSample* out) {
  std::map<std::string, int> before = Counts(stack.clob());
  std::map<int, double> pg_before = pg.BackendCpuMs();
  double server_before = CpuMs(stack.server().pid());
  double fake_before = CpuMs(getpid());
  betteroms::v1::RunTickRequest req;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  betteroms::v1::TickReport resp;
  auto start = Clock::now();
  grpc::Status st = stub.RunTick(&ctx, req, &resp);
  out->client_ms = Ms(Clock::now() - start);
  out->fake_cpu_ms = CpuMs(getpid()) - fake_before;
  out->server_cpu_ms = CpuMs(stack.server().pid()) - server_before;
  for (const auto& [pid, ms] : pg.BackendCpuMs()) {
    out->pg_cpu_ms += ms - (pg_before.count(pid) ? pg_before.at(pid) : 0);
  }
  if (!st.ok()) {
    std::cerr << "bench: tick: " << st.error_message() << "\n";
    return false;
  }
  if (resp.skipped()) {
    std::cerr << "bench: tick skipped: " << resp.message() << "\n";
    return false;
  }
  out->server_ms = static_cast<double>(Trailer(ctx, "x-oms-server-us")) / 1000.0;
  out->statements = Trailer(ctx, "x-oms-db-statements");
  out->prepares = Trailer(ctx, "x-oms-db-prepares");
  out->commits = Trailer(ctx, "x-oms-db-commits");
  for (const auto& [endpoint, n] : Counts(stack.clob())) {
    int delta = n - before.at(endpoint);
    if (delta != 0) out->requests[endpoint] = delta;
  }
  out->watched = resp.triggers_watched();
  out->fired = resp.triggers_fired();
  out->message = resp.message();
  return true;
}

void PrintHeader() {
  std::printf("  %-8s %-19s %-20s %-19s %s\n", "", "wall ms", "cpu ms", "database",
              "market-data requests");
  std::printf("  %-8s %9s %9s %6s %6s %6s %6s %4s %7s", "tick", "client", "server", "server",
              "fake", "pg", "stmts", "prep", "commits");
  for (const std::string& e : kEndpoints) {
    std::printf(" %*s", std::max<int>(5, e.size()), e.c_str());
  }
  std::printf(" %7s %5s\n", "watched", "fired");
}

void PrintRow(const std::string& label, const TickSample& s) {
  std::printf("  %-8s %9.1f %9.1f %6.1f %6.1f %6.1f %6lld %4lld %7lld", label.c_str(), s.client_ms,
              s.server_ms, s.server_cpu_ms, s.fake_cpu_ms, s.pg_cpu_ms,
              static_cast<long long>(s.statements), static_cast<long long>(s.prepares),
              static_cast<long long>(s.commits));
  for (const std::string& e : kEndpoints) {
    std::printf(" %*d", std::max<int>(5, e.size()), s.requests.count(e) ? s.requests.at(e) : 0);
  }
  std::printf(" %7d %5d\n", s.watched, s.fired);
  std::fflush(stdout);
}

int Run(int argc, char** argv) {
  int triggers = 10000;
  int tokens = 200;
  int fire = 10;
  int steady = 5;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--triggers" && i + 1 < argc) {
      triggers = std::stoi(argv[++i]);
    } else if (arg == "--tokens" && i + 1 < argc) {
      tokens = std::stoi(argv[++i]);
    } else if (arg == "--fire" && i + 1 < argc) {
      fire = std::stoi(argv[++i]);
    } else if (arg == "--steady" && i + 1 < argc) {
      steady = std::max(1, std::stoi(argv[++i]));
    } else {
      std::cerr << "usage: bench_triggers [--triggers N] [--tokens T] [--fire F] [--steady S]\n"
                   "  --triggers  armed triggers, one plan (default 10000, at most 10000)\n"
                   "  --tokens    tokens they watch, evenly (default 200)\n"
                   "  --fire      triggers fired in the firing tick, one per token (default 10)\n"
                   "  --steady    timed ticks with nothing to fire (default 5)\n";
      return 2;
    }
  }
  if (triggers < 1 || triggers > 10000 || tokens < 1 || tokens > triggers || fire < 0 ||
      fire > tokens) {
    std::cerr << "bench: need 0 < TOKENS <= TRIGGERS <= 10000 and FIRE <= TOKENS\n";
    return 2;
  }
  if (!betteroms::test::HaveTestPostgres()) {
    std::cerr << "bench: BETTEROMS_TEST_PG is not set (use scripts/bench)\n";
    return 1;
  }
  std::printf("machine: %u cores; fake CLOB in this process, loopback; load %s\n",
              std::thread::hardware_concurrency(), Load().c_str());
  Stack stack;
  if (!stack.ok()) {
    std::cerr << stack.error();
    return 1;
  }
  for (int i = 0; i < tokens; ++i) {
    stack.clob().SetBook(Token(i), Book(i, "0.45", "0.50"));
    stack.clob().SetMarket(betteroms::test::VenueClobMarketJson(
        ConditionId(i), {{Token(i), "Yes"}, {Token(i) + "1", "No"}}));
  }
  auto channel = grpc::CreateChannel(stack.address(), grpc::InsecureChannelCredentials());
  auto stub = betteroms::v1::OrderManager::NewStub(channel);
  PgProbe pg(stack.db().url());

  {
    betteroms::v1::SubmitPlanRequest req;
    req.set_plan_json(Plan(triggers, tokens, fire));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    betteroms::v1::RunSummary resp;
    auto start = Clock::now();
    grpc::Status st = stub->SubmitPlan(&ctx, req, &resp);
    if (!st.ok() || resp.triggers_armed() != triggers) {
      std::cerr << "bench: plan: "
                << (st.ok() ? "armed " + std::to_string(resp.triggers_armed()) + " of " +
                                  std::to_string(triggers)
                            : st.error_message())
                << "\n";
      return 1;
    }
    std::printf(
        "armed %d triggers over %d tokens in one plan (%zu bytes) in %.0f ms; %d of them "
        "(one per token) fire when the books move\n",
        triggers, tokens, req.plan_json().size(), Ms(Clock::now() - start), fire);
  }

  PrintHeader();
  std::vector<TickSample> quiet;
  TickSample s;
  for (int i = 0; i < 2; ++i) {
    s = TickSample{};
    if (!Tick(stack, *stub, pg, &s)) return 1;
    PrintRow("warm-up", s);
  }
  for (int i = 0; i < steady; ++i) {
    s = TickSample{};
    if (!Tick(stack, *stub, pg, &s)) return 1;
    PrintRow("steady", s);
    quiet.push_back(s);
  }
  for (int i = 0; i < fire; ++i) stack.clob().SetBook(Token(i), Book(i, "0.20", "0.25"));
  TickSample firing;
  if (!Tick(stack, *stub, pg, &firing)) return 1;
  PrintRow("firing", firing);
  s = TickSample{};
  if (!Tick(stack, *stub, pg, &s)) return 1;
  PrintRow("after", s);
  quiet.push_back(s);
  std::printf("  firing tick: %s\n", firing.message.substr(0, 400).c_str());

  std::vector<double> server, client, cpu;
  for (const TickSample& q : quiet) {
    server.push_back(q.server_ms);
    client.push_back(q.client_ms);
    cpu.push_back(q.server_cpu_ms);
  }
  std::printf(
      "\nsummary (%d armed triggers, %d tokens): quiet ticks (%zu): server wall p50 %.1f ms, max "
      "%.1f ms; round trip max %.1f ms; oms-server CPU p50 %.1f ms; firing tick (%d fired): "
      "server %.1f ms, %lld statements, %lld commits\n",
      triggers, tokens, quiet.size(), Percentile(server, 0.5), Percentile(server, 1),
      Percentile(client, 1), Percentile(cpu, 0.5), firing.fired, firing.server_ms,
      static_cast<long long>(firing.statements), static_cast<long long>(firing.commits));
  double worst = std::max(Percentile(client, 1), firing.client_ms);
  std::printf(
      "target: a tick over %d triggers / %d tokens <= 1000 ms: slowest round trip %.0f ms: "
      "%s\n",
      triggers, tokens, worst, worst <= 1000 ? "met" : "MISSED");
  std::printf("load average: %s\n", Load().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bench: " << e.what() << "\n";
    return 1;
  }
}
