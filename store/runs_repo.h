// execution_history: one row per plan run, keyed by planId (the idempotency key).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/db.h"

namespace betteroms::store {

struct RunRow {
  std::string plan_id;
  std::string plan_json;
  std::string plan_hash;
  std::string mode;
  std::string status;  // running | completed | failed
  int trade_count = 0;
  int attempts = 1;
  std::string started_at;  // RFC 3339; empty on insert means now()
  std::optional<std::string> finished_at;
  std::optional<std::string> summary_json;
  std::optional<std::string> error_message;
  int order_count = 0;
};

// Inserts a run as `running`; false when the planId has a run already. Inside a transaction the
// row stays invisible, and a concurrent insert of the same planId waits for the outcome.
absl::StatusOr<bool> InsertRunningRun(Connection& conn, const RunRow& run);

// Records a run that failed before anything of it was written: inserts it as `failed`, or updates
// an earlier failed run of the planId. A completed run is never touched.
absl::Status RecordFailedRun(Connection& conn, const RunRow& run, const std::string& finished_at,
                             const std::string& error_message);

// Turns a failed run that placed no order back into `running` for a retry. Returns false when the
// run is not failed or has orders (another retry may have taken it).
absl::StatusOr<bool> RestartFailedRun(Connection& conn, const RunRow& run);

// Records the outcome of a run; `finished_at` is RFC 3339.
absl::Status FinishRun(Connection& conn, const std::string& plan_id, const std::string& status,
                       const std::string& finished_at,
                       const std::optional<std::string>& summary_json,
                       const std::optional<std::string>& error_message);

// NotFound when there is no such run.
absl::StatusOr<RunRow> GetRun(Connection& conn, const std::string& plan_id);

// Newest first; `mode` empty for all.
absl::StatusOr<std::vector<RunRow>> ListRuns(Connection& conn, int limit, const std::string& mode);

}  // namespace betteroms::store
