// execution_history: one row per plan run, keyed by planId (the idempotency key).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oms-server/domain/run.h"
#include "store/db.h"

namespace betteroms::store {

// Inserts a run as `running`; false when the planId has a run already. Inside a transaction the
// row stays invisible, and a concurrent insert of the same planId waits for the outcome.
absl::StatusOr<bool> InsertRunningRun(Connection& conn, const domain::Run& run);

// Records a run that failed before anything of it was written: inserts it as `failed`, or updates
// an earlier failed run of the planId. A completed run is never touched.
absl::Status RecordFailedRun(Connection& conn, const domain::Run& run, absl::Time finished_at,
                             const std::string& error_message);

// Turns a failed run that placed no order back into `running` for a retry. Returns false when the
// run is not failed or has orders (another retry may have taken it).
absl::StatusOr<bool> RestartFailedRun(Connection& conn, const domain::Run& run);

// Records the outcome of a run: its status and finish time, and its summary or error.
absl::Status FinishRun(Connection& conn, const domain::RunSummary& summary);

// Live runs still `running`: each finishes when its last order leaves the journal.
absl::StatusOr<std::vector<std::string>> ListRunningLiveRuns(Connection& conn);

// NotFound when there is no such run.
absl::StatusOr<domain::Run> GetRun(Connection& conn, const std::string& plan_id);

// Newest first; all modes when `mode` is empty.
absl::StatusOr<std::vector<domain::Run>> ListRuns(Connection& conn, int limit,
                                                  std::optional<domain::Mode> mode);

}  // namespace betteroms::store
