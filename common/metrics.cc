#include "common/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <set>
#include <sstream>
#include <utility>

namespace betteroms::metrics {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using prometheus::Labels;
using Buckets = Histogram::BucketBoundaries;

// Buckets from latencies measured on the e2e stack (Debug build, PostgreSQL and the fake CLOB
// on the same 2-core host at load average ~20; 48 paper plans, 8 ticks, a live plan), widened to
// cover a real venue across the internet (30-300 ms a request) and a quiet host (10x faster).
// gRPC calls: GetIdentity/SignClobAuth 0.3-0.5 ms, ListRuns 2-25 ms, a paper SubmitPlan 5-100 ms
// (median ~30 ms), SignOrder 40 ms (its ledger fdatasync), a tick 25-100 ms. The top buckets
// catch venue timeouts (10 s) and the client deadlines beyond them.
const Buckets& RpcBuckets() {
  static const Buckets b = {0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                            0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return b;
}
// CLOB requests: 0.07-15 ms to the fake CLOB on loopback (/book ~2 ms, POST /order ~1.6 ms);
// tens to hundreds of ms to clob.polymarket.com; the transport gives up at 10 s.
const Buckets& HttpBuckets() {
  static const Buckets b = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return b;
}
// Waiting for a pooled connection: 125 of 127 waits under 10 us (an idle connection), the rest
// 5-10 ms (opening one); seconds only when the pool is exhausted.
const Buckets& PoolWaitBuckets() {
  static const Buckets b = {0.00001, 0.0001, 0.0005, 0.001, 0.0025, 0.005,
                            0.01,    0.025,  0.1,    0.5,   1,      5};
  return b;
}
// Transactions: 2.5-100 ms measured (a synchronous commit on a loaded disk), ~1 ms on a quiet
// one; a 1,000-order tick takes longer.
const Buckets& TransactionBuckets() {
  static const Buckets b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
  return b;
}
// Ticks: 25-100 ms measured with a few resting orders; seconds with many books to read over
// the internet.
const Buckets& TickBuckets() {
  static const Buckets b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  return b;
}
// Book fetches: 0.4 ms from recorded files, ~2 ms from the fake CLOB; one request per 500 tokens.
const Buckets& BookBuckets() { return HttpBuckets(); }
// Ledger flushes (one write and fdatasync): 39 ms measured on this loaded host's disk, 0.1-2 ms
// on a quiet local SSD, more on a network volume.
const Buckets& FlushBuckets() {
  static const Buckets b = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                            0.025,  0.05,    0.1,    0.25,  0.5,    1};
  return b;
}

template <typename T>
Family<T>& Build(prometheus::detail::Builder<T> builder, const char* name, const char* help) {
  return builder.Name(name).Help(help).Register(*Registry());
}

Family<Counter>& CounterFamily(const char* name, const char* help) {
  return Build(prometheus::BuildCounter(), name, help);
}
Family<Histogram>& HistogramFamily(const char* name, const char* help) {
  return Build(prometheus::BuildHistogram(), name, help);
}

std::string S(absl::string_view v) { return std::string(v); }

}  // namespace

std::shared_ptr<prometheus::Registry> Registry() {
  static const auto* registry =
      new std::shared_ptr<prometheus::Registry>(std::make_shared<prometheus::Registry>());
  return *registry;
}

namespace {
std::mutex hooks_mu;
std::vector<std::function<void()>>& Hooks() {
  static auto* hooks = new std::vector<std::function<void()>>();
  return *hooks;
}
}  // namespace

void AddScrapeHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(hooks_mu);
  Hooks().push_back(std::move(hook));
}

void RunScrapeHooks() {
  std::lock_guard<std::mutex> lock(hooks_mu);
  for (const auto& hook : Hooks()) hook();
}

std::string ExpositionText() {
  RunScrapeHooks();
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, Registry()->Collect());
  return out.str();
}

void ObserveRpc(absl::string_view service, absl::string_view method, absl::string_view code,
                double seconds) {
  static auto& handled =
      CounterFamily("grpc_server_handled_total",
                    "gRPC calls completed on the server, by service, method and status code.");
  static auto& latency = HistogramFamily(
      "grpc_server_handling_seconds",
      "Time from receiving a gRPC call to sending its status, by service, method and code.");
  Labels labels = {
      {"grpc_service", S(service)}, {"grpc_method", S(method)}, {"grpc_code", S(code)}};
  handled.Add(labels).Increment();
  latency.Add(labels, RpcBuckets()).Observe(seconds);
}

void CountPlanRun(absl::string_view mode, absl::string_view status) {
  static auto& runs = CounterFamily(
      "betteroms_plan_runs_total",
      "Plan submissions past parsing, by mode and outcome (completed, failed, refused).");
  runs.Add({{"mode", S(mode)}, {"status", S(status)}}).Increment();
}

