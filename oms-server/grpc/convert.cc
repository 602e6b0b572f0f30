#include "oms-server/grpc/convert.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/decimal.h"
#include "common/status_macros.h"
#include "common/time.h"
#include "oms-server/domain/trigger.h"
#include "oms-server/domain/twin.h"

namespace betteroms::grpc_api {
namespace {

std::string Text(const char* name) { return name; }

v1::Fill ToApiFill(const domain::Execution& e) {
  v1::Fill f;
  f.set_shares(FormatMicros(e.shares));
  f.set_price(FormatMicros(e.price));
  f.set_fee(FormatMicros(e.fee));
  f.set_executed_at(FormatRfc3339(e.executed_at));
  f.set_book_hash(e.book_hash);
  f.set_trade_id(e.trade_id);
  f.set_settlement(e.settlement);
  f.set_transaction_hash(e.transaction_hash);
  f.set_liquidity(Text(domain::Name(e.liquidity)));
  return f;
}

}  // namespace

v1::Violation ToApi(const domain::Violation& violation) {
  v1::Violation v;
  v.set_path(violation.path);
  v.set_message(violation.message);
  return v;
}

v1::Order ToApi(const domain::Order& order) {
  v1::Order o;
  o.set_id(order.id);
  o.set_plan_id(order.plan_id);
  o.set_trade_index(order.trade_index);
  o.set_mode(Text(domain::Name(order.mode)));
  o.set_market_token_id(order.token_id);
  o.set_outcome(order.outcome);
  o.set_side(Text(domain::Name(order.side)));
  o.set_order_type(Text(domain::Name(order.type)));
  o.set_time_in_force(Text(domain::Name(order.tif)));
  if (order.limit_price) o.set_limit_price(FormatMicros(*order.limit_price));
  o.set_size_shares(FormatMicros(order.size_shares));
  o.set_filled_shares(FormatMicros(order.filled_shares));
  if (order.filled_shares > 0) {
    o.set_avg_fill_price(
        FormatMicros(MulDivFloor(order.filled_notional, kMicro, order.filled_shares)));
  }
  o.set_notional(FormatMicros(order.filled_notional));
  o.set_status(Text(domain::Name(order.status)));
  o.set_created_at(FormatRfc3339(order.created_at));
  if (order.expires_at) o.set_expires_at(FormatRfc3339(*order.expires_at));
  o.set_reason(order.reason);
  o.set_maker_amount(std::to_string(order.maker_amount));
  o.set_taker_amount(std::to_string(order.taker_amount));
  for (const auto& e : order.fills) *o.add_fills() = ToApiFill(e);
  if (order.mode == domain::Mode::kLive) {
    o.set_order_hash(order.live.order_hash);
    o.set_venue_status(order.live.venue_status);
    o.set_venue_error(order.live.venue_error);
    o.set_intent_id(order.live.intent_id);
    o.set_post_attempts(order.live.post_attempts);
    if (order.twin) {
      const domain::PaperTwin& twin = *order.twin;
      domain::TwinComparison diff = domain::CompareWithTwin(order, twin);
      o.set_twin_status(Text(domain::Name(twin.status)));
      o.set_twin_filled_shares(FormatMicros(twin.filled_shares));
      if (diff.twin_avg_price) o.set_twin_avg_price(FormatMicros(*diff.twin_avg_price));
      o.set_twin_notional(FormatMicros(twin.filled_notional));
      o.set_twin_book_hash(twin.book_hash);
      if (diff.price_diff_centibps) {
        o.set_twin_price_diff_bps(domain::FormatCentibps(*diff.price_diff_centibps));
      }
      o.set_twin_size_diff(FormatMicros(diff.size_diff));
    }
  }
  return o;
}

v1::Position ToApi(const domain::Position& position) {
  v1::Position p;
  p.set_mode(Text(domain::Name(position.mode)));
  p.set_market_token_id(position.token_id);
  p.set_outcome(position.outcome);
  p.set_net_shares(FormatMicros(position.state.net_shares));
  p.set_avg_price(FormatMicros(position.state.AvgPrice()));
  p.set_cost_basis(FormatMicros(position.state.cost));
  p.set_realized_pnl(FormatMicros(position.state.realized));
  const domain::Marks& marks = position.marks;
  if (marks.mark_price) p.set_mark_price(FormatMicros(*marks.mark_price));
  if (marks.unrealized) p.set_unrealized_pnl(FormatMicros(*marks.unrealized));
  if (marks.liquidation_value) p.set_liquidation_value(FormatMicros(*marks.liquidation_value));
  p.set_pending_shares(FormatMicros(position.pending_shares));
  p.set_confirmed_shares(FormatMicros(position.state.net_shares - position.pending_shares));
  p.set_resolved(position.resolved);
  if (position.payout) p.set_payout(FormatMicros(*position.payout));
  if (position.venue_shares) {
    p.set_venue_shares(FormatMicros(*position.venue_shares));
    p.set_drift(FormatMicros(*position.venue_shares - position.state.net_shares));
  }
  p.set_venue_error(position.venue_error);
  return p;
}

v1::RunSummary ToApi(const domain::RunSummary& summary) {
  v1::RunSummary s;
  s.set_plan_id(summary.plan_id);
  s.set_mode(Text(domain::Name(summary.mode)));
  s.set_status(Text(domain::Name(summary.status)));
  s.set_orders_placed(summary.orders_placed);
  s.set_orders_filled(summary.orders_filled);
  s.set_orders_partially_filled(summary.orders_partially_filled);
  s.set_orders_open(summary.orders_open);
  s.set_orders_rejected(summary.orders_rejected);
  s.set_notional_bought(FormatMicros(summary.notional_bought));
  s.set_notional_sold(FormatMicros(summary.notional_sold));
  s.set_realized_pnl(FormatMicros(summary.realized_pnl));
  for (const auto& p : summary.positions) *s.add_positions() = ToApi(p);
  s.set_started_at(FormatRfc3339(summary.started_at));
  if (summary.finished_at) s.set_finished_at(FormatRfc3339(*summary.finished_at));
  s.set_error_message(summary.error_message);
  for (const auto& o : summary.orders) *s.add_orders() = ToApi(o);
  for (const auto& w : summary.warnings) *s.add_warnings() = ToApi(w);
  s.set_triggers_armed(summary.triggers_armed);
  if (summary.twin) {
    const domain::TwinTotals& t = *summary.twin;
    s.set_has_twin(true);
    s.set_twin_orders(t.orders);
    s.set_twin_filled_shares(FormatMicros(t.twin_filled_shares));
    s.set_twin_notional(FormatMicros(t.twin_filled_notional));
    s.set_twin_live_filled_shares(FormatMicros(t.live_filled_shares));
    s.set_twin_live_notional(FormatMicros(t.live_filled_notional));
    s.set_twin_orders_compared(t.orders_compared);
    s.set_twin_compared_notional(FormatMicros(t.compared_notional));
    s.set_twin_slippage_cost(FormatMicros(t.slippage_cost));
    if (std::optional<int64_t> bps = t.SlippageCentibps()) {
      s.set_twin_slippage_bps(domain::FormatCentibps(*bps));
    }
  }
  return s;
}

v1::Run ToApi(const domain::Run& run) {
  v1::Run r;
  r.set_plan_id(run.plan_id);
  r.set_mode(Text(domain::Name(run.mode)));
  r.set_status(Text(domain::Name(run.status)));
  r.set_plan_hash(run.plan_hash);
  r.set_started_at(FormatRfc3339(run.started_at));
  if (run.finished_at) r.set_finished_at(FormatRfc3339(*run.finished_at));
  r.set_error_message(run.error_message);
  r.set_trade_count(run.trade_count);
  if (run.run_at) r.set_run_at(FormatRfc3339(*run.run_at));
  if (run.summary) *r.mutable_summary() = ToApi(*run.summary);
  return r;
}

v1::TickReport ToApi(const domain::TickReport& report) {
  v1::TickReport t;
  t.set_tick_id(report.tick_id);
  t.set_skipped(report.skipped);
  t.set_message(report.message);
  t.set_orders_examined(report.orders_examined);
  t.set_orders_filled(report.orders_filled);
  t.set_orders_partially_filled(report.orders_partially_filled);
  t.set_orders_expired(report.orders_expired);
  t.set_orders_reconciled(report.orders_reconciled);
  t.set_fills_new(report.fills_new);
  t.set_fills_confirmed(report.fills_confirmed);
  t.set_fills_failed(report.fills_failed);
  t.set_orders_cancelled_by_venue(report.orders_cancelled_by_venue);
  t.set_orders_cancelled_after(report.orders_cancelled_after);
  t.set_markets_resolved(report.markets_resolved);
  t.set_triggers_watched(report.triggers_watched);
  t.set_triggers_fired(report.triggers_fired);
  t.set_triggers_expired(report.triggers_expired);
  t.set_triggers_cancelled(report.triggers_cancelled);
  for (const auto& s : report.scheduled_runs) *t.add_scheduled_runs() = ToApi(s);
  t.set_scheduled_failed(report.scheduled_failed);
  t.set_scheduled_deferred(report.scheduled_deferred);
  t.set_live_error(report.live_error);
  t.set_started_at(FormatRfc3339(report.started_at));
  t.set_finished_at(FormatRfc3339(report.finished_at));
  return t;
}

v1::Book ToApi(const domain::Book& book) {
  v1::Book b;
  b.set_market_token_id(book.token_id);
  for (const auto& l : book.bids) {
    auto* level = b.add_bids();
    level->set_price(FormatMicros(l.price));
    level->set_size(FormatMicros(l.size));
  }
  for (const auto& l : book.asks) {
    auto* level = b.add_asks();
    level->set_price(FormatMicros(l.price));
    level->set_size(FormatMicros(l.size));
  }
  b.set_tick_size(FormatMicros(book.tick));
  b.set_min_order_size(FormatMicros(book.min_order_size));
  b.set_neg_risk(book.neg_risk);
  if (auto v = book.BestBid()) b.set_best_bid(FormatMicros(*v));
  if (auto v = book.BestAsk()) b.set_best_ask(FormatMicros(*v));
  if (auto v = book.Midpoint()) b.set_midpoint(FormatMicros(*v));
  b.set_timestamp(book.timestamp);
  b.set_hash(book.hash);
  return b;
}

v1::Report ToApi(const service::Report& report) {
  v1::Report r;
  r.set_generated_at(FormatRfc3339(report.generated_at));
  if (report.query.mode) r.set_mode(Text(domain::Name(*report.query.mode)));
  if (report.query.since != absl::InfinitePast()) r.set_since(FormatRfc3339(report.query.since));
  r.set_marking_rule(domain::kEquityMarkingRule);
  for (const auto& curve : report.equity) {
    v1::EquityCurve* c = r.add_equity();
    c->set_mode(Text(domain::Name(curve.mode)));
    for (size_t i = 0; i < curve.points.size(); ++i) {
      const domain::EquityPoint& p = curve.points[i];
      v1::EquityPoint* point = c->add_points();
      point->set_time(FormatRfc3339(p.at));
      point->set_realized(FormatMicros(p.realized));
      point->set_unrealized(FormatMicros(p.unrealized));
      point->set_now(i + 1 == curve.points.size());
    }
  }
  for (const auto& p : report.positions) *r.add_positions() = ToApi(p);
  for (const auto& run : report.runs) {
    v1::ReportRun* out = r.add_runs();
    *out->mutable_run() = ToApi(run.run);
    for (const auto& o : run.orders) *out->add_orders() = ToApi(o);
    for (const auto& b : run.books) *out->add_books() = ToApi(b);
  }
  r.set_note(report.note);
  return r;
}

v1::Trigger ToApi(const domain::TriggerRecord& trigger) {
  v1::Trigger t;
  t.set_id(trigger.id);
  t.set_plan_id(trigger.plan_id);
  t.set_trade_index(trigger.trade_index);
  t.set_mode(Text(domain::Name(trigger.mode)));
  t.set_market_token_id(trigger.token_id);
  t.set_outcome(trigger.outcome);
  t.set_side(Text(domain::Name(trigger.side)));
  t.set_description(trigger.description);
  t.set_status(Text(domain::Name(trigger.status)));
  t.set_reason(trigger.reason);
  if (trigger.fired_at) t.set_fired_at(FormatRfc3339(*trigger.fired_at));
  if (trigger.fired_price) t.set_fired_price(FormatMicros(*trigger.fired_price));
  t.set_fired_book_hash(trigger.fired_book_hash);
  t.set_order_id(trigger.order_id.value_or(0));
  if (trigger.trigger.until) t.set_until(FormatRfc3339(*trigger.trigger.until));
  t.set_oco(trigger.oco);
  t.set_price_source(Text(domain::Name(trigger.trigger.price)));
  t.set_direction(trigger.trigger.below ? "below" : "above");
  t.set_level(FormatMicros(trigger.trigger.level));
  t.set_created_at(FormatRfc3339(trigger.created_at));
  t.set_updated_at(FormatRfc3339(trigger.updated_at));
  return t;
}

v1::Account ToApi(const service::Account& account) {
  v1::Account a;
  a.set_signer_address(account.signer_address);
  a.set_chain_id(account.chain_id);
  a.set_policy_summary(account.policy_summary);
  a.set_signer_endpoint(account.signer_endpoint);
  a.set_live(account.live_enabled);
  a.set_api_key(account.api_key);
  a.set_maker_address(account.maker);
  a.set_signature_type(account.signature_type);
  if (account.collateral) a.set_collateral_balance(FormatMicros(*account.collateral));
  for (const auto& [spender, amount] : account.allowances) {
    (*a.mutable_allowances())[spender] = FormatMicros(amount);
  }
  a.set_venue_error(account.venue_error);
  return a;
}

v1::TradingState ToApi(const service::TradingState& state) {
  v1::TradingState t;
  t.set_halted(state.halted);
  t.set_reason(state.reason);
  t.set_changed_at(FormatRfc3339(state.changed_at));
  return t;
}

v1::ValidatePlanResponse ToApi(const service::PlanValidation& validation) {
  v1::ValidatePlanResponse resp;
  resp.set_valid(validation.valid());
  resp.set_plan_id(validation.plan_id);
  if (validation.mode) resp.set_mode(Text(domain::Name(*validation.mode)));
  resp.set_trade_count(validation.trade_count);
  for (const auto& v : validation.violations) *resp.add_violations() = ToApi(v);
  for (const auto& w : validation.warnings) *resp.add_warnings() = ToApi(w);
  return resp;
}

absl::StatusOr<std::optional<domain::Mode>> ModeFilter(const std::string& mode) {
  if (mode.empty()) return std::optional<domain::Mode>();
  std::optional<domain::Mode> m = domain::ParseMode(mode);
  if (!m) return absl::InvalidArgumentError("mode must be \"paper\" or \"live\"");
  return m;
}

absl::StatusOr<service::RunQuery> FromApi(const v1::ListRunsRequest& req) {
  service::RunQuery q;
  q.limit = req.limit();
  if (auto mode = ModeFilter(req.mode()); mode.ok()) {
    q.mode = *mode;
  } else {
    return mode.status();
  }
  if (!req.since().empty()) {
    absl::StatusOr<absl::Time> since = ParseTime(req.since());
    if (!since.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("since: ", since.status().message()));
    }
    q.since = *since;
  }
  q.scheduled = req.scheduled();
  return q;
}

