#include "oms-server/service/oms_service.h"

#include <openssl/evp.h>

#include <algorithm>
#include <set>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/fault_point.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/plan_text.h"
#include "common/status_macros.h"
#include "oms-server/domain/cancel.h"
#include "oms-server/domain/outcome.h"
#include "oms-server/domain/paper_engine.h"
#include "oms-server/domain/tick.h"
#include "oms-server/service/live_trader.h"
#include "oms-server/signer_client/order_signer.h"
#include "store/controls_repo.h"
#include "store/orders_repo.h"
#include "store/resolutions_repo.h"
#include "store/runs_repo.h"
#include "store/ticks_repo.h"

namespace betteroms::service {
namespace {

using domain::Mode;
using domain::OrderStatus;

// Scheduled plans run per tick at most; more due wait for the next tick.
constexpr int kMaxDuePerTick = 1000;

std::string Sha256Hex(const std::string& text) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return ToHex({digest, len});
}

absl::Status ViolationsError(const std::vector<domain::Violation>& violations) {
  return domain::ViolationsError(absl::StatusCode::kInvalidArgument, "the plan is invalid",
                                 violations);
}

std::vector<std::string> DistinctTokens(const domain::Plan& plan) {
  std::set<std::string> tokens;
  for (const auto& t : plan.trades) tokens.insert(t.token_id);
  return {tokens.begin(), tokens.end()};
}

// "after these adjustments:" and one line per warning, for a refusal's message.
std::string AdjustmentsText(const std::vector<domain::Violation>& warnings) {
  std::string out = "after these adjustments:";
  for (const auto& w : warnings) {
    absl::StrAppend(&out, "\n  ", w.path.empty() ? "plan" : w.path, ": ", w.message);
  }
  return out;
}

// Orders a locked write found changed: cannot happen while the rows are locked, so Aborted (retry).
absl::Status StaleOrders(const std::vector<int64_t>& ids) {
  return absl::AbortedError(absl::StrCat("order(s) ", absl::StrJoin(ids, ", "),
                                         " changed meanwhile; nothing was written: try again"));
}

// Market-data failures a tick goes on without: expiries need no book, and the next tick reads
// again. Other failures (the database, the call given up) stop it.
bool TickSurvives(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInvalidArgument:
      return true;
    default:
      return false;
  }
}

// Writes a tick's outcome over the orders it read, in the caller's transaction: each order's new
// state only while the row is as read (store::UpdateOrderStates). An order changed meanwhile is
// dropped from `outcome` with its fills and counts, and its id returned.
absl::StatusOr<std::vector<int64_t>> WriteTick(store::Connection& tx,
                                               const std::vector<domain::Order>& read,
                                               const domain::BookMap& books,
                                               domain::TickOutcome& outcome) {
  std::map<int64_t, const domain::Order*> as_read;
  for (const domain::Order& o : read) as_read[o.id] = &o;
  std::vector<store::OrderChange> changes;
  changes.reserve(outcome.changed.size());
  for (const domain::Order& next : outcome.changed) {
    changes.push_back(store::ChangeOf(*as_read.at(next.id), next));
  }
  OMS_ASSIGN_OR_RETURN(std::vector<int64_t> stale, store::UpdateOrderStates(tx, changes));
  std::set<int64_t> dropped(stale.begin(), stale.end());
  std::erase_if(outcome.changed, [&](const domain::Order& o) {
    if (dropped.count(o.id) == 0) return false;
    --outcome.orders_examined;
    switch (o.status) {
      case OrderStatus::kFilled:
        --outcome.orders_filled;
        break;
      case OrderStatus::kPartiallyFilled:
        --outcome.orders_partially_filled;
        break;
      case OrderStatus::kExpired:
        --outcome.orders_expired;
        break;
      default:
        --outcome.orders_cancelled_by_venue;
        break;
    }
    return true;
  });
  std::erase_if(outcome.fills,
                [&](const domain::Execution& e) { return dropped.count(e.order_id) != 0; });
  std::set<std::string> tokens;
  for (const domain::Execution& e : outcome.fills) tokens.insert(e.token_id);
  std::vector<const domain::Book*> used;
  used.reserve(tokens.size());
  for (const std::string& token : tokens) used.push_back(&books.at(token));
  OMS_RETURN_IF_ERROR(store::InsertSnapshots(tx, used));
  OMS_RETURN_IF_ERROR(store::InsertExecutions(tx, outcome.fills));
  FaultPoint("tick.after_fills");  // test-only: fills and states written, not yet committed
  return stale;
}

// A failed read of many books that may concern one token only: a book missing (NotFound) or
// refused as malformed (Unknown). Reading the tokens one by one then finds which.
bool OneTokensProblem(const absl::Status& status) {
  return status.code() == absl::StatusCode::kNotFound ||
         status.code() == absl::StatusCode::kUnknown;
}

store::OrderFilter RestingPaperOrders() {
  store::OrderFilter filter;
  filter.mode = Mode::kPaper;
  filter.statuses = {OrderStatus::kOpen, OrderStatus::kPartiallyFilled};
  filter.limit = 1'000'000;
  filter.oldest_first = true;  // earlier orders fill first
  return filter;
}

// "2 scheduled plan(s) ran (1 failed): a, b; " for a tick's message; "" when none was due.
// A scheduled plan that meets an outage (venue, signer, database) or the kill switch when due,
// before anything of it was claimed, waits for the next tick instead of failing. The payload
// tells the tick so.
constexpr char kDeferredPayload[] = "betteroms.dev/scheduled-deferred";

bool Deferrable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded || IsHalted(status);
}

std::string ScheduledNote(const domain::TickReport& report) {
  std::string deferred;
  if (report.scheduled_deferred > 0) {
    deferred =
        absl::StrCat(report.scheduled_deferred, " scheduled plan(s) deferred to the next tick (",
                     report.scheduled_deferred_reason, "); ");
  }
  if (report.scheduled_runs.empty()) return deferred;
  std::vector<std::string> ids;
  for (const auto& s : report.scheduled_runs) {
    ids.push_back(absl::StrCat(s.plan_id, " ", domain::Name(s.status)));
  }
  return absl::StrCat(deferred, report.scheduled_runs.size(), " scheduled plan(s) ran (",
                      report.scheduled_failed, " failed): ", absl::StrJoin(ids, ", "), "; ");
}

