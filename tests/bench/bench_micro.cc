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

// Hostile plans: each must be answered (refused) in well under a second (issue #11, item 8).
// 16 MiB, refused by its size before any parsing.
void BM_HostilePlan16MiB(benchmark::State& state) {
  std::string text = R"({"planId": "big", "notes": ")" + std::string(16 << 20, 'x') + R"("})";
  for (auto _ : state) benchmark::DoNotOptimize(ParsePlan(text));
}
BENCHMARK(BM_HostilePlan16MiB)->Unit(benchmark::kMillisecond);

// Just under the 8 MiB limit: one object of ~250,000 distinct keys and a duplicate at the end
// (quadratic duplicate detection took minutes here).
void BM_HostilePlanManyKeys(benchmark::State& state) {
  std::string text = R"({"planId": "keys", "trades": [{)";
  for (int i = 0; text.size() < (7 << 20); ++i) {
    text += "\"key-padded-to-twenty-" + std::to_string(i) + "\":0,";
  }
  text += R"("key-padded-to-twenty-0": 1}]})";
  for (auto _ : state) benchmark::DoNotOptimize(ParsePlan(text));
}
BENCHMARK(BM_HostilePlanManyKeys)->Unit(benchmark::kMillisecond);

// Just under the limit: 4 million empty arrays, stopped at the value limit.
void BM_HostilePlanManyValues(benchmark::State& state) {
  std::string text = R"({"planId": "values", "notes": [)";
  while (text.size() < (8 << 20) - 16) text += "[],";
  text += "[]]}";
  for (auto _ : state) benchmark::DoNotOptimize(ParsePlan(text));
}
BENCHMARK(BM_HostilePlanManyValues)->Unit(benchmark::kMillisecond);

// Just under the limit: 4 million '[' (nesting stops at 16 levels).
void BM_HostilePlanDeepNesting(benchmark::State& state) {
  std::string text = R"({"planId": "deep", "notes": )" + std::string((8 << 20) - 64, '[');
  for (auto _ : state) benchmark::DoNotOptimize(ParsePlan(text));
}
BENCHMARK(BM_HostilePlanDeepNesting)->Unit(benchmark::kMillisecond);

// Just under the limit: 10,000 trades of ~800 unknown fields' worth each, as many violations as
// the plan reports (the list stops at 10,000).
void BM_HostilePlanManyViolations(benchmark::State& state) {
  std::string text = R"({"planId": "violations", "trades": [)";
  for (int t = 0; t < 10'000 && text.size() < (7 << 20); ++t) {
    text += t ? ",{" : "{";
    for (int k = 0; k < 80; ++k) text += (k ? ",\"u" : "\"u") + std::to_string(k) + "\":0";
    text += "}";
  }
  text += "]}";
  for (auto _ : state) benchmark::DoNotOptimize(ParsePlan(text));
}
BENCHMARK(BM_HostilePlanManyViolations)->Unit(benchmark::kMillisecond);

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
