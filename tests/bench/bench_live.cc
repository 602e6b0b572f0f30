// Load driver for the live-trading targets (issue #9), against the whole live stack on this
// machine: oms-server --live, oms-signer over mTLS, PostgreSQL and the verifying fake venue (in
// this process, on loopback). Prints figures; asserts nothing (run it on purpose: scripts/bench).
//   (a) sequential 1-order live plans through gRPC: server-side p50/p90/p99 (target p50 <= 5 ms)
//   (b) 100-order live plans: end to end (target <= 200 ms)
//   (c) database commits per order for both (target <= 3), counted three ways: the server's
//       `db_commits`, transaction ids consumed (one per writing transaction, cluster wide) and
//       pg_stat_database's xact_commit for the run's database (every transaction, reads too).
// Every plan has a fresh planId and LIMIT BUYs below the best ask, which rest: the book is never
// consumed, so each run sees the same market.
//   bench_live [--one N] [--hundred M] [--no-stats-wait]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
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

constexpr int kTokens = 10;  // the 100-order plans spread over this many tokens

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

std::string Token(int i) { return std::to_string(3000000000000000000LL + i); }

std::string ConditionId(int i) {
  std::string hex = std::to_string(i);
  return "0x" + std::string(64 - hex.size(), '0') + hex;
}

// A resting LIMIT BUY: $3 at 0.40 while the best ask is 0.50.
std::string RestingBuy(int token) {
  return R"({"marketTokenId": ")" + Token(token) +
         R"(", "outcome": "Yes", "side": "BUY", "orderType": "LIMIT", "size": 3, "price": 0.40})";
}

std::string Plan(const std::string& id, int orders) {
  std::string out = R"({"planId": ")" + id + R"(", "mode": "live", "trades": [)";
  for (int i = 0; i < orders; ++i) out += (i ? ", " : "") + RestingBuy(i % kTokens);
  return out + "]}";
}

struct Sample {
  std::string plan_id;
  double client_ms = 0;
  double server_ms = 0;  // x-oms-server-us: the whole SubmitPlan handler
};

// What the server logged for one plan ("live plan finished").
struct Logged {
  int orders = 0;
  int sent = 0;
  int db_commits = 0;
  int millis = 0;
};

std::map<std::string, Logged> LoggedPlans(const std::string& log) {
  std::map<std::string, Logged> out;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("\"live plan finished\"") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    auto num = [&](const char* key) { return std::stoi(j.value(key, "0")); };
    out[j.value("plan_id", "")] = {num("orders"), num("sent"), num("db_commits"), num("millis")};
  }
  return out;
}

// Transaction counters read from the maintenance database, so that reading them adds nothing to
// the figures of the run's database.
class PgCounters {
 public:
  explicit PgCounters(const std::string& db_url) : db_name_(db_url.substr(db_url.rfind('/') + 1)) {
    auto conn = betteroms::store::Connection::Open(
        betteroms::test::WithDatabase(db_url, "postgres"), betteroms::store::ConnectOptions{});
    if (conn.ok()) conn_ = std::move(*conn);
  }
  bool ok() const { return conn_ != nullptr; }