// What a tick's live reconciliation changed, for its message; "" when nothing.
std::string LiveReconcileNote(const ResumeReport& r) {
  std::vector<std::string> parts;
  if (r.reconciled > 0) parts.push_back(absl::StrCat(r.reconciled, " live order(s) changed"));
  if (r.fills_new > 0) parts.push_back(absl::StrCat(r.fills_new, " new live fill(s)"));
  if (r.fills_confirmed > 0) parts.push_back(absl::StrCat(r.fills_confirmed, " confirmed"));
  if (r.fills_failed > 0) {
    parts.push_back(absl::StrCat(r.fills_failed, " FAILED on chain (voided)"));
  }
  if (r.cancelled_by_venue > 0) {
    parts.push_back(absl::StrCat(r.cancelled_by_venue, " cancelled by the venue"));
  }
  if (r.cancelled_after > 0) {
    parts.push_back(absl::StrCat(r.cancelled_after, " cancelled as cancelAfter elapsed"));
  }
  std::string note = parts.empty() ? "" : absl::StrCat("; live: ", absl::StrJoin(parts, ", "));
  if (!r.reconcile_error.empty()) {
    absl::StrAppend(&note, "; live orders not reconciled: ", r.reconcile_error);
  }
  return note;
}

}  // namespace

OmsService::OmsService(store::Pool& pool, market::MarketData& market, const Clock& clock,
                       ServiceOptions options)
    : pool_(pool), market_(market), clock_(clock), options_(options) {}

absl::StatusOr<store::Pool::Lease> OmsService::Connect(const CallContext& call) {
  OMS_RETURN_IF_ERROR(call.Check("connecting to the database"));
  return pool_.Acquire(call.deadline());
}

absl::Status OmsService::CheckDatabase() {
  auto conn = pool_.Acquire(absl::Now() + absl::Seconds(5));
  // Every connection busy means the database is answering requests: busy, not down.
  if (conn.status().code() == absl::StatusCode::kDeadlineExceeded) return absl::OkStatus();
  OMS_RETURN_IF_ERROR(conn.status());
  return store::Ping(**conn);
}

absl::StatusOr<OmsService::PreparedPlan> OmsService::Prepare(const std::string& json) {
  OMS_RETURN_IF_ERROR(CheckPlanText(json));  // too large or not UTF-8: nothing is parsed
  domain::PlanParseResult parsed = domain::ParsePlan(json);
  if (!parsed.ok()) return ViolationsError(parsed.violations);
  PreparedPlan p{std::move(parsed.plan), json, "", std::move(parsed.warnings)};
  p.hash = Sha256Hex(domain::CanonicalPlanText(p.plan));
  return p;
}

absl::Status OmsService::ClaimRun(store::Connection& conn, const domain::Run& run, bool retry) {
  OMS_ASSIGN_OR_RETURN(bool inserted, store::InsertRunningRun(conn, run));
  if (inserted) return absl::OkStatus();
  OMS_ASSIGN_OR_RETURN(domain::Run earlier, store::GetRun(conn, run.plan_id));
  OMS_RETURN_IF_ERROR(domain::CheckRerun(earlier, run.plan_hash, retry));
  OMS_ASSIGN_OR_RETURN(bool restarted, store::RestartFailedRun(conn, run));
  if (restarted) return absl::OkStatus();
  return absl::AlreadyExistsError(
      absl::StrCat("plan \"", run.plan_id, "\" is being retried by another request"));
}

absl::StatusOr<domain::RunSummary> OmsService::SubmitPlan(const std::string& plan_json, bool retry,
                                                          const CallContext& call,
                                                          const std::string& run_at) {
  absl::Time started = clock_.Now();
  OMS_ASSIGN_OR_RETURN(PreparedPlan prepared, Prepare(plan_json));
  const domain::Plan& plan = prepared.plan;
  OMS_RETURN_IF_ERROR(CheckLiveConfigured(plan));
  domain::Run run;
  run.plan_id = plan.plan_id;
  run.plan_json = prepared.json;
  run.plan_hash = prepared.hash;
  run.mode = plan.mode;
  run.trade_count = static_cast<int>(plan.trades.size());
  run.started_at = started;

  // A planId that ran already is refused before anything is read from the venue; the claim in
  // the transaction below decides races. This comes before the runAt checks, so that a plan
  // resubmitted long after its time says it already ran.
  bool rerun = false;
  {
    OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
    absl::StatusOr<domain::Run> earlier = store::GetRun(*conn, plan.plan_id);
    if (earlier.ok()) {
      OMS_RETURN_IF_ERROR(domain::CheckRerun(*earlier, prepared.hash, retry));
      rerun = true;
    } else if (earlier.status().code() != absl::StatusCode::kNotFound) {
      return earlier.status();
    }
  }
  // A retry of a failed run runs it now, whatever time the plan named.
  std::optional<absl::Time> when;
  if (rerun && !run_at.empty()) {
    return absl::InvalidArgumentError("a retry runs the failed plan at once: drop --at");
  }
  if (!rerun) {
    OMS_ASSIGN_OR_RETURN(when, domain::ResolveRunAt(plan.run_at, run_at, started));
  }

  // Everything from the venue is read before BEGIN, holding no connection: a transaction only
  // claims, writes and commits. One book read per token: the simulation and the stored snapshots
  // use the same books.
  absl::StatusOr<PaperInputs> inputs = ReadMarkets(prepared, call);
  if (when) {
    run.run_at = when;
    return Schedule(run, inputs, call);
  }
  return Execute(run, std::move(inputs), retry, /*scheduled=*/false, call);
}

absl::Status OmsService::CheckLiveConfigured(const domain::Plan& plan) const {
  if (plan.mode == Mode::kLive && options_.live == nullptr) {
    return absl::FailedPreconditionError(
        "live trading is not configured on this server: start oms-server with --live and a "
        "signer (see README, Going live); submit the plan with \"mode\": \"paper\" to "
        "simulate it");
  }
  return absl::OkStatus();
}