absl::StatusOr<service::ReportQuery> FromApi(const v1::GetReportRequest& req) {
  service::ReportQuery q;
  OMS_ASSIGN_OR_RETURN(q.mode, ModeFilter(req.mode()));
  if (!req.since().empty()) {
    absl::StatusOr<absl::Time> since = ParseTime(req.since());
    if (!since.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("since: not an RFC 3339 time: \"", req.since(), "\""));
    }
    q.since = *since;
  }
  if (req.run_limit() < 0) return absl::InvalidArgumentError("run_limit: must not be negative");
  q.run_limit = req.run_limit();
  return q;
}

absl::StatusOr<service::OrderQuery> FromApi(const v1::ListOrdersRequest& req) {
  service::OrderQuery q;
  q.plan_id = req.plan_id();
  q.limit = req.limit();
  if (!req.status().empty()) {
    q.status = domain::ParseOrderStatus(req.status());
    if (!q.status) {
      std::vector<std::string> names;
      names.reserve(domain::kAllOrderStatuses.size());
      for (domain::OrderStatus s : domain::kAllOrderStatuses) names.emplace_back(domain::Name(s));
      std::sort(names.begin(), names.end());
      return absl::InvalidArgumentError(absl::StrCat(
          "status must be one of ", absl::StrJoin(names, ", "), "; got \"", req.status(), "\""));
    }
  }
  if (auto mode = ModeFilter(req.mode()); mode.ok()) {
    q.mode = *mode;
  } else {
    return mode.status();
  }
  return q;
}

absl::StatusOr<service::TriggerQuery> FromApi(const v1::ListTriggersRequest& req) {
  service::TriggerQuery q;
  q.plan_id = req.plan_id();
  q.limit = req.limit();
  if (!req.status().empty()) {
    q.status = domain::ParseTriggerStatus(req.status());
    if (!q.status) {
      return absl::InvalidArgumentError(absl::StrCat(
          "status must be one of armed, fired, cancelled, expired; got \"", req.status(), "\""));
    }
  }
  return q;
}

}  // namespace betteroms::grpc_api
