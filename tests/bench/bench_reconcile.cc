// Load driver for the reconciliation target: a tick (RunTick over gRPC, as the CronJob's
// `omsctl tick` calls it) over 1,000 open live orders across 100 tokens in <= 2 s, with venue
// requests batched and paginated and database statements constant in the number of orders.
// Runs the whole live stack on this machine (oms-server --live, oms-signer over mTLS, PostgreSQL,
// the fake venue in this process with pages of 500) and prints figures; asserts nothing.
//
// Each scale gets a fresh stack: its orders are placed as 100-order plans of resting LIMIT BUYs
// (0.40 under a 0.50 ask), then ticked twice to warm up. Then, for each round, an external taker
// fills one order on each of `fills` tokens (maker fills: trades to apply, orders that left the
// book) and the first tick after it is timed ("work"), then `steady` ticks with nothing new.
// Per tick: the gRPC round trip, the server's handler time (x-oms-server-us), the CPU time spent
// by oms-server, by this process (the fake venue) and by the database's backends (from
// /proc/<pid>/task/*/schedstat, so that a busy machine shows as wall time, not CPU), the database
// statements the handler executed (x-oms-db-statements) and prepared (x-oms-db-prepares: a
// statement's first run on a pooled connection) and transactions it committed (x-oms-db-commits),
// transaction ids consumed (writing transactions, cluster wide), and the fake venue's requests by
// endpoint. --venue-latency-ms M makes every venue request of the ticks wait M ms, as a round trip
// to the real venue would (placement runs without it).
//   bench_reconcile [--scale ORDERS:TOKENS:FILLS]... [--rounds R] [--steady S]
//                   [--venue-latency-ms M]
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "betteroms/v1/oms.grpc.pb.h"
#include "store/db.h"
#include "tests/support/live_stack.h"
#include "tests/support/stack.h"

namespace {

using betteroms::test::LiveStack;
using Clock = std::chrono::steady_clock;

constexpr int kPlanOrders = 100;  // orders per plan, as the live bench's large plans
constexpr int kPageSize = 500;    // the venue's pages are large; the fake's default is 2

// The venue endpoints a tick may call, in the table's order, with their column titles.
const std::vector<std::pair<std::string, std::string>> kEndpoints = {
    {"GET /data/orders", "orders"},
    {"GET /data/order", "order/{h}"},
    {"GET /data/trades", "trades"},
    {"DELETE /orders", "cancel"}};

struct Scale {
  int orders = 0;
  int tokens = 0;
  int fills = 0;  // per round
};

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

std::string Token(int i) { return std::to_string(4000000000000000000LL + i); }

std::string ConditionId(int i) {
  std::string hex = std::to_string(i);
  return "0x" + std::string(64 - hex.size(), '0') + hex;
}

// Orders [first, first + count) of `scale`, in blocks by token: order g rests on token
// g * tokens / orders, so a 100-order plan touches few tokens and books.
std::string Plan(const std::string& id, const Scale& scale, int first, int count) {
  std::string out = R"({"planId": ")" + id + R"(", "mode": "live", "trades": [)";
  for (int g = first; g < first + count; ++g) {
    int token = static_cast<int>(static_cast<int64_t>(g) * scale.tokens / scale.orders);
    out += (g > first ? ", " : "") + std::string(R"({"marketTokenId": ")") + Token(token) +
           R"(", "outcome": "Yes", "side": "BUY", "orderType": "LIMIT", "size": 3, )" +
           R"("price": 0.40})";
  }
  return out + "]}";
}

// CPU time (ms) the threads of process `pid` have run so far, from /proc/<pid>/task/*/schedstat
// (nanoseconds on a CPU): what a tick cost each process, whatever else the machine runs.
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