absl::StatusOr<domain::RunSummary> OmsService::Schedule(const domain::Run& run,
                                                        const absl::StatusOr<PaperInputs>& inputs,
                                                        const CallContext& call) {
  // Validated in full now, as it would run now; a refusal stores nothing, so the trader fixes
  // the plan and submits the same planId again. The market is checked again when it runs.
  if (!inputs.ok()) {
    absl::Status status = inputs.status();
    LogWarn("plan not scheduled",
            {{"plan_id", run.plan_id}, {"error", std::string(status.message())}});
    return status;
  }
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(bool inserted, store::InsertScheduledRun(*conn, run));
  if (!inserted) {
    // Another request took the planId since SubmitPlan looked.
    OMS_ASSIGN_OR_RETURN(domain::Run earlier, store::GetRun(*conn, run.plan_id));
    OMS_RETURN_IF_ERROR(domain::CheckRerun(earlier, run.plan_hash, /*retry=*/false));
    return absl::AlreadyExistsError(absl::StrCat("plan \"", run.plan_id, "\" is taken"));
  }
  LogInfo("plan scheduled", {{"plan_id", run.plan_id}, {"run_at", FormatRfc3339(*run.run_at)}});
  domain::RunSummary summary;
  summary.plan_id = run.plan_id;
  summary.mode = run.mode;
  summary.status = domain::RunStatus::kScheduled;
  summary.started_at = run.started_at;
  summary.warnings = inputs->warnings;
  return summary;
}

absl::StatusOr<domain::RunSummary> OmsService::RunScheduled(const domain::Run& stored,
                                                            const CallContext& call) {
  domain::Run run = stored;
  run.status = domain::RunStatus::kRunning;
  run.started_at = clock_.Now();
  absl::StatusOr<PreparedPlan> prepared = Prepare(stored.plan_json);
  absl::Status refused = prepared.status();
  if (refused.ok()) refused = CheckLiveConfigured(prepared->plan);
  if (!refused.ok()) {
    return Execute(run, refused, /*retry=*/false, /*scheduled=*/true, call);
  }
  return Execute(run, ReadMarkets(*prepared, call), /*retry=*/false, /*scheduled=*/true, call);
}

absl::Status OmsService::ClaimScheduled(store::Connection& conn, const domain::Run& run) {
  OMS_ASSIGN_OR_RETURN(bool claimed, store::ClaimScheduledRun(conn, run.plan_id, run.started_at));
  if (claimed) return absl::OkStatus();
  return absl::AlreadyExistsError(
      absl::StrCat("plan \"", run.plan_id, "\" is no longer scheduled: another tick ran it"));
}

absl::StatusOr<domain::RunSummary> OmsService::Execute(const domain::Run& run,
                                                       absl::StatusOr<PaperInputs> inputs,
                                                       bool retry, bool scheduled,
                                                       const CallContext& call) {
  absl::Time started = run.started_at;
  // The claim on the planId: a new run, a retried failed one, or a scheduled one that came due.
  auto claim = [&](store::Connection& tx) -> absl::Status {
    return scheduled ? ClaimScheduled(tx, run) : ClaimRun(tx, run, retry);
  };
  // A run refused by its markets is recorded as failed, as a run failing later is.
  bool record_failure = !inputs.ok();
  absl::Status status = inputs.status();
  int64_t statements = 0;
  absl::StatusOr<domain::RunSummary> summary;
  bool claimed = false;  // live: its orders were journalled under the claim
  if (status.ok() && run.mode == Mode::kLive) {
    LiveInputs live{inputs->books, inputs->priced_at, inputs->plan, inputs->markets,
                    inputs->warnings};
    summary = options_.live->Run(
        run, live,
        [&](store::Connection& tx) -> absl::Status {
          OMS_RETURN_IF_ERROR(claim(tx));
          // Its triggers are armed with the claim: a run refused later arms nothing.
          OMS_RETURN_IF_ERROR(ArmTriggers(tx, live.plan).status());
          claimed = true;
          return absl::OkStatus();
        },
        call);
    status = summary.status();
    // A live run that journalled its orders records its own outcome; a planId that is taken
    // (AlreadyExists from the claim) records nothing, as for paper.
    record_failure = !claimed && status.code() != absl::StatusCode::kAlreadyExists;
  } else if (status.ok()) {
    absl::StatusOr<store::Pool::Lease> conn = Connect(call);
    status = conn.status();
    if (status.ok()) {
      int64_t before = (*conn)->statements();
      // The claim on the planId and everything the run writes commit together: a failed run
      // leaves nothing but its failure record, and one commit per plan keeps submissions fast.
      status = store::InTransaction(**conn, [&](store::Connection& tx) -> absl::Status {
        OMS_RETURN_IF_ERROR(claim(tx));
        record_failure = true;  // claimed: a failure from here on is the run's
        FaultPoint("paper.after_claim");
        summary = RunPaperPlan(tx, *inputs, started, call);
        return summary.status();
      });
      statements = (*conn)->statements() - before;
      if (status.ok()) FaultPoint("paper.after_commit");  // committed, not yet answered
    }
  }
  if (!status.ok() && scheduled && !claimed && Deferrable(status)) {
    LogWarn("scheduled plan deferred to the next tick",
            {{"plan_id", run.plan_id}, {"error", std::string(status.message())}});
    status.SetPayload(kDeferredPayload, absl::Cord("1"));
    return status;
  }
  if (!status.ok()) {
    // A refusal of an adjusted plan says what was adjusted: "invalid price (1)" makes sense only
    // next to "price 0.995 moved to 1".
    if (status.code() == absl::StatusCode::kInvalidArgument && inputs.ok() &&
        !inputs->warnings.empty()) {
      status = absl::InvalidArgumentError(
          absl::StrCat(status.message(), "\n", AdjustmentsText(inputs->warnings)));
    }
    // A caller that gave up gets nothing committed, not even a failure record.
    if (record_failure && call.Check("recording the failure").ok()) {
      absl::Status recorded = RecordFailure(run, status, scheduled);
      if (!recorded.ok()) {
        LogError("cannot record failed run",
                 {{"plan_id", run.plan_id}, {"error", std::string(recorded.message())}});
      }
    }
    LogWarn("plan refused or failed",
            {{"plan_id", run.plan_id}, {"error", std::string(status.message())}});
    metrics::CountPlanRun(domain::Name(run.mode), record_failure ? "failed" : "refused");
    return status;
  }
  metrics::CountPlanRun(domain::Name(run.mode), domain::Name(summary->status));
  LogInfo("plan completed",
          {{"plan_id", run.plan_id},
           {"orders", std::to_string(summary->orders_placed)},
           {"scheduled", scheduled ? "true" : "false"},
           {"db_statements", std::to_string(statements)},
           {"millis", std::to_string(absl::ToInt64Milliseconds(clock_.Now() - started))}});
  return summary;
}

