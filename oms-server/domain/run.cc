#include "oms-server/domain/run.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/time.h"

namespace betteroms::domain {

absl::Status CheckRerun(const Run& earlier, const std::string& plan_hash, bool retry) {
  std::string when = FormatRfc3339(earlier.finished_at.value_or(earlier.started_at));
  const char* status = Name(earlier.status);
  if (earlier.status == RunStatus::kScheduled) {
    return absl::AlreadyExistsError(absl::StrCat(
        "plan \"", earlier.plan_id, "\" is already scheduled to run at ",
        earlier.run_at ? FormatRfc3339(*earlier.run_at) : "a later tick",
        " (a planId runs once; `omsctl plan unschedule ", earlier.plan_id, "` drops it)"));
  }
  if (earlier.plan_hash != plan_hash) {
    return absl::AlreadyExistsError(
        absl::StrCat("planId \"", earlier.plan_id, "\" was already used for a different plan (",
                     status, " at ", when, "); give this plan a new planId"));
  }
  if (earlier.status == RunStatus::kFailed && earlier.order_count == 0) {
    if (retry) return absl::OkStatus();
    return absl::AlreadyExistsError(
        absl::StrCat("plan \"", earlier.plan_id, "\" already ran and failed at ", when, " (",
                     earlier.error_message.empty() ? "no reason recorded" : earlier.error_message,
                     "); it placed no orders, so it may run again with --retry"));
  }
  return absl::AlreadyExistsError(absl::StrCat("plan \"", earlier.plan_id, "\" already ran: ",
                                               status, " at ", when, " (a planId runs once)"));
}

absl::StatusOr<std::optional<absl::Time>> ResolveRunAt(std::optional<absl::Time> plan_run_at,
                                                       const std::string& requested,
                                                       absl::Time now) {
  std::optional<absl::Time> when = plan_run_at;
  if (!requested.empty()) {
    absl::StatusOr<absl::Time> at = ParseTime(requested);
    if (!at.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("run at: ", at.status().message()));
    }
    if (plan_run_at && *plan_run_at != *at) {
      return absl::InvalidArgumentError(
          absl::StrCat("the plan says runAt ", FormatRfc3339(*plan_run_at), " but it was submitted",
                       " to run at ", FormatRfc3339(*at), ": give one time"));
    }
    when = *at;
  }
  if (when && *when < now - kRunAtGrace) {
    return absl::InvalidArgumentError(absl::StrCat(
        "runAt ", FormatRfc3339(*when), " is more than ", absl::FormatDuration(kRunAtGrace),
        " in the past (now ", FormatRfc3339(now), "): give a later time, or none to run now"));
  }
  if (!when || *when <= now) return std::optional<absl::Time>();  // due: runs at once
  return when;
}

RunSummary SummariseRun(const Plan& plan, const std::vector<Order>& orders,
                        const std::vector<Execution>& history, const BookMap& books,
                        absl::Time started, absl::Time finished) {
  RunSummary s;
  s.plan_id = plan.plan_id;
  s.mode = plan.mode;
  s.status = RunStatus::kCompleted;
  s.started_at = started;
  s.finished_at = finished;
  s.orders = orders;
  const PositionBook before = FoldPositions(history);
  PositionBook after = before;
  std::set<std::string> tokens;
  for (const Order& o : orders) {
    tokens.insert(o.token_id);
    if (o.status != OrderStatus::kNotSent) ++s.orders_placed;
    if (o.status == OrderStatus::kFilled) ++s.orders_filled;
    if (o.status == OrderStatus::kPartiallyFilled) ++s.orders_partially_filled;
    if (o.Resting()) ++s.orders_open;
    if (o.status == OrderStatus::kRejected) ++s.orders_rejected;
    (o.side == Side::kBuy ? s.notional_bought : s.notional_sold) += o.filled_notional;
    // A token's outcome is the one its first order named, even before anything filled.
    HeldPosition& held = after[{plan.mode, o.token_id}];
    if (held.outcome.empty()) held.outcome = o.outcome;
    ApplyFills(after, o.fills);
  }
  for (const std::string& token : tokens) {
    const PositionKey key{plan.mode, token};
    const HeldPosition& now = after[key];
    auto was = before.find(key);
    s.realized_pnl += now.state.realized - (was == before.end() ? 0 : was->second.state.realized);
    auto book = books.find(token);
    const Book* mark_book = book == books.end() ? nullptr : &book->second;
    s.positions.push_back(
        {plan.mode, token, now.outcome, now.state, MarkPosition(now.state, mark_book)});
  }
  if (plan.mode == Mode::kLive) s.twin = SumTwins(orders);
  return s;
}

}  // namespace betteroms::domain
