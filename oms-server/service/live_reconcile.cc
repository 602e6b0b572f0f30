// LiveTrader's side after the POST (PROTOCOL §13.4, §13.5): each tick's reconciliation of the
// live orders that are not final, and cancels of many orders at once. The rules are in
// domain/reconcile; this file reads the venue and writes the journal.
#include <algorithm>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "oms-server/domain/reconcile.h"
#include "oms-server/service/live_trader.h"
#include "store/orders_repo.h"

namespace betteroms::service {
namespace {

using domain::Order;
using domain::OrderStatus;

// Trades are read from this long before the last watermark: the venue's clock and ours differ,
// and a trade can be listed a little after its match time.
constexpr absl::Duration kTradesMargin = absl::Minutes(2);
// A final order stays reconciled this long: trades matched before a cancel can be reported after
// it (PROTOCOL §13.4).
constexpr absl::Duration kSettleWindow = absl::Minutes(15);
constexpr int kMaxOrdersPerTick = 20'000;

domain::VenueOrderState StateOf(const venue::VenueOrder& v) {
  return {v.status, v.status_reason, v.size_matched, v.price};
}

domain::TradeFill ToTradeFill(const venue::VenueFill& f) {
  domain::TradeFill t;
  t.trade_id = f.trade_id;
  t.order_hash = absl::AsciiStrToLower(f.order_id);
  t.token_id = f.asset_id;
  t.side = f.side;
  t.shares = f.shares;
  t.price = f.price;
  t.fee_rate_bps = f.fee_rate_bps;
  t.maker = f.maker;
  t.settlement = f.status == "MATCHED_NOT_BROADCASTED" || f.status == "MATCHED" ||
                         f.status == "MINED" || f.status == "CONFIRMED" || f.status == "RETRYING" ||
                         f.status == "FAILED"
                     ? f.status
                     : "MATCHED";
  t.transaction_hash = f.transaction_hash;
  t.matched_at = absl::FromUnixSeconds(f.match_time);
  return t;
}

bool AtVenue(const Order& o) {
  return o.status == OrderStatus::kOpen || o.status == OrderStatus::kPartiallyFilled;
}

}  // namespace

absl::Status LiveTrader::Reconcile(const CallContext& call, ResumeReport& report) {
  std::vector<Order> candidates;
  int64_t watermark = 0;
  {
    OMS_ASSIGN_OR_RETURN(auto conn,
                         pool_.Acquire(std::min(call.deadline(), absl::Now() + absl::Seconds(10))));
    OMS_ASSIGN_OR_RETURN(candidates,
                         store::ListLiveOrdersToReconcile(*conn, kSettleWindow, kMaxOrdersPerTick));
    std::vector<int64_t> ids;
    ids.reserve(candidates.size());
    for (const Order& o : candidates) ids.push_back(o.id);
    OMS_ASSIGN_OR_RETURN(std::vector<domain::Execution> fills,
                         store::ListExecutionsForOrders(*conn, ids));
    std::map<int64_t, Order*> by_id;
    for (Order& o : candidates) by_id[o.id] = &o;
    for (domain::Execution& e : fills) by_id.at(e.order_id)->fills.push_back(std::move(e));
    OMS_ASSIGN_OR_RETURN(watermark, store::GetTradesWatermark(*conn));
  }
  std::vector<Order> mine = ClaimJournal(std::move(candidates));
  absl::Cleanup release = [this, &mine] { SetInFlight(mine, false); };
  if (mine.empty()) return absl::OkStatus();
  OMS_RETURN_IF_ERROR(EnsureReady());
  const std::vector<Order> stored = mine;
  absl::Time now = clock_.Now();
  absl::Time deadline = std::min(call.deadline(), now + absl::Seconds(30));

  // cancelAfter: the OMS's own expiry of GTC orders, cancelled at the venue first so the reads
  // below see it.
  std::set<std::string> cancelled_after;
  if (std::vector<Order*> due = domain::DueForCancelAfter(mine, now); !due.empty()) {
    std::vector<std::string> hashes;
    for (const Order* o : due) hashes.push_back(o->live.order_hash);
    absl::StatusOr<venue::CancelAnswer> answer = venue_.CancelOrders(hashes, deadline);
    if (answer.ok()) {
      cancelled_after.insert(answer->canceled.begin(), answer->canceled.end());
    } else {
      LogWarn("cancelAfter cancels failed", {{"error", std::string(answer.status().message())}});
    }
  }

  // The venue's view of each order still resting: the open-orders pages, then by hash for those
  // that left the book.
  OMS_ASSIGN_OR_RETURN(std::vector<venue::VenueOrder> open, venue_.ListOpenOrders(deadline));
  std::map<std::string, domain::VenueOrderState> views;
  for (const venue::VenueOrder& v : open) views[absl::AsciiStrToLower(v.id)] = StateOf(v);
  // Trades from the watermark: every trade matched since the last reading. Trades still settling
  // and those behind a provisional fill are read again however old; before the first reading,
  // from the oldest order's submission.
  std::set<std::string> hashes;
  absl::Time after = watermark > 0 ? absl::FromUnixSeconds(watermark) : absl::InfiniteFuture();
  for (const Order& o : mine) {
    hashes.insert(o.live.order_hash);
    if (watermark == 0) after = std::min(after, o.live.submitted_at.value_or(o.created_at));
    for (const domain::Execution& e : o.fills) {
      if (e.Pending() || e.trade_id.empty()) after = std::min(after, e.executed_at);
    }
  }
  for (Order& o : mine) {
    if (cancelled_after.count(o.live.order_hash) != 0) continue;
    if (!AtVenue(o) || views.count(o.live.order_hash) != 0) continue;
    absl::StatusOr<std::optional<venue::VenueOrder>> found =
        venue_.GetOrder(o.live.order_hash, deadline);
    if (!found.ok()) return found.status();
    if (found->has_value()) views[o.live.order_hash] = StateOf(**found);
  }
  for (const std::string& h : cancelled_after) views.erase(h);

  absl::Time read_from = after - kTradesMargin;
  if (read_from < absl::UnixEpoch()) read_from = absl::UnixEpoch();
  absl::Time trades_read_at = clock_.Now();
  OMS_ASSIGN_OR_RETURN(std::vector<venue::VenueFill> venue_fills,
                       venue_.ListFills(hashes, read_from, deadline));
  std::vector<domain::TradeFill> fills;
  fills.reserve(venue_fills.size());
  for (const venue::VenueFill& f : venue_fills) fills.push_back(ToTradeFill(f));

  domain::Reconciliation r = domain::Reconcile(mine, views, fills, now);
  for (Order& o : mine) {
    if (cancelled_after.count(o.live.order_hash) != 0) {
      domain::MarkCancelledAfter(o);
      ++report.cancelled_after;
    }
  }
  std::vector<Order> changed;
  for (size_t i = 0; i < mine.size(); ++i) {
    if (domain::JournalDiffers(mine[i], stored[i])) changed.push_back(mine[i]);
  }
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(absl::Now() + absl::Seconds(10)));
  absl::Status written = store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
    OMS_RETURN_IF_ERROR(store::UpdateJournal(tx, changed));
    OMS_RETURN_IF_ERROR(store::InsertExecutions(tx, r.fills));
    OMS_RETURN_IF_ERROR(store::DeleteProvisionalFills(tx, r.replaced));
    return store::SetTradesWatermark(tx, absl::ToUnixSeconds(trades_read_at));
  });
  OMS_RETURN_IF_ERROR(written);
  report.reconciled = static_cast<int>(changed.size());
  report.fills_new = r.fills_new;
  report.fills_confirmed = r.fills_confirmed;
  report.fills_failed = r.fills_failed;
  report.cancelled_by_venue = r.cancelled_by_venue;
  report.resolved_tokens = std::move(r.resolved);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Order>> LiveTrader::CancelMany(const std::string& plan_id, bool all,
                                                          const CallContext& call, int& busy) {
  OMS_RETURN_IF_ERROR(EnsureReady());
  std::vector<Order> open;
  {
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(call.deadline()));
    store::OrderFilter filter;
    filter.mode = domain::Mode::kLive;
    filter.plan_id = plan_id;
    filter.statuses = {OrderStatus::kOpen, OrderStatus::kPartiallyFilled, OrderStatus::kDelayed};
    filter.oldest_first = true;
    filter.limit = kMaxOrdersPerTick;
    OMS_ASSIGN_OR_RETURN(open, store::ListOrders(*conn, filter));
  }
  std::vector<Order> mine = ClaimJournal(open);
  busy = static_cast<int>(open.size() - mine.size());
  absl::Cleanup release = [this, &mine] { SetInFlight(mine, false); };
  absl::Time deadline = std::min(call.deadline(), clock_.Now() + absl::Seconds(30));
  if (mine.empty() && !all) return mine;
  std::vector<std::string> hashes;
  for (const Order& o : mine) hashes.push_back(o.live.order_hash);
  absl::StatusOr<venue::CancelAnswer> answer =
      all ? venue_.CancelAll(deadline) : venue_.CancelOrders(hashes, deadline);
  if (!answer.ok()) return VenueError(answer.status(), "the cancel");
  std::set<std::string> canceled(answer->canceled.begin(), answer->canceled.end());
  const std::vector<Order> stored = mine;
  absl::Time now = clock_.Now();
  for (Order& o : mine) {
    if (canceled.count(o.live.order_hash) != 0) {
      // Fills before the cancel stand; their trades are read by the ticks that follow.
      o.status = OrderStatus::kCancelled;
      o.reason = "cancelled by request";
      o.live.venue_status = "CANCELED";
      continue;
    }
    // Not cancelled (already matched or cancelled, or unknown): what the venue holds decides.
    absl::StatusOr<std::optional<venue::VenueOrder>> found =
        venue_.GetOrder(o.live.order_hash, deadline);
    if (found.ok() && found->has_value()) {
      domain::ApplyVenueStatus(o, StateOf(**found), now);
    }
  }
  std::vector<Order> changed;
  for (size_t i = 0; i < mine.size(); ++i) {
    if (domain::JournalDiffers(mine[i], stored[i])) changed.push_back(mine[i]);
  }
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(absl::Now() + absl::Seconds(10)));
  OMS_RETURN_IF_ERROR(store::InTransaction(
      *conn, [&](store::Connection& tx) { return store::UpdateJournal(tx, changed); }));
  return mine;
}

std::map<std::string, absl::StatusOr<int64_t>> LiveTrader::VenueShares(
    const std::vector<std::string>& tokens, const CallContext& call) {
  std::map<std::string, absl::StatusOr<int64_t>> out;
  absl::Status ready = EnsureReady();
  absl::Time deadline = std::min(call.deadline(), clock_.Now() + absl::Seconds(30));
  for (const std::string& token : tokens) {
    if (!ready.ok()) {
      out.emplace(token, ready);
      continue;
    }
    absl::StatusOr<venue::BalanceAllowance> balance =
        venue_.GetBalanceAllowance(venue::AssetType::kConditional, token, deadline);
    if (balance.ok()) {
      out.emplace(token, balance->balance);
    } else {
      out.emplace(token, balance.status());
    }
  }
  return out;
}

}  // namespace betteroms::service
