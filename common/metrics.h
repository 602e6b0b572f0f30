// Prometheus metrics for both servers, behind plain functions: code that records an event
// includes this header only, never prometheus-cpp's. There is one registry per process; each
// family is created on first use, so a process exposes what it records and nothing else.
// Every label value comes from a bounded set (method names, enum names, templated endpoints),
// never from an id, a hash or free text. Names, help and buckets are all in metrics.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace prometheus {
class Registry;
}

namespace betteroms::metrics {

// Seconds since construction, on the monotonic clock.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// --- gRPC servers (both processes) ---
// One finished call: `service` and `method` as registered ("betteroms.v1.OrderManager",
// "SubmitPlan"), `code` the canonical status name ("OK", "UNAVAILABLE").
void ObserveRpc(absl::string_view service, absl::string_view method, absl::string_view code,
                double seconds);

// --- oms-server ---
// A plan run that got past parsing: mode "paper"/"live", status "completed", "failed" (the run
// is recorded as failed) or "refused" (refused before it claimed its planId).
void CountPlanRun(absl::string_view mode, absl::string_view status);
// A tick: result "ok", "skipped" (another tick held the lock) or "failed".
void ObserveTick(absl::string_view result, double seconds);
// What a tick changed, by kind ("orders_filled", "triggers_fired", ...).
void CountTickChanges(absl::string_view kind, int64_t n);
// The orders table by mode and status, replacing the previous values.
struct OrderCount {
  std::string mode;
  std::string status;
  int64_t count = 0;
};
void SetOrderCounts(const std::vector<OrderCount>& counts);
// One HTTP request to the CLOB: `endpoint` already templated (no ids), `status` the HTTP status
// code as text, or the transport failure ("unavailable", "deadline_exceeded", "unknown").
void ObserveVenueHttp(absl::string_view method, absl::string_view endpoint,
                      absl::string_view status, double seconds);
// One GetBooks call from `source` ("clob", "snapshots") for `books` tokens; result "ok",
// "not_found" or the failure's code name in lower case.
void ObserveBookFetch(absl::string_view source, absl::string_view result, int64_t books,
                      double seconds);
// Time a request waited for a database connection (including opening one).
void ObservePoolWait(double seconds);
// A transaction from BEGIN to COMMIT or ROLLBACK: outcome "committed", "rolled_back" or
// "retried" (a serialisation failure or deadlock, run again).
void ObserveTransaction(absl::string_view outcome, double seconds);

// --- oms-signer ---
// A signature released: kind "order", "order_replayed" (the intent's earlier signature) or
// "clob_auth".
void CountSignature(absl::string_view kind);
// A policy refusal, by the rule's stable id ("max_order_notional").
void CountRefusal(absl::string_view rule);
// One ledger batch written and synced: result "ok" or "failed".
void ObserveLedgerFlush(bool ok, double seconds);
// One audit record appended: result "ok" or "failed".
void CountAuditWrite(bool ok);

// Runs `hook` before every scrape, for gauges read from elsewhere (the orders table). Hooks run
// on the metrics server's thread, one scrape at a time; each must bound its own wait.
void AddScrapeHook(std::function<void()> hook);
// Runs the hooks (the metrics server calls it before collecting).
void RunScrapeHooks();

// The process's registry, for the exposer (metrics_server.h) and tests.
std::shared_ptr<prometheus::Registry> Registry();

// The exposition text of the registry, as a scrape would read it, hooks run (tests).
std::string ExpositionText();

}  // namespace betteroms::metrics