// Reads PostgreSQL from the maintenance database, so that reading adds nothing to the figures of
// the run's database.
class PgProbe {
 public:
  explicit PgProbe(const std::string& db_url) : db_name_(db_url.substr(db_url.rfind('/') + 1)) {
    auto conn = betteroms::store::Connection::Open(
        betteroms::test::WithDatabase(db_url, "postgres"), betteroms::store::ConnectOptions{});
    if (conn.ok()) conn_ = std::move(*conn);
  }
  // The next transaction id: its delta counts transactions that wrote (a read-only one is given
  // no id), cluster wide.
  int64_t NextXid() {
    if (conn_ == nullptr) return -1;
    auto res = conn_->Exec("bench", "SELECT pg_snapshot_xmax(pg_current_snapshot())::text");
    if (!res.ok() || res->rows() != 1) return -1;
    return std::stoll(res->Text(0, 0));
  }
  // CPU time (ms) so far of each backend connected to the run's database, by pid.
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

// One timed tick.
struct TickSample {
  double client_ms = 0;
  double server_ms = 0;
  int64_t statements = 0;
  int64_t prepares = 0;
  int64_t commits = 0;
  int64_t xids = 0;
  double server_cpu_ms = 0;  // oms-server, every thread
  double fake_cpu_ms = 0;    // this process: the fake venue's threads, and the gRPC client
  double pg_cpu_ms = 0;      // the backends of the run's database
  std::map<std::string, int> requests;  // venue requests by endpoint, this tick
  int reconciled = 0;
  int fills_new = 0;
  std::string message;
};

int64_t Trailer(const grpc::ClientContext& ctx, const char* key) {
  auto it = ctx.GetServerTrailingMetadata().find(key);
  if (it == ctx.GetServerTrailingMetadata().end()) return -1;
  return std::stoll(std::string(it->second.data(), it->second.size()));
}

class Bench {
 public:
  Bench(LiveStack& stack, const Scale& scale)
      : stack_(stack), scale_(scale), pg_(stack.db().url()) {
    auto channel = grpc::CreateChannel(stack.address(), grpc::InsecureChannelCredentials());
    stub_ = betteroms::v1::OrderManager::NewStub(channel);
  }

  // Books, markets, collateral and the page size; then every order placed. False (with a message
  // on stderr) when an order was not placed.
  bool Place() {
    for (int i = 0; i < scale_.tokens; ++i) {
      stack_.clob().SetBook(Token(i), betteroms::test::VenueBookJson(
                                          Token(i), {{"0.45", "1000000"}, {"0.44", "1000000"}},
                                          {{"0.50", "1000000"}, {"0.51", "1000000"}}));
      stack_.clob().SetMarket(betteroms::test::VenueClobMarketJson(
          ConditionId(i), {{Token(i), "Yes"}, {Token(i) + "1", "No"}}));
    }
    stack_.venue().SetCollateral(betteroms::test::kLiveAddress, 1'000'000'000'000);
    stack_.venue().SetPageSize(kPageSize);
    auto start = Clock::now();
    for (int first = 0, plan = 0; first < scale_.orders; first += kPlanOrders, ++plan) {
      int count = std::min(kPlanOrders, scale_.orders - first);
      betteroms::v1::SubmitPlanRequest req;
      req.set_plan_json(Plan("rec-" + std::to_string(plan), scale_, first, count));
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      betteroms::v1::RunSummary resp;
      grpc::Status st = stub_->SubmitPlan(&ctx, req, &resp);
      if (!st.ok() || resp.orders_placed() != count) {
        std::cerr << "bench: plan " << plan << ": "
                  << (st.ok() ? "placed " + std::to_string(resp.orders_placed()) + " of " +
                                    std::to_string(count)
                              : st.error_message())
                  << "\n";
        return false;
      }
    }
    std::printf("  placed %d orders over %d tokens in %.0f ms (%d-order plans)\n", scale_.orders,
                scale_.tokens, Ms(Clock::now() - start), kPlanOrders);
    return true;
  }

  // An external taker fills one whole resting order on each of tokens [0, `tokens`): maker fills.
  // False when nothing matched on one of them.
  bool Fill(int tokens) {
    int64_t shares = OrderShares();
    if (shares <= 0) {
      std::cerr << "bench: no resting order to read the size of\n";
      return false;
    }
    for (int i = 0; i < tokens; ++i) {
      auto taken = stack_.venue().Take(Token(i), /*buy=*/false, shares, std::nullopt);
      if (!taken.ok() || taken->matched != shares) {
        std::cerr << "bench: take on token " << i << ": "
                  << (taken.ok() ? "matched " + std::to_string(taken->matched)
                                 : std::string(taken.status().message()))
                  << "\n";
        return false;
      }
    }
    return true;
  }

