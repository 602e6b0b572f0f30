// A plan's run as the OMS records it: the claim on its planId, its summary, and the rule that
// decides whether a planId may run again. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/order.h"
#include "oms-server/domain/plan.h"
#include "oms-server/domain/positions.h"
#include "oms-server/domain/twin.h"
#include "oms-server/domain/types.h"

namespace betteroms::domain {

// What a run did: counts, money and the positions of its tokens after it.
struct RunSummary {
  std::string plan_id;
  Mode mode = Mode::kPaper;
  RunStatus status = RunStatus::kCompleted;
  int orders_placed = 0;
  int orders_filled = 0;
  int orders_partially_filled = 0;
  int orders_open = 0;
  int orders_rejected = 0;
  int64_t notional_bought = 0;
  int64_t notional_sold = 0;
  int64_t realized_pnl = 0;
  std::vector<Position> positions;
  absl::Time started_at = absl::InfinitePast();
  std::optional<absl::Time> finished_at;
  std::string error_message;
  std::vector<Violation> warnings;  // every adjustment made to the plan (rounded sizes, prices)
  std::vector<Order> orders;        // with their fills; not kept in the stored summary
  // Live runs: the orders' paper twins against their live fills; empty for paper runs and for
  // live runs from before twins were kept.
  std::optional<TwinTotals> twin;
  int triggers_armed = 0;  // triggered trades armed by the run, placed when their price crosses
};

struct Run {
  std::string plan_id;
  std::string plan_json;  // verbatim, as submitted
  std::string plan_hash;  // of the plan's meaning (CanonicalPlanText)
  Mode mode = Mode::kPaper;
  RunStatus status = RunStatus::kRunning;
  int trade_count = 0;
  int attempts = 1;
  absl::Time started_at = absl::InfinitePast();
  std::optional<absl::Time> finished_at;
  std::optional<RunSummary> summary;
  std::string error_message;
  int order_count = 0;               // orders the run placed, when read back
  std::optional<absl::Time> run_at;  // when it is (kScheduled) or was due; none: run at once
};

// How far in the past a plan's runAt may be and still run (at once): a scheduled job that
// submits a little late is served; a stale or mistyped time is refused.
inline constexpr absl::Duration kRunAtGrace = absl::Hours(1);

// When a plan submitted at `now` runs: nullopt for at once (no time given, or one that is due
// within kRunAtGrace), else the time to schedule it for. `plan_run_at` is the plan's runAt and
// `requested` the submitter's (omsctl --at), RFC 3339 or empty. InvalidArgument when `requested`
// is not a time, when both are given and differ, or when the time is over kRunAtGrace past.
absl::StatusOr<std::optional<absl::Time>> ResolveRunAt(std::optional<absl::Time> plan_run_at,
                                                       const std::string& requested,
                                                       absl::Time now);

// Whether a plan may take a planId that already has `earlier`: OK only for a retry of the same
// plan whose earlier run failed before placing any order. AlreadyExists otherwise, explaining the
// earlier run.
absl::Status CheckRerun(const Run& earlier, const std::string& plan_hash, bool retry);

// Summarises a paper run that completed at `finished`: counts and money of its orders (with
// their fills), the realized P&L the run added to `history` (the fills of the plan's tokens
// before it), and the positions of the plan's tokens after it, marked against the run's books.
// For a live run, also its orders' paper twins against their live fills (SumTwins).
RunSummary SummariseRun(const Plan& plan, const std::vector<Order>& orders,
                        const std::vector<Execution>& history, const BookMap& books,
                        absl::Time started, absl::Time finished);

// Tick reports: what one maintenance pass did.
struct TickReport {
  int64_t tick_id = 0;
  bool skipped = false;  // another tick held the lock
  std::string message;
  int orders_examined = 0;
  int orders_filled = 0;
  int orders_partially_filled = 0;
  int orders_expired = 0;
  int orders_reconciled = 0;
  // Live reconciliation (see the API's TickReport).
  int fills_new = 0;
  int fills_confirmed = 0;
  int fills_failed = 0;
  int orders_cancelled_by_venue = 0;
  int orders_cancelled_after = 0;
  int markets_resolved = 0;
  // Price triggers (see the API's TickReport).
  int triggers_watched = 0;
  int triggers_fired = 0;
  int triggers_expired = 0;
  int triggers_cancelled = 0;
  std::string live_error;  // why live orders were not (wholly) reconciled
  // Scheduled plans the tick ran first, in due order (a failed one: status kFailed and its
  // error_message, no orders), and how many failed.
  std::vector<RunSummary> scheduled_runs;
  int scheduled_failed = 0;
  // Due plans left scheduled for the next tick: the venue, the signer or the database was
  // unavailable, or trading was halted, before anything of theirs was claimed.
  int scheduled_deferred = 0;
  std::string scheduled_deferred_reason;  // the last one's
  absl::Time started_at = absl::InfinitePast();
  absl::Time finished_at = absl::InfinitePast();
};

}  // namespace betteroms::domain