absl::StatusOr<OmsService::PaperInputs> OmsService::ReadMarkets(const PreparedPlan& prepared,
                                                                const CallContext& call) {
  std::vector<std::string> tokens = DistinctTokens(prepared.plan);
  OMS_RETURN_IF_ERROR(call.Check("reading the books"));
  OMS_ASSIGN_OR_RETURN(domain::BookMap books, market_.GetBooks(tokens));
  PaperInputs inputs{std::move(books), clock_.Now(), prepared.plan, prepared.warnings};
  OMS_ASSIGN_OR_RETURN(auto markets, ReadOutcomes(inputs.plan, tokens, inputs.warnings, call));
  std::vector<domain::Violation> labels = domain::CheckOutcomeLabels(inputs.plan, markets);
  if (!labels.empty()) return ViolationsError(labels);
  domain::UseVenueOutcomes(inputs.plan, markets);
  inputs.markets = markets;
  std::vector<domain::Violation> aligned = domain::AlignToTicks(inputs.plan, inputs.books);
  inputs.warnings.insert(inputs.warnings.end(), aligned.begin(), aligned.end());
  return inputs;
}

absl::StatusOr<std::map<std::string, domain::MarketInfo>> OmsService::ReadOutcomes(
    const domain::Plan& plan, const std::vector<std::string>& tokens,
    std::vector<domain::Violation>& warnings, const CallContext& call) {
  OMS_RETURN_IF_ERROR(call.Check("reading the markets"));
  auto markets = market_.GetMarkets(tokens);
  // The books were read, so the venue trades: metadata it cannot serve now leaves the labels
  // unchecked, said in a warning, rather than stopping every scheduled run.
  if (!markets.ok() && (markets.status().code() == absl::StatusCode::kUnavailable ||
                        markets.status().code() == absl::StatusCode::kDeadlineExceeded)) {
    warnings.push_back(
        {"", absl::StrCat("outcome labels not checked: ", markets.status().message())});
    return std::map<std::string, domain::MarketInfo>();
  }
  OMS_RETURN_IF_ERROR(markets.status());
  std::vector<domain::Violation> unchecked = domain::UncheckedOutcomes(plan, *markets);
  warnings.insert(warnings.end(), unchecked.begin(), unchecked.end());
  return markets;
}

absl::Status OmsService::RecordFailure(const domain::Run& run, const absl::Status& failure,
                                       bool scheduled) {
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(absl::Now() + absl::Seconds(5)));
  if (scheduled) {
    // Only while it is still scheduled: a paper run's rolled-back claim leaves it so.
    return store::FailScheduledRun(*conn, run.plan_id, clock_.Now(), std::string(failure.message()))
        .status();
  }
  return store::RecordFailedRun(*conn, run, clock_.Now(), std::string(failure.message()));
}

absl::StatusOr<domain::RunSummary> OmsService::RunPaperPlan(store::Connection& conn,
                                                            const PaperInputs& inputs,
                                                            absl::Time started,
                                                            const CallContext& call) {
  const domain::Plan& plan = inputs.plan;
  std::vector<std::string> tokens = DistinctTokens(plan);
  // Runs of one mode take turns from here to commit, so two plans cannot sell the same shares.
  OMS_RETURN_IF_ERROR(store::LockPositions(conn, plan.mode));
  OMS_RETURN_IF_ERROR(call.Check("simulating the run"));
  OMS_ASSIGN_OR_RETURN(auto available, store::SharesAvailable(conn, plan.mode, tokens));
  OMS_ASSIGN_OR_RETURN(std::vector<domain::PaperOrder> simulated,
                       domain::SimulatePaperPlan(plan, inputs.books, available, options_.fill_model,
                                                 inputs.priced_at));
  OMS_ASSIGN_OR_RETURN(auto history, store::ListExecutionsForPositions(conn, plan.mode, tokens));

  absl::Time finished = clock_.Now();
  std::vector<domain::Order> orders;
  orders.reserve(simulated.size());
  for (const auto& o : simulated) {
    orders.push_back(domain::ToOrder(o, plan, inputs.books.at(o.trade.token_id), finished));
  }
  std::vector<const domain::Book*> snapshots;
  for (const auto& [token, book] : inputs.books) snapshots.push_back(&book);
  OMS_RETURN_IF_ERROR(store::InsertSnapshots(conn, snapshots));
  OMS_RETURN_IF_ERROR(store::InsertOrders(conn, orders));
  FaultPoint("paper.after_orders");
  std::vector<domain::Execution> fills;
  for (auto& order : orders) {
    for (auto& f : order.fills) {
      f.order_id = order.id;
      fills.push_back(f);
    }
  }
  OMS_RETURN_IF_ERROR(store::InsertExecutions(conn, fills));
  FaultPoint("paper.after_fills");
  domain::RunSummary summary =
      domain::SummariseRun(plan, orders, history, inputs.books, started, finished);
  summary.warnings = inputs.warnings;
  // Triggered trades wait for their prices: armed with the run, watched by every tick.
  OMS_ASSIGN_OR_RETURN(summary.triggers_armed, ArmTriggers(conn, plan));
  OMS_RETURN_IF_ERROR(store::FinishRun(conn, summary));
  FaultPoint("paper.before_commit");
  OMS_RETURN_IF_ERROR(call.Check("committing the run"));
  return summary;
}

absl::StatusOr<PlanValidation> OmsService::ValidatePlan(const std::string& plan_json,
                                                        const CallContext& call) {
  OMS_RETURN_IF_ERROR(CheckPlanText(plan_json));  // too large or not UTF-8: nothing is parsed
  PlanValidation out;
  domain::PlanParseResult parsed = domain::ParsePlan(plan_json);
  out.violations = parsed.violations;
  out.warnings = parsed.warnings;
  if (!parsed.ok()) return out;
  out.plan_id = parsed.plan.plan_id;
  out.mode = parsed.plan.mode;
  out.trade_count = static_cast<int>(parsed.plan.trades.size());
  std::vector<std::string> tokens = DistinctTokens(parsed.plan);
  OMS_RETURN_IF_ERROR(call.Check("reading the books"));
  auto books = market_.GetBooks(tokens);
  if (!books.ok() && books.status().code() != absl::StatusCode::kNotFound) return books.status();
  OMS_ASSIGN_OR_RETURN(auto markets, ReadOutcomes(parsed.plan, tokens, out.warnings, call));
  std::vector<domain::Violation> labels = domain::CheckOutcomeLabels(parsed.plan, markets);
  out.violations.insert(out.violations.end(), labels.begin(), labels.end());
  if (!books.ok()) {
    out.violations.push_back({"", std::string(books.status().message())});
  } else {
    std::vector<domain::Violation> aligned = domain::AlignToTicks(parsed.plan, *books);
    out.warnings.insert(out.warnings.end(), aligned.begin(), aligned.end());
    auto market = domain::ValidateAgainstMarket(parsed.plan, *books, clock_.Now());
    out.violations.insert(out.violations.end(), market.begin(), market.end());
  }
  return out;
}