  // One RunTick; false (with a message on stderr) when it failed or was skipped.
  bool Tick(TickSample* out) {
    std::map<std::string, int> before = stack_.venue().RequestCounts();
    int64_t xid_before = pg_.NextXid();
    std::map<int, double> pg_before = pg_.BackendCpuMs();
    double server_before = CpuMs(stack_.server().pid());
    double fake_before = CpuMs(getpid());
    betteroms::v1::RunTickRequest req;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    betteroms::v1::TickReport resp;
    auto start = Clock::now();
    grpc::Status st = stub_->RunTick(&ctx, req, &resp);
    out->client_ms = Ms(Clock::now() - start);
    out->fake_cpu_ms = CpuMs(getpid()) - fake_before;
    out->server_cpu_ms = CpuMs(stack_.server().pid()) - server_before;
    for (const auto& [pid, ms] : pg_.BackendCpuMs()) {
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
    out->xids = pg_.NextXid() - xid_before;
    out->server_ms = static_cast<double>(Trailer(ctx, "x-oms-server-us")) / 1000.0;
    out->statements = Trailer(ctx, "x-oms-db-statements");
    out->prepares = Trailer(ctx, "x-oms-db-prepares");
    out->commits = Trailer(ctx, "x-oms-db-commits");
    for (const auto& [endpoint, n] : stack_.venue().RequestCounts()) {
      int delta = n - (before.count(endpoint) ? before.at(endpoint) : 0);
      if (delta != 0) out->requests[endpoint] = delta;
    }
    out->reconciled = resp.orders_reconciled();
    out->fills_new = resp.fills_new();
    out->message = resp.message();
    return true;
  }

 private:
  // The size, in shares (base units), of the first resting order: every order has the same.
  int64_t OrderShares() {
    nlohmann::json state = nlohmann::json::parse(stack_.venue().StateJson(), nullptr, false);
    if (!state.is_object()) return 0;
    for (const auto& o : state.value("orders", nlohmann::json::array())) {
      if (o.value("status", "") != "LIVE") continue;
      // "size" is a decimal of shares ("7.5"); base units are 1e-6.
      std::string size = o.value("size", "0");
      size_t dot = size.find('.');
      std::string whole = size.substr(0, dot);
      std::string frac = dot == std::string::npos ? "" : size.substr(dot + 1);
      frac.resize(6, '0');
      return std::stoll(whole) * 1'000'000 + std::stoll(frac);
    }
    return 0;
  }

  LiveStack& stack_;
  Scale scale_;
  PgProbe pg_;
  std::unique_ptr<betteroms::v1::OrderManager::Stub> stub_;
};

// What one scale measured, for the summary.
struct Result {
  Scale scale;
  std::vector<TickSample> work;    // the first tick after each round's fills
  std::vector<TickSample> steady;  // ticks with nothing new
};

std::string Requests(const std::map<std::string, int>& r) {
  std::string out;
  for (const auto& [endpoint, title] : kEndpoints) {
    char cell[32];
    std::snprintf(cell, sizeof cell, " %9d", r.count(endpoint) ? r.at(endpoint) : 0);
    out += cell;
  }
  int other = 0;
  for (const auto& entry : r) {  // (clang 14 lambdas cannot capture a structured binding)
    bool listed = std::any_of(kEndpoints.begin(), kEndpoints.end(),
                              [&](const auto& e) { return e.first == entry.first; });
    if (!listed) other += entry.second;
  }
  char cell[32];
  std::snprintf(cell, sizeof cell, " %6d", other);
  return out + cell;
}

void PrintHeader() {
  std::printf("  %-9s %-19s %-20s %-25s %-46s\n", "", "wall ms", "cpu ms", "database",
              "venue requests");
  std::printf("  %-9s %9s %9s %6s %6s %6s %6s %4s %7s %5s", "tick", "client", "server", "server",
              "fake", "pg", "stmts", "prep", "commits", "xids");
  for (const auto& [endpoint, title] : kEndpoints) std::printf(" %9s", title.c_str());
  std::printf(" %6s %8s %6s\n", "other", "changed", "fills");
}

void PrintRow(const std::string& label, const TickSample& s) {
  std::printf("  %-9s %9.1f %9.1f %6.1f %6.1f %6.1f %6lld %4lld %7lld %5lld%s %8d %6d\n",
              label.c_str(), s.client_ms, s.server_ms, s.server_cpu_ms, s.fake_cpu_ms, s.pg_cpu_ms,
              static_cast<long long>(s.statements), static_cast<long long>(s.prepares),
              static_cast<long long>(s.commits), static_cast<long long>(s.xids),
              Requests(s.requests).c_str(), s.reconciled, s.fills_new);
}

bool RunScale(const Scale& scale, int rounds, int steady, int latency_ms, Result* result) {
  std::printf(
      "\n%d orders over %d tokens, %d maker fills per round, %d rounds, %d steady ticks "
      "each; venue pages of %d, %d ms venue latency; load %s\n",
      scale.orders, scale.tokens, scale.fills, rounds, steady, kPageSize, latency_ms,
      Load().c_str());
  std::fflush(stdout);
  LiveStack stack;
  if (!stack.ok()) {
    std::cerr << stack.error();
    return false;
  }
  Bench bench(stack, scale);
  if (!bench.Place()) return false;
  stack.venue().SetLatencyMs(latency_ms);
  result->scale = scale;
  PrintHeader();
  // Warm-up: the first tick reads every order's fills and sets the trades watermark; a fill on
  // token 0 then makes the second one write, so most statements are prepared before timing (on
  // the connections it used: the pool may hand out another one later, hence "prep").
  TickSample warm;
  if (!bench.Tick(&warm)) return false;
  PrintRow("warm-up", warm);
  if (!bench.Fill(1) || !bench.Tick(&warm)) return false;
  PrintRow("warm-up", warm);
  for (int round = 0; round < rounds; ++round) {
    if (!bench.Fill(scale.fills)) return false;
    TickSample work;
    if (!bench.Tick(&work)) return false;
    PrintRow("work " + std::to_string(round + 1), work);
    result->work.push_back(work);
    for (int i = 0; i < steady; ++i) {
      TickSample s;
      if (!bench.Tick(&s)) return false;
      PrintRow("steady", s);
      result->steady.push_back(s);
    }
  }
  std::printf("  last work tick: %s\n", result->work.back().message.c_str());
  std::fflush(stdout);
  return true;
}

// "a" when every sample has the same count, else "a..b".
std::string Range(const std::vector<TickSample>& v,
                  const std::function<int64_t(const TickSample&)>& f) {
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const TickSample& s : v) {
    lo = std::min(lo, f(s));
    hi = std::max(hi, f(s));
  }
  if (v.empty()) return "-";
  return lo == hi ? std::to_string(lo) : std::to_string(lo) + ".." + std::to_string(hi);
}

void PrintSummary(const std::vector<Result>& results) {
  std::printf(
      "\nsummary: server handler wall ms (p50, max), CPU ms p50 by process; counts per tick (a "
      "range when they varied)\n");
  std::printf("  %-6s %-6s %-5s %-7s %7s %7s %6s %6s %6s %6s %5s %7s", "orders", "tokens", "fills",
              "tick", "p50", "max", "server", "fake", "pg", "stmts", "prep", "commits");
  for (const auto& [endpoint, title] : kEndpoints) std::printf(" %9s", title.c_str());
  std::printf("\n");
  for (const Result& r : results) {
    for (const auto* kind : {&r.work, &r.steady}) {
      const std::vector<TickSample>& v = *kind;
      std::vector<double> ms, server, fake, pg;
      for (const TickSample& s : v) {
        ms.push_back(s.server_ms);
        server.push_back(s.server_cpu_ms);
        fake.push_back(s.fake_cpu_ms);
        pg.push_back(s.pg_cpu_ms);
      }
      std::printf("  %-6d %-6d %-5d %-7s %7.1f %7.1f %6.1f %6.1f %6.1f %6s %5s %7s", r.scale.orders,
                  r.scale.tokens, r.scale.fills, kind == &r.work ? "work" : "steady",
                  Percentile(ms, 0.5), Percentile(ms, 1), Percentile(server, 0.5),
                  Percentile(fake, 0.5), Percentile(pg, 0.5),
                  Range(v, [](const TickSample& s) { return s.statements; }).c_str(),
                  Range(v, [](const TickSample& s) { return s.prepares; }).c_str(),
                  Range(v, [](const TickSample& s) { return s.commits; }).c_str());
      for (const auto& [endpoint, title] : kEndpoints) {
        std::string key = endpoint;
        std::printf(" %9s",
                    Range(v, [&](const TickSample& s) {
                      return static_cast<int64_t>(s.requests.count(key) ? s.requests.at(key) : 0);
                    }).c_str());
      }
      std::printf("\n");
    }
  }
  for (const Result& r : results) {
    if (r.scale.orders < 1000) continue;
    double worst = 0;
    for (const auto* kind : {&r.work, &r.steady}) {
      for (const TickSample& s : *kind) worst = std::max(worst, s.client_ms);
    }
    std::printf(
        "target: a tick over %d orders / %d tokens <= 2000 ms: slowest round trip %.0f ms: "
        "%s\n",
        r.scale.orders, r.scale.tokens, worst, worst <= 2000 ? "met" : "MISSED");
  }
}

int Run(int argc, char** argv) {
  std::vector<Scale> scales;
  int rounds = 3;
  int steady = 3;
  int latency_ms = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--scale" && i + 1 < argc) {
      Scale s;
      if (std::sscanf(argv[++i], "%d:%d:%d", &s.orders, &s.tokens, &s.fills) != 3 ||
          s.orders <= 0 || s.tokens <= 0 || s.tokens > s.orders || s.fills < 0 ||
          s.fills > s.tokens) {
        std::cerr << "bench: --scale is ORDERS:TOKENS:FILLS with 0 < TOKENS <= ORDERS and "
                     "FILLS <= TOKENS\n";
        return 2;
      }
      scales.push_back(s);
    } else if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::stoi(argv[++i]));
    } else if (arg == "--steady" && i + 1 < argc) {
      steady = std::max(1, std::stoi(argv[++i]));
    } else if (arg == "--venue-latency-ms" && i + 1 < argc) {
      latency_ms = std::max(0, std::stoi(argv[++i]));
    } else {
      std::cerr
          << "usage: bench_reconcile [--scale ORDERS:TOKENS:FILLS]... [--rounds R] "
             "[--steady S] [--venue-latency-ms M]\n"
             "  --scale   orders, tokens and maker fills per round, one stack each\n"
             "            (default: 100:10:10 and 1000:100:100)\n"
             "  --rounds  fill rounds, each timing the tick after it (default 3)\n"
             "  --steady  ticks with nothing new after each round (default 3)\n"
             "  --venue-latency-ms  every venue request of the ticks waits M ms (default 0)\n";
      return 2;
    }
  }
  if (scales.empty()) scales = {{100, 10, 10}, {1000, 100, 100}};
  if (!betteroms::test::HaveTestPostgres()) {
    std::cerr << "bench: BETTEROMS_TEST_PG is not set (use scripts/bench)\n";
    return 1;
  }
  std::printf("machine: %u cores; fake venue in this process, loopback; load %s\n",
              std::thread::hardware_concurrency(), Load().c_str());
  std::vector<Result> results;
  for (const Scale& s : scales) {
    Result r;
    if (!RunScale(s, rounds, steady, latency_ms, &r)) return 1;
    results.push_back(std::move(r));
  }
  PrintSummary(results);
  std::printf("load average: %s\n", Load().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // std::stoi, nlohmann::json and friends throw; a bench reports and fails instead of aborting.
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bench: " << e.what() << "\n";
    return 1;
  }
}
