// Price triggers in the service: armed with the run that claims their plan, watched by every tick
// against one book read per token, fired once (the database decides: each change out of `armed`
// is conditional on it), and their trades placed as the plan's mode places trades: paper in one
// transaction with the firing, live through the journal with the firing as its claim.
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/decimal.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "oms-server/domain/paper_engine.h"
#include "oms-server/domain/trigger.h"
#include "oms-server/service/live_trader.h"
#include "oms-server/service/oms_service.h"
#include "store/controls_repo.h"
#include "store/orders_repo.h"
#include "store/runs_repo.h"

namespace betteroms::service {
namespace {

using domain::Mode;
using domain::TriggerRecord;
using domain::TriggerStatus;

std::string TradeRef(const TriggerRecord& t) {
  return absl::StrCat("trigger ", t.id, " (plan ", t.plan_id, " trades[", t.trade_index, "])");
}

// Codes that say the trade itself was refused (a market rule, a risk limit, nothing to sell):
// firing again on a later tick would be refused the same way.
bool IsRefusal(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument ||
         status.code() == absl::StatusCode::kFailedPrecondition;
}

// "order 12 filled (10 shares for $2.90)": what a triggered trade's order did.
std::string OrderOutcome(const domain::Order& o) {
  std::string out = absl::StrCat("order ", o.id, " ", domain::Name(o.status));
  if (o.filled_shares > 0) {
    absl::StrAppend(&out, " (", FormatMicros(o.filled_shares), " shares for $",
                    FormatMicrosFixed(o.filled_notional, 2), ")");
  }
  if (!o.reason.empty()) absl::StrAppend(&out, ": ", o.reason);
  return out;
}

}  // namespace

absl::StatusOr<int> OmsService::ArmTriggers(store::Connection& conn, const domain::Plan& plan) {
  std::vector<TriggerRecord> rows = domain::TriggersToArm(plan);
  OMS_RETURN_IF_ERROR(store::InsertTriggers(conn, rows));
  return static_cast<int>(rows.size());
}

absl::StatusOr<std::vector<TriggerRecord>> OmsService::ListTriggers(const TriggerQuery& query,
                                                                    const CallContext& call) {
  store::TriggerFilter filter;
  filter.plan_id = query.plan_id;
  filter.status = query.status;
  filter.limit = query.limit > 0 ? std::min(query.limit, 10000) : 100;
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  if (!query.plan_id.empty()) OMS_RETURN_IF_ERROR(store::GetRun(*conn, query.plan_id).status());
  return store::ListTriggers(*conn, filter);
}

absl::StatusOr<TriggerRecord> OmsService::CancelTrigger(int64_t id, const CallContext& call) {
  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(TriggerRecord trigger, store::GetTrigger(*conn, id));
  OMS_RETURN_IF_ERROR(domain::CheckCancelTrigger(trigger));
  OMS_RETURN_IF_ERROR(call.Check("cancelling the trigger"));
  OMS_ASSIGN_OR_RETURN(std::vector<int64_t> changed,
                       store::EndTriggers(*conn, TriggerStatus::kCancelled, {id},
                                          {domain::kCancelledByTraderReason}));
  OMS_ASSIGN_OR_RETURN(trigger, store::GetTrigger(*conn, id));
  // A tick fired (or expired) it between the read and the cancel: say how it ended.
  if (changed.empty()) OMS_RETURN_IF_ERROR(domain::CheckCancelTrigger(trigger));
  LogInfo("trigger cancelled", {{"trigger", std::to_string(id)}, {"plan_id", trigger.plan_id}});
  return trigger;
}

absl::StatusOr<std::vector<std::string>> OmsService::LoadTriggers(store::Connection& conn,
                                                                  absl::Time now,
                                                                  TriggerPass& pass) {
  OMS_ASSIGN_OR_RETURN(std::vector<TriggerRecord> armed, store::ListArmedTriggers(conn));
  pass.loaded = static_cast<int>(armed.size());
  std::vector<int64_t> expired;
  std::vector<std::string> reasons;
  std::set<std::string> tokens;
  for (TriggerRecord& t : armed) {
    // Without a book the rule can only say whether `until` has passed.
    domain::TriggerVerdict verdict = domain::EvaluateTrigger(t.trigger, nullptr, now);
    if (verdict.kind == domain::TriggerVerdict::kExpire) {
      expired.push_back(t.id);
      reasons.push_back(verdict.reason);
      continue;
    }
    tokens.insert(t.token_id);
    pass.armed.push_back(std::move(t));
  }
  OMS_ASSIGN_OR_RETURN(std::vector<int64_t> ended,
                       store::EndTriggers(conn, TriggerStatus::kExpired, expired, reasons));
  pass.expired += static_cast<int>(ended.size());
  pass.watched = static_cast<int>(pass.armed.size());
  return std::vector<std::string>(tokens.begin(), tokens.end());
}

absl::Status OmsService::FireTriggers(store::Connection& conn, const BookRead& read, absl::Time now,
                                      const CallContext& call, TriggerPass& pass) {
  std::vector<int64_t> closed, expired;
  std::vector<std::string> closed_reasons, expired_reasons;
  std::vector<std::pair<const TriggerRecord*, domain::TriggerVerdict>> firing;
  for (const TriggerRecord& t : pass.armed) {
    if (read.closed.count(t.token_id) > 0) {
      closed.push_back(t.id);
      closed_reasons.emplace_back(domain::kMarketClosedTriggerReason);
      continue;
    }
    auto book = read.books.find(t.token_id);
    if (book == read.books.end()) continue;  // no book this tick (ReadBooks said why): it waits
    domain::TriggerVerdict verdict = domain::EvaluateTrigger(t.trigger, &book->second, now);
    if (verdict.kind == domain::TriggerVerdict::kExpire) {
      expired.push_back(t.id);
      expired_reasons.push_back(verdict.reason);
    } else if (verdict.kind == domain::TriggerVerdict::kFire) {
      firing.emplace_back(&t, std::move(verdict));
    }
  }
  OMS_ASSIGN_OR_RETURN(std::vector<int64_t> cancelled,
                       store::EndTriggers(conn, TriggerStatus::kCancelled, closed, closed_reasons));
  pass.cancelled += static_cast<int>(cancelled.size());
  OMS_ASSIGN_OR_RETURN(std::vector<int64_t> ended,
                       store::EndTriggers(conn, TriggerStatus::kExpired, expired, expired_reasons));
  pass.expired += static_cast<int>(ended.size());

  std::map<std::string, std::optional<TriggerPlan>> plans;  // by planId; nullopt: unreadable
  for (const auto& [trigger, verdict] : firing) {
    const TriggerRecord& t = *trigger;
    OMS_RETURN_IF_ERROR(call.Check("firing the triggers"));
    auto [it, fresh] = plans.try_emplace(t.plan_id);
    if (fresh) {
      OMS_ASSIGN_OR_RETURN(domain::Run run, store::GetRun(conn, t.plan_id));
      domain::PlanParseResult parsed = domain::ParsePlan(run.plan_json);
      if (parsed.ok()) {
        it->second = TriggerPlan{std::move(run), std::move(parsed.plan)};
      } else {
        LogError("stored plan does not parse", {{"plan_id", t.plan_id}});
      }
    }
    if (!it->second || t.trade_index >= static_cast<int>(it->second->plan.trades.size())) {
      pass.notes.push_back(absl::StrCat(TradeRef(t), " waits: its plan cannot be read back"));
      continue;
    }
    // The trade with the outcome label as armed (the venue's); SimulateTriggeredTrade moves its
    // prices onto the market's tick as the book gives it today.
    TriggerPlan now_plan = *it->second;
    now_plan.plan.trades[t.trade_index].outcome = t.outcome;
    const domain::Book& book = read.books.at(t.token_id);
    if (!verdict.price) {
      return absl::InternalError(absl::StrCat(TradeRef(t), ": fired without a price"));
    }
    store::Firing record{now, *verdict.price, t.token_id, book.hash,
                         absl::StrCat("fired: ", verdict.reason)};
    if (t.mode == Mode::kPaper) {
      OMS_RETURN_IF_ERROR(FirePaperTrigger(conn, t, now_plan.plan, book, record, call, pass));
    } else {
      OMS_RETURN_IF_ERROR(FireLiveTrigger(conn, t, now_plan, book, record, call, pass));
    }
  }
  return absl::OkStatus();
}

absl::Status OmsService::FirePaperTrigger(store::Connection& conn, const TriggerRecord& t,
                                          const domain::Plan& plan, const domain::Book& book,
                                          const store::Firing& firing, const CallContext& call,
                                          TriggerPass& pass) {
  bool won = false;
  int partners = 0;
  std::string reason;
  absl::Status done = store::InTransaction(conn, [&](store::Connection& tx) -> absl::Status {
    won = false;
    partners = 0;
    // The book it saw, before the firing that points at it.
    OMS_RETURN_IF_ERROR(store::InsertSnapshots(tx, {&book}));
    OMS_ASSIGN_OR_RETURN(won, store::FireTrigger(tx, t.id, firing));
    if (!won) return absl::OkStatus();  // fired, cancelled or expired by another request
    OMS_ASSIGN_OR_RETURN(
        partners,
        store::CancelOcoPartners(
            tx, t, absl::StrCat(domain::kOcoCancelledReason, " (trades[", t.trade_index, "])")));
    // Paper runs take turns from here to commit, as a submitted plan does.
    OMS_RETURN_IF_ERROR(store::LockPositions(tx, Mode::kPaper));
    OMS_ASSIGN_OR_RETURN(auto available, store::SharesAvailable(tx, Mode::kPaper, {t.token_id}));
    std::string note;
    absl::StatusOr<domain::PaperOrder> simulated = domain::SimulateTriggeredTrade(
        plan, t.trade_index, book, available[t.token_id], options_.fill_model, firing.at, &note);
    reason = firing.reason;
    if (!note.empty()) absl::StrAppend(&reason, "; ", note);
    if (!simulated.ok()) {
      absl::StrAppend(&reason, "; not placed: ", simulated.status().message());
      OMS_RETURN_IF_ERROR(store::RecordTriggerOutcome(tx, t.id, std::nullopt, reason));
      return call.Check("committing the trigger");
    }
    std::vector<domain::Order> orders = {domain::ToOrder(*simulated, plan, book, firing.at)};
    OMS_RETURN_IF_ERROR(store::InsertOrders(tx, orders));
    std::vector<domain::Execution> fills;
    for (domain::Execution f : orders[0].fills) {
      f.order_id = orders[0].id;
      fills.push_back(std::move(f));
    }
    OMS_RETURN_IF_ERROR(store::InsertExecutions(tx, fills));
    absl::StrAppend(&reason, "; ", OrderOutcome(orders[0]));
    OMS_RETURN_IF_ERROR(store::RecordTriggerOutcome(tx, t.id, orders[0].id, reason));
    return call.Check("committing the trigger");
  });
  OMS_RETURN_IF_ERROR(done);
  if (!won) return absl::OkStatus();
  ++pass.fired;
  pass.cancelled += partners;
  pass.notes.push_back(absl::StrCat(TradeRef(t), " ", reason));
  LogInfo("trigger fired", {{"trigger", std::to_string(t.id)},
                            {"plan_id", t.plan_id},
                            {"mode", "paper"},
                            {"reason", reason}});
  return absl::OkStatus();
}

absl::Status OmsService::FireLiveTrigger(store::Connection& conn, const TriggerRecord& t,
                                         const TriggerPlan& plan, const domain::Book& book,
                                         const store::Firing& firing, const CallContext& call,
                                         TriggerPass& pass) {
  if (options_.live == nullptr) {
    pass.notes.push_back(
        absl::StrCat(TradeRef(t), " waits: live trading is not configured on this server"));
    return absl::OkStatus();
  }
  // Halted: nothing is signed; the trigger stays armed and is evaluated again once resumed.
  OMS_ASSIGN_OR_RETURN(store::TradingControls controls, store::GetTradingControls(conn));
  if (controls.halted) {
    pass.notes.push_back(absl::StrCat(TradeRef(t), " crossed but waits: live trading is halted"));
    return absl::OkStatus();
  }
  LiveInputs inputs;
  inputs.books = {{t.token_id, book}};
  inputs.priced_at = firing.at;
  inputs.plan = plan.plan;
  inputs.trade_index = t.trade_index;
  OMS_RETURN_IF_ERROR(call.Check("reading the market"));
  // The market's metadata refines the order (neg risk, minimum size); without it the book says
  // enough, as for a plan whose labels went unchecked.
  if (auto markets = market_.GetMarkets({t.token_id}); markets.ok()) inputs.markets = *markets;

  bool claim_ran = false;
  bool won = false;
  int partners = 0;
  std::optional<int64_t> order_id;
  auto claim = [&](store::Connection& tx) -> absl::Status {
    claim_ran = true;
    won = false;
    partners = 0;
    OMS_RETURN_IF_ERROR(store::InsertSnapshots(tx, {&book}));
    OMS_ASSIGN_OR_RETURN(won, store::FireTrigger(tx, t.id, firing));
    if (!won) {
      // Not Aborted: the journal's transaction would retry it.
      return absl::FailedPreconditionError(
          absl::StrCat(TradeRef(t), " is no longer armed; nothing was sent"));
    }
    OMS_ASSIGN_OR_RETURN(
        partners,
        store::CancelOcoPartners(
            tx, t, absl::StrCat(domain::kOcoCancelledReason, " (trades[", t.trade_index, "])")));
    return absl::OkStatus();
  };
  auto journalled = [&](store::Connection& tx,
                        const std::vector<domain::Order>& orders) -> absl::Status {
    order_id.reset();
    if (!orders.empty()) order_id = orders.front().id;
    return store::RecordTriggerOutcome(tx, t.id, order_id, firing.reason);
  };
  absl::StatusOr<domain::RunSummary> placed =
      options_.live->Run(plan.run, inputs, claim, call, journalled);

  // Whether the journal holding the firing committed: its order is then the trigger's (the claim
  // may have run in an attempt that was rolled back).
  bool journalled_ok = placed.ok();
  if (!placed.ok() && claim_ran && won && order_id) {
    OMS_ASSIGN_OR_RETURN(TriggerRecord stored, store::GetTrigger(conn, t.id));
    journalled_ok = stored.order_id == order_id;
  }
  std::string reason = firing.reason;
  if (journalled_ok) {
    // Fired and journalled: what the venue made of the order, or why it stopped.
    if (placed.ok()) {
      for (const domain::Violation& w : placed->warnings) {
        if (absl::StartsWith(w.path, absl::StrCat("trades[", t.trade_index, "]"))) {
          absl::StrAppend(&reason, "; ", w.message);
        }
      }
      if (!placed->orders.empty()) absl::StrAppend(&reason, "; ", OrderOutcome(placed->orders[0]));
    } else {
      absl::StrAppend(&reason, "; ", placed.status().message());
    }
    OMS_RETURN_IF_ERROR(store::RecordTriggerOutcome(conn, t.id, order_id, reason));
  } else if (claim_ran && !won) {
    return absl::OkStatus();  // another request changed it first: nothing was journalled
  } else {
    // Refused before anything was journalled.
    const absl::Status& refusal = placed.status();
    if (!IsRefusal(refusal)) {
      pass.notes.push_back(absl::StrCat(TradeRef(t), " crossed but waits: ", refusal.message()));
      LogWarn("live trigger not fired",
              {{"trigger", std::to_string(t.id)}, {"error", std::string(refusal.message())}});
      return absl::OkStatus();
    }
    // A halt that landed meanwhile leaves it armed too.
    OMS_ASSIGN_OR_RETURN(controls, store::GetTradingControls(conn));
    if (controls.halted) {
      pass.notes.push_back(absl::StrCat(TradeRef(t), " crossed but waits: live trading is halted"));
      return absl::OkStatus();
    }
    // The trade cannot be placed as written (a market rule, a risk limit, nothing to sell): the
    // trigger fires once with the reason rather than being refused again on every tick.
    absl::StrAppend(&reason, "; not placed: ", refusal.message());
    store::Firing refused = firing;
    refused.reason = reason;
    absl::Status done = store::InTransaction(conn, [&](store::Connection& tx) -> absl::Status {
      won = false;
      partners = 0;
      OMS_RETURN_IF_ERROR(store::InsertSnapshots(tx, {&book}));
      OMS_ASSIGN_OR_RETURN(won, store::FireTrigger(tx, t.id, refused));
      if (!won) return absl::OkStatus();
      OMS_ASSIGN_OR_RETURN(
          partners,
          store::CancelOcoPartners(
              tx, t, absl::StrCat(domain::kOcoCancelledReason, " (trades[", t.trade_index, "])")));
      return absl::OkStatus();
    });
    OMS_RETURN_IF_ERROR(done);
  }
  if (!won) return absl::OkStatus();
  ++pass.fired;
  pass.cancelled += partners;
  pass.notes.push_back(absl::StrCat(TradeRef(t), " ", reason));
  LogInfo("trigger fired", {{"trigger", std::to_string(t.id)},
                            {"plan_id", t.plan_id},
                            {"mode", "live"},
                            {"reason", reason}});
  return absl::OkStatus();
}

}  // namespace betteroms::service