absl::StatusOr<domain::Run> OmsService::GetRun(const std::string& plan_id,
                                               const CallContext& call) {
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  return store::GetRun(*conn, plan_id);
}

absl::StatusOr<std::vector<domain::Run>> OmsService::ListRuns(const RunQuery& query,
                                                              const CallContext& call) {
  int limit = query.limit > 0 ? std::min(query.limit, 1000) : 50;
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  store::RunFilter filter{limit, query.mode, query.since, query.scheduled};
  OMS_ASSIGN_OR_RETURN(auto runs, store::ListRuns(*conn, filter));
  for (auto& run : runs) run.summary.reset();  // lists stay small; GetRun has the summary
  return runs;
}

absl::StatusOr<std::vector<domain::Order>> OmsService::ListOrders(const OrderQuery& query,
                                                                  const CallContext& call) {
  store::OrderFilter filter;
  filter.plan_id = query.plan_id;
  filter.mode = query.mode;
  if (query.status) filter.statuses = {*query.status};
  filter.limit = query.limit > 0 ? std::min(query.limit, 10000) : 100;
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(auto orders, store::ListOrders(*conn, filter));
  std::vector<int64_t> ids;
  ids.reserve(orders.size());
  for (const auto& o : orders) ids.push_back(o.id);
  OMS_ASSIGN_OR_RETURN(auto fills, store::ListExecutionsForOrders(*conn, ids));
  std::map<int64_t, domain::Order*> by_id;
  for (auto& o : orders) by_id[o.id] = &o;
  for (auto& f : fills) by_id.at(f.order_id)->fills.push_back(std::move(f));
  return orders;
}

absl::StatusOr<domain::Order> OmsService::CancelOrder(int64_t id, const CallContext& call) {
  if (options_.live != nullptr) {
    absl::StatusOr<domain::Order> order;
    {
      OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
      order = store::GetOrder(*conn, id, /*for_update=*/false);
    }
    OMS_RETURN_IF_ERROR(order.status());
    if (order->mode == Mode::kLive) return options_.live->Cancel(id, call);
  }
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  domain::Order cancelled;
  absl::Status done = store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
    OMS_ASSIGN_OR_RETURN(domain::Order order, store::GetOrder(tx, id, /*for_update=*/true));
    OMS_ASSIGN_OR_RETURN(cancelled, domain::RequestCancel(order));
    OMS_ASSIGN_OR_RETURN(std::vector<int64_t> stale,
                         store::UpdateOrderStates(tx, {store::ChangeOf(order, cancelled)}));
    if (!stale.empty()) return StaleOrders(stale);
    return call.Check("committing the cancel");
  });
  OMS_RETURN_IF_ERROR(done);
  return cancelled;
}

absl::StatusOr<CancelResult> OmsService::CancelOrders(const std::string& plan_id, bool all,
                                                      const CallContext& call) {
  if (plan_id.empty() == !all) {
    return absl::InvalidArgumentError(
        "name the orders to cancel: a plan (--plan PLAN_ID) or all of them (--all), not both");
  }
  CancelResult result;
  {
    OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
    if (!plan_id.empty()) OMS_RETURN_IF_ERROR(store::GetRun(*conn, plan_id).status());
    absl::Status done = store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
      store::OrderFilter filter = RestingPaperOrders();
      filter.plan_id = plan_id;
      OMS_ASSIGN_OR_RETURN(std::vector<domain::Order> resting, store::LockOrders(tx, filter));
      std::vector<domain::Order> cancelled;
      std::vector<store::OrderChange> changes;
      for (const domain::Order& o : resting) {
        absl::StatusOr<domain::Order> c = domain::RequestCancel(o);
        if (!c.ok()) continue;
        changes.push_back(store::ChangeOf(o, *c));
        cancelled.push_back(*std::move(c));
      }
      OMS_ASSIGN_OR_RETURN(std::vector<int64_t> stale, store::UpdateOrderStates(tx, changes));
      if (!stale.empty()) return StaleOrders(stale);
      OMS_RETURN_IF_ERROR(call.Check("committing the cancels"));
      result.orders = std::move(cancelled);
      return absl::OkStatus();
    });
    OMS_RETURN_IF_ERROR(done);
  }
  int busy = 0;
  if (options_.live != nullptr) {
    OMS_ASSIGN_OR_RETURN(std::vector<domain::Order> live,
                         options_.live->CancelMany(plan_id, all, call, busy));
    for (domain::Order& o : live) result.orders.push_back(std::move(o));
  }
  int cancelled = 0, not_cancelled = 0;
  for (const domain::Order& o : result.orders) {
    (o.status == OrderStatus::kCancelled ? cancelled : not_cancelled) += 1;
  }
  result.message = absl::StrCat(cancelled, " order(s) cancelled");
  if (not_cancelled > 0) {
    absl::StrAppend(&result.message, "; ", not_cancelled,
                    " not cancelled: the venue had already filled or closed them (status shown)");
  }
  if (busy > 0) {
    absl::StrAppend(&result.message, "; ", busy,
                    " being sent or reconciled right now: run the cancel again shortly");
  }
  return result;
}

