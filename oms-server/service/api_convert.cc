#include "oms-server/service/api_convert.h"

#include <google/protobuf/util/json_util.h>

#include "common/decimal.h"
#include "oms-server/domain/plan.h"

namespace betteroms::service {

v1::Order ToApiOrder(const store::OrderRow& row) {
  v1::Order o;
  o.set_id(row.id);
  o.set_plan_id(row.plan_id);
  o.set_trade_index(row.trade_index);
  o.set_mode(row.mode);
  o.set_market_token_id(row.token_id);
  o.set_outcome(row.outcome);
  o.set_side(row.side);
  o.set_order_type(row.order_type);
  o.set_time_in_force(row.time_in_force);
  if (row.limit_price) o.set_limit_price(FormatMicros(*row.limit_price));
  o.set_size_shares(FormatMicros(row.size_shares));
  o.set_filled_shares(FormatMicros(row.filled_shares));
  if (row.filled_shares > 0) {
    o.set_avg_fill_price(FormatMicros(MulDivFloor(row.filled_notional, kMicro, row.filled_shares)));
  }
  o.set_notional(FormatMicros(row.filled_notional));
  o.set_status(row.status);
  o.set_created_at(row.created_at);
  if (row.expires_at) o.set_expires_at(*row.expires_at);
  if (row.reason) o.set_reason(*row.reason);
  o.set_maker_amount(std::to_string(row.maker_amount));
  o.set_taker_amount(std::to_string(row.taker_amount));
  return o;
}

void AddApiFills(v1::Order& order, const std::vector<store::ExecutionRow>& fills) {
  for (const auto& e : fills) {
    if (e.order_id != order.id()) continue;
    v1::Fill* f = order.add_fills();
    f->set_shares(FormatMicros(e.shares));
    f->set_price(FormatMicros(e.price));
    f->set_fee(FormatMicros(e.fee));
    f->set_executed_at(e.executed_at);
    f->set_book_hash(e.book_hash);
  }
}

v1::Book ToApiBook(const domain::Book& book) {
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

v1::Position ToApiPosition(const std::string& mode, const std::string& token,
                           const std::string& outcome, const domain::PositionState& pos,
                           const domain::Book* book) {
  v1::Position p;
  p.set_mode(mode);
  p.set_market_token_id(token);
  p.set_outcome(outcome);
  p.set_net_shares(FormatMicros(pos.net_shares));
  p.set_avg_price(FormatMicros(pos.AvgPrice()));
  p.set_cost_basis(FormatMicros(pos.cost));
  p.set_realized_pnl(FormatMicros(pos.realized));
  domain::Marks marks = domain::MarkPosition(pos, book);
  if (marks.mark_price) p.set_mark_price(FormatMicros(*marks.mark_price));
  if (marks.unrealized) p.set_unrealized_pnl(FormatMicros(*marks.unrealized));
  if (marks.liquidation_value) p.set_liquidation_value(FormatMicros(*marks.liquidation_value));
  return p;
}

v1::Run ToApiRun(const store::RunRow& row) {
  v1::Run r;
  r.set_plan_id(row.plan_id);
  r.set_mode(row.mode);
  r.set_status(row.status);
  r.set_plan_hash(row.plan_hash);
  r.set_started_at(row.started_at);
  if (row.finished_at) r.set_finished_at(*row.finished_at);
  if (row.error_message) r.set_error_message(*row.error_message);
  r.set_trade_count(row.trade_count);
  if (row.summary_json) {
    google::protobuf::util::JsonParseOptions opts;
    opts.ignore_unknown_fields = true;
    (void)google::protobuf::util::JsonStringToMessage(*row.summary_json, r.mutable_summary(), opts);
  }
  return r;
}

std::map<PositionKey, HeldPosition> FoldPositions(const std::vector<store::ExecutionRow>& fills) {
  std::map<PositionKey, HeldPosition> out;
  for (const auto& e : fills) {
    HeldPosition& held = out[{e.mode, e.token_id}];
    if (held.outcome.empty()) held.outcome = e.outcome;
    held.state.Apply(e.side == "BUY" ? domain::Side::kBuy : domain::Side::kSell, e.shares,
                     e.notional, e.fee);
  }
  return out;
}

}  // namespace betteroms::service