void ObserveTick(absl::string_view result, double seconds) {
  static auto& ticks = HistogramFamily(
      "betteroms_tick_duration_seconds",
      "Time a tick took, by result (ok, skipped when another tick held the lock, failed).");
  ticks.Add({{"result", S(result)}}, TickBuckets()).Observe(seconds);
}

void CountTickChanges(absl::string_view kind, int64_t n) {
  static auto& changes = CounterFamily(
      "betteroms_tick_changes_total",
      "What ticks changed, by kind (orders filled, expired, reconciled; triggers fired; ...).");
  // Every kind appears once a tick reports it, even at zero, so rate() has a series to read.
  changes.Add({{"kind", S(kind)}}).Increment(static_cast<double>(n));
}

void SetOrderCounts(const std::vector<OrderCount>& counts) {
  static auto& orders = Build(prometheus::BuildGauge(), "betteroms_orders",
                              "Orders in the database by mode and status, read at each scrape.");
  static std::mutex mu;
  static std::set<std::pair<std::string, std::string>> seen;
  std::lock_guard<std::mutex> lock(mu);
  // A status no order has any more reads 0 rather than its last count.
  std::set<std::pair<std::string, std::string>> now;
  for (const OrderCount& c : counts) {
    orders.Add({{"mode", c.mode}, {"status", c.status}}).Set(static_cast<double>(c.count));
    now.insert({c.mode, c.status});
  }
  for (const auto& [mode, status] : seen) {
    if (now.count({mode, status}) == 0) orders.Add({{"mode", mode}, {"status", status}}).Set(0);
  }
  seen.insert(now.begin(), now.end());
}

void ObserveVenueHttp(absl::string_view method, absl::string_view endpoint,
                      absl::string_view status, double seconds) {
  static auto& requests = HistogramFamily(
      "betteroms_venue_http_request_duration_seconds",
      "CLOB HTTP requests by method, endpoint template and HTTP status (or transport failure: "
      "unavailable, deadline_exceeded, unknown).");
  requests
      .Add({{"method", S(method)}, {"endpoint", S(endpoint)}, {"status", S(status)}}, HttpBuckets())
      .Observe(seconds);
}

void ObserveBookFetch(absl::string_view source, absl::string_view result, int64_t books,
                      double seconds) {
  static auto& fetches = HistogramFamily(
      "betteroms_book_fetch_duration_seconds",
      "Order book reads (one call for any number of tokens), by source and result.");
  static auto& tokens = CounterFamily("betteroms_book_fetch_tokens_total",
                                      "Order books asked for, by source and result.");
  Labels labels = {{"source", S(source)}, {"result", S(result)}};
  fetches.Add(labels, BookBuckets()).Observe(seconds);
  tokens.Add(labels).Increment(static_cast<double>(books));
}

void ObservePoolWait(double seconds) {
  static auto& wait =
      HistogramFamily("betteroms_db_pool_wait_seconds",
                      "Time a request waited for a database connection, opening one included.")
          .Add({}, PoolWaitBuckets());
  wait.Observe(seconds);
}

void ObserveTransaction(absl::string_view outcome, double seconds) {
  static auto& tx = HistogramFamily(
      "betteroms_db_transaction_duration_seconds",
      "Database transactions from BEGIN to COMMIT or ROLLBACK, by outcome (committed, "
      "rolled_back, retried).");
  tx.Add({{"outcome", S(outcome)}}, TransactionBuckets()).Observe(seconds);
}

void CountSignature(absl::string_view kind) {
  static auto& signatures =
      CounterFamily("betteroms_signer_signatures_total",
                    "Signatures released, by kind (order, order_replayed, clob_auth).");
  signatures.Add({{"kind", S(kind)}}).Increment();
}

void CountRefusal(absl::string_view rule) {
  static auto& refusals = CounterFamily("betteroms_signer_refusals_total",
                                        "Requests the policy refused, by the refusing rule.");
  refusals.Add({{"rule", S(rule)}}).Increment();
}

void ObserveLedgerFlush(bool ok, double seconds) {
  static auto& flushes =
      HistogramFamily("betteroms_signer_ledger_flush_duration_seconds",
                      "Ledger batches written and synced to disk (one fdatasync each), by result.");
  flushes.Add({{"result", ok ? "ok" : "failed"}}, FlushBuckets()).Observe(seconds);
}

void CountAuditWrite(bool ok) {
  static auto& writes = CounterFamily("betteroms_signer_audit_writes_total",
                                      "Audit log records appended, by result.");
  writes.Add({{"result", ok ? "ok" : "failed"}}).Increment();
}

}  // namespace betteroms::metrics