  // The next transaction id: its delta counts transactions that wrote (a read-only transaction
  // is given no id), in the whole cluster, at once.
  int64_t NextXid() { return Int("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"); }
  // Every transaction committed in the run's database, reads included. Backends report these
  // when idle, at most once a second and within 10 s: read after WaitForStats().
  int64_t XactCommit() {
    return Int("SELECT xact_commit FROM pg_stat_database WHERE datname = '" + db_name_ + "'");
  }
  static void WaitForStats() { std::this_thread::sleep_for(std::chrono::milliseconds(11'000)); }

 private:
  int64_t Int(const std::string& sql) {
    auto res = conn_->Exec("bench", sql);
    if (!res.ok() || res->rows() != 1) return -1;
    return std::stoll(res->Text(0, 0));
  }
  std::string db_name_;
  std::unique_ptr<betteroms::store::Connection> conn_;
};

struct Counts {
  int64_t xid = 0;
  int64_t xact = 0;
  Clock::time_point at;
};

class Bench {
 public:
  Bench(LiveStack& stack, PgCounters& pg, bool stats_wait)
      : stack_(stack), pg_(pg), stats_wait_(stats_wait) {
    auto channel = grpc::CreateChannel(stack.address(), grpc::InsecureChannelCredentials());
    stub_ = betteroms::v1::OrderManager::NewStub(channel);
  }

  // Submits one plan; false (with a message on stderr) when it did not place every order.
  bool Submit(const std::string& plan_id, int orders, Sample* out) {
    betteroms::v1::SubmitPlanRequest req;
    req.set_plan_json(Plan(plan_id, orders));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    betteroms::v1::RunSummary resp;
    auto start = Clock::now();
    grpc::Status st = stub_->SubmitPlan(&ctx, req, &resp);
    out->plan_id = plan_id;
    out->client_ms = Ms(Clock::now() - start);
    if (!st.ok()) {
      std::cerr << "bench: " << plan_id << ": " << st.error_message() << "\n";
      return false;
    }
    if (resp.orders_placed() != orders) {
      std::cerr << "bench: " << plan_id << ": placed " << resp.orders_placed() << " of " << orders
                << "\n";
      return false;
    }
    auto it = ctx.GetServerTrailingMetadata().find("x-oms-server-us");
    if (it != ctx.GetServerTrailingMetadata().end()) {
      out->server_ms = std::stod(std::string(it->second.data(), it->second.size())) / 1000.0;
    }
    return true;
  }

  Counts Mark() {
    if (stats_wait_) PgCounters::WaitForStats();
    return {pg_.NextXid(), stats_wait_ ? pg_.XactCommit() : -1, Clock::now()};
  }

  // Runs `runs` plans of `orders` orders each and prints the figures under `label`.
  bool Phase(const std::string& label, const std::string& prefix, int runs, int orders) {
    std::string load_before = Load();
    Counts before = Mark();
    std::vector<Sample> samples(runs);
    auto start = Clock::now();
    for (int i = 0; i < runs; ++i) {
      if (!Submit(prefix + std::to_string(i), orders, &samples[i])) return false;
    }
    double wall = Ms(Clock::now() - start);
    std::string load_during = Load();
    Counts after = Mark();

    std::map<std::string, Logged> logged = LoggedPlans(stack_.server().Log());
    std::vector<double> client, server, millis;
    int64_t db_commits = 0;
    int64_t missing = 0;
    for (const Sample& s : samples) {
      client.push_back(s.client_ms);
      server.push_back(s.server_ms);
      auto it = logged.find(s.plan_id);
      if (it == logged.end()) {
        ++missing;
        continue;
      }
      millis.push_back(it->second.millis);
      db_commits += it->second.db_commits;
    }
    double total_orders = static_cast<double>(runs) * orders;
    std::printf("%s: %d runs of %d order%s in %.0f ms; load %s (before) / %s (after)\n",
                label.c_str(), runs, orders, orders == 1 ? "" : "s", wall, load_before.c_str(),
                load_during.c_str());
    std::printf("  client round trip (gRPC): p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms\n",
                Percentile(client, 0.5), Percentile(client, 0.9), Percentile(client, 0.99),
                Percentile(client, 1));
    std::printf("  server handler (x-oms-server-us): p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms\n",
                Percentile(server, 0.5), Percentile(server, 0.9), Percentile(server, 0.99),
                Percentile(server, 1));
    std::printf("  server log \"millis\" (whole ms): p50 %.0f  p90 %.0f  p99 %.0f  max %.0f%s\n",
                Percentile(millis, 0.5), Percentile(millis, 0.9), Percentile(millis, 0.99),
                Percentile(millis, 1),
                missing ? (" (" + std::to_string(missing) + " plans not logged)").c_str() : "");
    if (runs >= 20) {
      // Each plan reads more history than the one before: a trend here is the server's.
      size_t tenth = server.size() / 10;
      std::vector<double> first(server.begin(), server.begin() + tenth);
      std::vector<double> last(server.end() - tenth, server.end());
      std::printf("  server handler, first tenth of the runs p50 %.2f ms, last tenth p50 %.2f ms\n",
                  Percentile(first, 0.5), Percentile(last, 0.5));
    }
    int64_t writes = after.xid - before.xid;
    std::printf(
        "  commits per order: %.2f (server db_commits %lld); writing transactions %.2f per order "
        "(%lld transaction ids)\n",
        static_cast<double>(db_commits) / total_orders, static_cast<long long>(db_commits),
        static_cast<double>(writes) / total_orders, static_cast<long long>(writes));
    if (stats_wait_) {
      int64_t xacts = after.xact - before.xact;
      // The server's health check reads the database every 2 s (SELECT 1), plans or not.
      double health = Ms(after.at - before.at) / 2000.0;
      double reads = static_cast<double>(xacts - writes) - health;
      std::printf(
          "  pg_stat_database xact_commit: %lld = %lld writing + ~%.0f health checks + ~%.0f "
          "reads (%.2f read transactions per plan)\n",
          static_cast<long long>(xacts), static_cast<long long>(writes), health, reads,
          reads / runs);
    }
    std::fflush(stdout);
    return true;
  }

 private:
  LiveStack& stack_;
  PgCounters& pg_;
  bool stats_wait_;
  std::unique_ptr<betteroms::v1::OrderManager::Stub> stub_;
};

int Run(int argc, char** argv) {
  int one_runs = 300;
  int hundred_runs = 10;
  bool stats_wait = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--one" && i + 1 < argc) {
      one_runs = std::stoi(argv[++i]);
    } else if (arg == "--hundred" && i + 1 < argc) {
      hundred_runs = std::stoi(argv[++i]);
    } else if (arg == "--no-stats-wait") {
      stats_wait = false;
    } else {
      std::cerr << "usage: bench_live [--one N] [--hundred M] [--no-stats-wait]\n"
                   "  --one N          1-order live plans to time (default 300)\n"
                   "  --hundred M      100-order live plans to time (default 10)\n"
                   "  --no-stats-wait  skip pg_stat_database (it needs 11 s waits to settle)\n";
      return 2;
    }
  }
  if (!betteroms::test::HaveTestPostgres()) {
    std::cerr << "bench: BETTEROMS_TEST_PG is not set (use scripts/bench)\n";
    return 1;
  }
  LiveStack stack;
  if (!stack.ok()) {
    std::cerr << stack.error();
    return 1;
  }
  for (int i = 0; i < kTokens; ++i) {
    stack.clob().SetBook(Token(i), betteroms::test::VenueBookJson(
                                       Token(i), {{"0.45", "1000000"}, {"0.44", "1000000"}},
                                       {{"0.50", "1000000"}, {"0.51", "1000000"}}));
    stack.clob().SetMarket(betteroms::test::VenueClobMarketJson(
        ConditionId(i), {{Token(i), "Yes"}, {Token(i) + "1", "No"}}));
  }
  // Resting BUYs reserve collateral at the venue: $1,000,000 covers every run.
  stack.venue().SetCollateral(betteroms::test::kLiveAddress, 1'000'000'000'000);
  PgCounters pg(stack.db().url());
  if (!pg.ok()) {
    std::cerr << "bench: cannot connect to the maintenance database\n";
    return 1;
  }
  Bench bench(stack, pg, stats_wait);

  // Warm-up: the first plan derives the API key through the signer and opens the TLS and HTTP
  // connections; the next ones warm caches and prepared statements.
  for (int i = 0; i < 20; ++i) {
    Sample s;
    if (!bench.Submit("warm-" + std::to_string(i), i < 10 ? 1 : 100, &s)) return 1;
  }
  std::printf("machine: %u cores; fake venue in this process, loopback; %s\n",
              std::thread::hardware_concurrency(),
              stats_wait ? "pg_stat figures wait 11 s before and after each phase"
                         : "pg_stat figures skipped");
  if (!bench.Phase("(a) 1-order live plans", "one-", one_runs, 1)) return 1;
  if (!bench.Phase("(b) 100-order live plans over 10 tokens", "hundred-", hundred_runs, 100)) {
    return 1;
  }
  int posts = stack.venue().OrderPosts();
  std::printf("venue: %d order POST requests (/order and /orders), %d orders rejected\n", posts,
              stack.venue().Rejections());
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
