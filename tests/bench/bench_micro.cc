// Micro-benchmarks of the pure paper-trading path (Google Benchmark).
#include <benchmark/benchmark.h>

#include "oms-server/domain/order_builder.h"
#include "oms-server/domain/paper_engine.h"
#include "oms-server/domain/plan.h"

namespace betteroms::domain {
namespace {

std::string BigPlan(int trades) {
  std::string out = R"({"planId": "big", "mode": "paper", "trades": [)";
  for (int i = 0; i < trades; ++i) {
    out += std::string(i ? "," : "") + R"({"marketTokenId": ")" + std::to_string(1000 + i % 100) +
           R"(", "outcome": "YES", "side": "BUY", "orderType": "MARKET", "size": 3.5})";
  }
  return out + "]}";
}

void BM_ParsePlan10k(benchmark::State& state) {
  std::string text = BigPlan(10000);
  for (auto _ : state) benchmark::DoNotOptimize(ParsePlan(text));
}
BENCHMARK(BM_ParsePlan10k)->Unit(benchmark::kMillisecond);

void BM_SimulatePlan10k(benchmark::State& state) {
  PlanParseResult parsed = ParsePlan(BigPlan(10000));
  BookMap books;
  for (int i = 0; i < 100; ++i) {
    Book b;
    b.token_id = std::to_string(1000 + i);
    b.bids = {{450'000, 1'000'000'000'000}};
    b.asks = {{500'000, 1'000'000'000}, {510'000, 1'000'000'000'000}};
    b.min_order_size = 5'000'000;
    books[b.token_id] = b;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(SimulatePaperPlan(parsed.plan, books, {}, FillModel::kBook,
                                               absl::FromUnixSeconds(1'800'000'000)));
  }
}
BENCHMARK(BM_SimulatePlan10k)->Unit(benchmark::kMillisecond);

void BM_MarketOrderAmounts(benchmark::State& state) {
  RoundConfig rc = *RoundingForTick(1'000);
  int64_t amount = 100'000'000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(MarketOrderAmounts(Side::kBuy, 561'000, amount++, rc));
  }
}
BENCHMARK(BM_MarketOrderAmounts);

}  // namespace
}  // namespace betteroms::domain

BENCHMARK_MAIN();