absl::StatusOr<OmsService::BookRead> OmsService::ReadBooks(store::Connection& conn,
                                                           const std::vector<std::string>& tokens,
                                                           const CallContext& call) {
  BookRead out;
  if (tokens.empty()) return out;
  // A closed market does not reopen: tokens recorded closed have no book to read.
  OMS_ASSIGN_OR_RETURN(auto recorded, store::ListResolutions(conn, tokens));
  std::vector<std::string> open;
  std::vector<std::string> ask;  // whose markets to ask the venue about
  for (const auto& token : tokens) {
    auto it = recorded.find(token);
    if (it == recorded.end()) {
      open.push_back(token);
      continue;
    }
    out.closed[token] = it->second.payout;
    if (!it->second.payout) ask.push_back(token);  // the venue may name the winner by now
  }
  OMS_RETURN_IF_ERROR(call.Check("reading the books"));
  absl::StatusOr<domain::BookMap> books = open.empty() ? domain::BookMap() : market_.GetBooks(open);
  if (!books.ok() && !OneTokensProblem(books.status())) return books.status();
  // The error names one token in its text, which is not data: every open token's market is asked
  // when a book is missing, and each token read alone when one was refused.
  bool missing = !books.ok();
  bool refused = missing && books.status().code() == absl::StatusCode::kUnknown;
  if (missing && !refused) ask.insert(ask.end(), open.begin(), open.end());

  if (!ask.empty()) {
    OMS_RETURN_IF_ERROR(call.Check("reading the markets"));
    auto resolutions = market_.GetResolutions(ask);
    if (resolutions.ok()) {
      std::vector<store::Resolution> closed;
      std::map<std::string, std::string> market_of;  // token -> its market, for the count
      for (const auto& [token, r] : *resolutions) {
        if (!r.closed) continue;
        closed.push_back({token, r.condition_id, domain::PayoutOf(token, r)});
        market_of[token] = r.condition_id.empty() ? "token " + token : r.condition_id;
      }
      OMS_ASSIGN_OR_RETURN(std::vector<std::string> newly, store::RecordResolutions(conn, closed));
      for (const auto& c : closed) {
        std::optional<int64_t>& payout = out.closed[c.token_id];
        if (!payout) payout = c.payout;  // a payout once recorded stands
      }
      std::set<std::string> markets;
      for (const auto& token : newly) markets.insert(market_of[token]);
      out.markets_recorded = static_cast<int>(markets.size());
      if (!newly.empty()) {
        LogInfo("markets closed", {{"tokens", absl::StrJoin(newly, ",")}});
      }
    } else {
      // Missing books are then left out below, unexplained: other tokens still go ahead.
      out.note = absl::StrCat("market status not read: ", resolutions.status().message());
      LogWarn("market status not read", {{"error", std::string(resolutions.status().message())}});
    }
  }

  if (missing) {
    std::vector<std::string> rest;
    for (const auto& token : open) {
      if (out.closed.count(token) == 0) rest.push_back(token);
    }
    // A refused batch would be refused again: straight to one read per token.
    if (!refused) {
      OMS_RETURN_IF_ERROR(call.Check("reading the books"));
      books = rest.empty() ? domain::BookMap() : market_.GetBooks(rest);
      if (!books.ok() && !OneTokensProblem(books.status())) return books.status();
    }
    if (!books.ok()) {
      // A book is missing and its market is not known closed, or a book was refused: one read
      // per token finds which, so that the others are still priced. Rare: a market just
      // closing, the venue not answering for markets, or serving a book that is not one.
      books = domain::BookMap();
      std::vector<std::string> skipped;
      for (const auto& token : rest) {
        OMS_RETURN_IF_ERROR(call.Check("reading the books"));
        auto one = market_.GetBooks({token});
        if (one.ok()) {
          books->insert(one->begin(), one->end());
        } else if (one.status().code() == absl::StatusCode::kNotFound) {
          skipped.push_back(token);
        } else if (one.status().code() == absl::StatusCode::kUnknown) {
          absl::StrAppend(&out.note, out.note.empty() ? "" : "; ", one.status().message(),
                          ": left out");
          LogWarn("book refused",
                  {{"token", token}, {"error", std::string(one.status().message())}});
        } else {
          return one.status();
        }
      }
      if (!skipped.empty()) {
        absl::StrAppend(&out.note, out.note.empty() ? "" : "; ", "no order book for token(s) ",
                        absl::StrJoin(skipped, ", "), " and no closed market known: left out");
        LogWarn("books missing", {{"tokens", absl::StrJoin(skipped, ",")}});
      }
    }
  }
  out.books = std::move(*books);
  return out;
}

