// execution_history: one row per plan run, keyed by planId (the idempotency key).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
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

// Runs that started, newest first (not plans still scheduled); all modes when `mode` is empty.
absl::StatusOr<std::vector<domain::Run>> ListRuns(Connection& conn, int limit,
                                                  std::optional<domain::Mode> mode);

struct RunFilter {
  int limit = 50;
  std::optional<domain::Mode> mode;
  std::optional<absl::Time> since;  // runs started (scheduled: submitted) at or after it
  bool scheduled = false;           // only scheduled runs, soonest due first
};
// Newest first, or soonest due first with `scheduled`.
absl::StatusOr<std::vector<domain::Run>> ListRuns(Connection& conn, const RunFilter& filter);

// Scheduled plans (runs.h: a plan with a runAt) ----------------------------------------------

// Inserts a run as `scheduled` for `run.run_at` (which must be set); false when the planId has a
// run already.
absl::StatusOr<bool> InsertScheduledRun(Connection& conn, const domain::Run& run);

// Scheduled runs due at `now` (run_at <= now), soonest first, with their plans' text; at most
// `limit`. A listed run may be claimed by another tick before this one claims it.
absl::StatusOr<std::vector<domain::Run>> ListDueRuns(Connection& conn, absl::Time now, int limit);

// Claims a due scheduled run: `scheduled` -> `running` from `started_at`, in the caller's
// transaction. False when it is not (or no longer) scheduled and due: of concurrent claims one
// wins; the others wait for its commit and then see it running.
absl::StatusOr<bool> ClaimScheduledRun(Connection& conn, const std::string& plan_id,
                                       absl::Time started_at);

// Records as failed a scheduled run that could not start (its market refused it at run time);
// false when it is no longer scheduled (another tick took it).
absl::StatusOr<bool> FailScheduledRun(Connection& conn, const std::string& plan_id,
                                      absl::Time finished_at, const std::string& error_message);

// Deletes a run that is still scheduled, freeing its planId; false when it is not scheduled.
absl::StatusOr<bool> DeleteScheduledRun(Connection& conn, const std::string& plan_id);

}  // namespace betteroms::store