absl::StatusOr<std::vector<domain::Position>> OmsService::GetPositions(std::optional<Mode> mode,
                                                                       const CallContext& call,
                                                                       bool check) {
  if (check && options_.live == nullptr) {
    return absl::FailedPreconditionError(
        "checking positions against the venue needs oms-server started with --live");
  }
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(std::vector<domain::Execution> fills,
                       store::ListExecutionsForPositions(*conn, mode));
  domain::PositionBook positions = domain::FoldPositions(fills);
  std::set<std::string> held;
  for (const auto& [key, pos] : positions) {
    if (pos.state.net_shares > 0) held.insert(key.token_id);
  }
  // Marks are best effort: positions still show when market data is down. A closed market's
  // positions are marked at their payout.
  BookRead read;
  if (!held.empty()) {
    absl::StatusOr<BookRead> fetched = ReadBooks(*conn, {held.begin(), held.end()}, call);
    if (fetched.ok()) {
      read = std::move(*fetched);
      if (!read.note.empty()) LogWarn("positions without marks", {{"error", read.note}});
    } else {
      OMS_RETURN_IF_ERROR(call.Check("reading the books"));
      LogWarn("positions without marks", {{"error", std::string(fetched.status().message())}});
    }
  }
  // Live positions against the venue's balances, when asked: one read per token.
  std::map<std::string, absl::StatusOr<int64_t>> venue;
  if (check) {
    std::vector<std::string> live_tokens;
    for (const auto& [key, pos] : positions) {
      if (key.mode == Mode::kLive) live_tokens.push_back(key.token_id);
    }
    OMS_RETURN_IF_ERROR(call.Check("asking the venue"));
    venue = options_.live->VenueShares(live_tokens, call);
  }
  std::vector<domain::Position> out;
  out.reserve(positions.size());
  for (const auto& [key, pos] : positions) {
    domain::Position p{key.mode, key.token_id, pos.outcome, pos.state, {}, pos.pending_shares};
    auto closed = read.closed.find(key.token_id);
    if (closed != read.closed.end()) {
      p.resolved = true;
      p.payout = closed->second;
      p.marks = domain::MarkResolved(pos.state, p.payout);
    } else {
      auto book = read.books.find(key.token_id);
      p.marks = domain::MarkPosition(pos.state, book == read.books.end() ? nullptr : &book->second);
    }
    auto balance = key.mode == Mode::kLive ? venue.find(key.token_id) : venue.end();
    if (balance != venue.end()) {
      if (balance->second.ok()) {
        p.venue_shares = *balance->second;
      } else {
        p.venue_error = std::string(balance->second.status().message());
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<domain::TickReport> OmsService::RunTick(const CallContext& call) {
  domain::TickReport report;
  report.started_at = clock_.Now();
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(bool locked, store::TryLockTicks(*conn));
  if (!locked) {
    report.skipped = true;
    report.message = "another tick is running; this one did nothing";
    report.finished_at = clock_.Now();
    return report;
  }
  // Due plans first, so that maintenance then sees the orders they placed.
  if (absl::Status due = RunDuePlans(*conn, report, call); !due.ok()) {
    absl::Status unlocked = store::UnlockTicks(*conn);
    if (!unlocked.ok()) LogWarn("tick unlock", {{"error", std::string(unlocked.message())}});
    return due;
  }
  // The live journal first: orders left in flight are placed or resolved by hash.
  std::string live_note;
  std::set<std::string> live_resolved;
  if (options_.live != nullptr) {
    absl::StatusOr<ResumeReport> resumed = options_.live->Resume(call);
    if (resumed.ok()) {
      report.orders_reconciled = resumed->resolved + resumed->reconciled;
      if (resumed->examined > 0) {
        live_note = absl::StrCat("; live journal: ", resumed->resolved, " of ", resumed->examined,
                                 " resolved, ", resumed->resent, " re-sent");
      }
      report.fills_new = resumed->fills_new;
      report.fills_confirmed = resumed->fills_confirmed;
      report.fills_failed = resumed->fills_failed;
      report.orders_cancelled_by_venue = resumed->cancelled_by_venue;
      report.orders_cancelled_after = resumed->cancelled_after;
      live_note += LiveReconcileNote(*resumed);
      report.live_error = resumed->reconcile_error;
      live_resolved = resumed->resolved_tokens;
    } else {
      live_note = absl::StrCat("; live journal not resumed: ", resumed.status().message());
      report.live_error = std::string(resumed.status().message());
      LogWarn("live journal not resumed", {{"error", std::string(resumed.status().message())}});
    }
  }
  auto body = [&]() -> absl::Status {
    // The books are read before BEGIN; the transaction then re-reads and locks the resting
    // orders, so a cancel that landed meanwhile is seen, never overwritten.
    OMS_ASSIGN_OR_RETURN(auto candidates, store::ListOrders(*conn, RestingPaperOrders()));
    std::vector<std::string> tokens = domain::TokensToPrice(candidates, report.started_at);
    // Only the orders seen here are priced: one placed meanwhile waits for the next tick.
    store::OrderFilter seen = RestingPaperOrders();
    for (const auto& o : candidates) seen.ids.push_back(o.id);
    // A closed market's book is gone: its orders are cancelled, as the venue did; a book missing
    // otherwise leaves its orders for a later tick. Neither stops the other tokens.
    // Tokens whose live orders the venue cancelled as their market resolved are looked up too,
    // so the market is recorded closed and positions are marked at its payout.
    // Armed price triggers watch their tokens' books: read in the same one request per token.
    // Those past their `until` expire first, without a book.
    TriggerPass triggers;
    OMS_ASSIGN_OR_RETURN(std::vector<std::string> watched,
                         LoadTriggers(*conn, report.started_at, triggers));
    std::vector<std::string> to_read = tokens;
    for (const std::set<std::string>& more :
         {live_resolved, std::set<std::string>(watched.begin(), watched.end())}) {
      for (const std::string& t : more) {
        if (std::find(to_read.begin(), to_read.end(), t) == to_read.end()) to_read.push_back(t);
      }
    }
    absl::StatusOr<BookRead> read_or = ReadBooks(*conn, to_read, call);
    if (!read_or.ok()) {
      OMS_RETURN_IF_ERROR(call.Check("reading the books"));
      if (!TickSurvives(read_or.status())) return read_or.status();
      // The venue is down or its answers refused: expiries still happen, fills wait.
      LogWarn("tick without books", {{"error", std::string(read_or.status().message())}});
      BookRead none;
      none.note = absl::StrCat("books not read: ", read_or.status().message());
      read_or = std::move(none);
    }
    BookRead read = *std::move(read_or);
    const domain::BookMap& books = read.books;
    std::set<std::string> closed;
    for (const auto& [token, payout] : read.closed) closed.insert(token);
    report.markets_resolved = read.markets_recorded;
    // Triggers fire before resting orders are priced; the orders they place rest from the next
    // tick on (only the orders listed above are priced now).
    OMS_RETURN_IF_ERROR(FireTriggers(*conn, read, report.started_at, call, triggers));
    report.triggers_watched = triggers.watched;
    report.triggers_fired = triggers.fired;
    report.triggers_expired = triggers.expired;
    report.triggers_cancelled = triggers.cancelled;
    std::string trigger_note;
    if (triggers.loaded > 0) {
      trigger_note =
          absl::StrCat("; triggers: ", triggers.fired, " fired, ", triggers.expired, " expired, ",
                       triggers.cancelled, " cancelled of ", triggers.loaded, " armed");
      for (const std::string& note : triggers.notes) absl::StrAppend(&trigger_note, "; ", note);
    }
    return store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
      std::vector<domain::Order> resting;
      if (!seen.ids.empty()) {
        OMS_ASSIGN_OR_RETURN(resting, store::LockOrders(tx, seen));
      }
      domain::TickOutcome outcome = domain::ApplyTick(resting, books, report.started_at, closed);
      OMS_ASSIGN_OR_RETURN(std::vector<int64_t> stale, WriteTick(tx, resting, books, outcome));
      report.orders_examined = outcome.orders_examined;
      report.orders_filled = outcome.orders_filled;
      report.orders_partially_filled = outcome.orders_partially_filled;
      report.orders_expired = outcome.orders_expired;
      report.orders_cancelled_by_venue += outcome.orders_cancelled_by_venue;
      report.finished_at = clock_.Now();
      std::string closed_note;
      if (outcome.orders_cancelled_by_venue > 0 || report.markets_resolved > 0) {
        closed_note = absl::StrCat("; ", report.markets_resolved, " market(s) newly resolved, ",
                                   outcome.orders_cancelled_by_venue,
                                   " resting paper order(s) cancelled by the venue");
      }
      if (!read.note.empty()) absl::StrAppend(&closed_note, "; ", read.note);
      if (!stale.empty()) {
        absl::StrAppend(
            &closed_note, "; ", stale.size(),
            " order(s) changed meanwhile and left as they are: ", absl::StrJoin(stale, ", "));
      }
      report.message = absl::StrCat(ScheduledNote(report), report.orders_filled, " filled, ",
                                    report.orders_partially_filled, " partially filled, ",
                                    report.orders_expired, " expired of ", report.orders_examined,
                                    " resting paper orders", closed_note, trigger_note, live_note);
      OMS_ASSIGN_OR_RETURN(report.tick_id, store::InsertTick(tx, report));
      return call.Check("committing the tick");
    });
  };
  absl::Status status = body();
  absl::Status unlocked = store::UnlockTicks(*conn);
  OMS_RETURN_IF_ERROR(status);
  OMS_RETURN_IF_ERROR(unlocked);
  return report;
}

absl::Status OmsService::RunDuePlans(store::Connection& conn, domain::TickReport& report,
                                     const CallContext& call) {
  OMS_ASSIGN_OR_RETURN(std::vector<domain::Run> due,
                       store::ListDueRuns(conn, report.started_at, kMaxDuePerTick));
  for (const domain::Run& stored : due) {
    OMS_RETURN_IF_ERROR(call.Check("running scheduled plans"));
    absl::StatusOr<domain::RunSummary> ran = RunScheduled(stored, call);
    if (ran.ok()) {
      ran->orders.clear();  // the report counts them; `omsctl runs show` lists them
      report.scheduled_runs.push_back(*std::move(ran));
      continue;
    }
    if (ran.status().code() == absl::StatusCode::kAlreadyExists) continue;  // another tick's
    if (ran.status().GetPayload(kDeferredPayload).has_value()) {
      ++report.scheduled_deferred;
      report.scheduled_deferred_reason = std::string(ran.status().message());
      continue;
    }
    OMS_RETURN_IF_ERROR(call.Check("running scheduled plans"));
    domain::RunSummary failed;
    failed.plan_id = stored.plan_id;
    failed.mode = stored.mode;
    failed.status = domain::RunStatus::kFailed;
    failed.started_at = clock_.Now();
    failed.finished_at = failed.started_at;
    failed.error_message = std::string(ran.status().message());
    report.scheduled_runs.push_back(std::move(failed));
    ++report.scheduled_failed;
  }
  return absl::OkStatus();
}

absl::StatusOr<domain::Run> OmsService::UnschedulePlan(const std::string& plan_id,
                                                       const CallContext& call) {
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(domain::Run run, store::GetRun(*conn, plan_id));
  OMS_ASSIGN_OR_RETURN(bool deleted, run.status == domain::RunStatus::kScheduled
                                         ? store::DeleteScheduledRun(*conn, plan_id)
                                         : absl::StatusOr<bool>(false));
  if (!deleted) {
    return absl::FailedPreconditionError(absl::StrCat(
        "plan \"", plan_id, "\" is not scheduled: it ",
        run.status == domain::RunStatus::kScheduled ? "has just started running" : "ran already",
        " (", domain::Name(run.status), ")"));
  }
  LogInfo("plan unscheduled", {{"plan_id", plan_id}});
  return run;
}

absl::StatusOr<Account> OmsService::GetAccount(const CallContext& call) {
  if (options_.signer == nullptr) {
    return absl::FailedPreconditionError(
        "no signer is configured: start oms-server with --signer-addr (or SIGNER_ADDR)");
  }
  OMS_RETURN_IF_ERROR(call.Check("asking the signer"));
  OMS_ASSIGN_OR_RETURN(signer_client::SignerIdentity id, options_.signer->Identity());
  Account account{id.address, id.chain_id, id.policy_summary, options_.signer->Endpoint()};
  if (options_.live == nullptr) return account;
  OMS_RETURN_IF_ERROR(call.Check("asking the venue"));
  OMS_ASSIGN_OR_RETURN(LiveAccountView view, options_.live->Account(call));
  account.live_enabled = true;
  account.api_key = view.api_key;
  account.maker = view.maker;
  account.signature_type = view.signature_type;
  account.collateral = view.collateral;
  account.allowances = view.allowances;
  account.venue_error = view.balance_error;
  return account;
}

absl::StatusOr<TradingState> OmsService::GetTrading(const CallContext& call) {
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(store::TradingControls c, store::GetTradingControls(*conn));
  return TradingState{c.halted, c.reason, c.changed_at};
}

absl::StatusOr<TradingState> OmsService::SetTrading(bool halted, const std::string& reason,
                                                    const CallContext& call) {
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(store::TradingControls c, store::SetTradingHalted(*conn, halted, reason));
  if (halted) {
    LogWarn("live trading halted", {{"reason", reason}});
  } else {
    LogInfo("live trading resumed", {{"reason", reason}});
  }
  return TradingState{c.halted, c.reason, c.changed_at};
}

absl::Status OmsService::ResumeLive(const CallContext& call) {
  if (options_.live == nullptr) return absl::OkStatus();
  // Under the tick's lock: another server's tick may be resuming the same journal.
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(bool locked, store::TryLockTicks(*conn));
  if (!locked) return absl::OkStatus();
  absl::StatusOr<ResumeReport> resumed = options_.live->Resume(call);
  absl::Status unlocked = store::UnlockTicks(*conn);
  OMS_RETURN_IF_ERROR(resumed.status());
  OMS_RETURN_IF_ERROR(unlocked);
  const ResumeReport& r = *resumed;
  if (r.examined > 0) {
    LogInfo("live journal resumed", {{"examined", std::to_string(r.examined)},
                                     {"resolved", std::to_string(r.resolved)},
                                     {"resent", std::to_string(r.resent)},
                                     {"runs_finished", std::to_string(r.runs_finished)}});
  }
  return absl::OkStatus();
}

absl::StatusOr<domain::Book> OmsService::GetBook(const std::string& token,
                                                 const CallContext& call) {
  auto id = domain::NormaliseTokenId(token);
  if (!id) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", token, "\" is not a token id (a decimal uint256 or 0x hex)"));
  }
  OMS_RETURN_IF_ERROR(call.Check("reading the book"));
  OMS_ASSIGN_OR_RETURN(auto books, market_.GetBooks({*id}));
  auto book = books.find(*id);
  if (book == books.end()) {
    return absl::NotFoundError(absl::StrCat("no order book for token ", *id));
  }
  return book->second;
}

}  // namespace betteroms::service
