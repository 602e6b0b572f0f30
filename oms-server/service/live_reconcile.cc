// LiveTrader's side after the POST (PROTOCOL §13.4, §13.5): each tick's reconciliation of the
// live orders that are not final, and cancels, which reconcile the orders they touch at once.
// The rules are in domain/reconcile; this file reads the venue and writes the journal.
#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "oms-server/domain/cancel.h"
#include "oms-server/domain/reconcile.h"
#include "oms-server/service/live_trader.h"
#include "store/orders_repo.h"

namespace betteroms::service {
namespace {

using domain::Order;
using domain::OrderStatus;

// Trades are read from this long before each order's last reading (or its submission): the
// venue's clock and ours differ, and a trade can be listed a little after its match time. A final
// order stays reconciled until a reading that began this long after its last change covers it.
constexpr absl::Duration kTradesMargin = absl::Minutes(2);
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
  // A status the OMS does not know is still a match, not a settlement: counted, pending.
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

// Where this order's trades must be read from: its last reading, or its submission when it was
// never read or still has a provisional fill (whose trades may be older than the last reading),
// and the match time of any fill still settling; less the margin.
absl::Time TradesFrom(const Order& o) {
  absl::Time from = o.live.trades_read_at.value_or(o.live.submitted_at.value_or(o.created_at));
  for (const domain::Execution& e : o.fills) {
    if (e.trade_id.empty()) {
      from = std::min(from, o.live.submitted_at.value_or(o.created_at));
    } else if (e.Pending()) {
      from = std::min(from, e.executed_at);
    }
  }
  return std::max(from - kTradesMargin, absl::UnixEpoch());
}

using ReadBack = absl::StatusOr<std::optional<venue::VenueOrder>>;

// GET /data/order/{hash} for each of `hashes`, `concurrency` at a time: after many fills a tick
// must not wait for each read in turn. The venue client is safe across threads.
std::vector<ReadBack> ReadBackAll(venue::Venue& venue, const std::vector<std::string>& hashes,
                                  absl::Time deadline, int concurrency) {
  std::vector<ReadBack> results(hashes.size(), absl::UnknownError("not read"));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < hashes.size(); i = next++) {
      results[i] = venue.GetOrder(hashes[i], deadline);
    }
  };
  size_t threads = std::min<size_t>(hashes.size(), std::max(1, concurrency));
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return results;
}

std::vector<int64_t> IdsOf(const std::vector<Order>& orders) {
  std::vector<int64_t> ids;
  ids.reserve(orders.size());
  for (const Order& o : orders) ids.push_back(o.id);
  return ids;
}

}  // namespace

absl::Status LiveTrader::LoadFills(store::Connection& conn, std::vector<Order>& orders) {
  OMS_ASSIGN_OR_RETURN(std::vector<domain::Execution> fills,
                       store::ListExecutionsForOrders(conn, IdsOf(orders)));
  std::map<int64_t, Order*> by_id;
  for (Order& o : orders) by_id[o.id] = &o;
  for (domain::Execution& e : fills) by_id.at(e.order_id)->fills.push_back(std::move(e));
  return absl::OkStatus();
}

absl::StatusOr<domain::Reconciliation> LiveTrader::ApplyVenue(
    std::vector<Order>& orders, const std::vector<Order>& stored,
    const std::map<std::string, domain::VenueOrderState>& views, absl::Time deadline) {
  std::set<std::string> hashes;
  absl::Time from = absl::InfiniteFuture();
  for (const Order& o : orders) {
    hashes.insert(o.live.order_hash);
    from = std::min(from, TradesFrom(o));
  }
  absl::Time read_at = clock_.Now();
  OMS_ASSIGN_OR_RETURN(std::vector<venue::VenueFill> venue_fills,
                       venue_.ListFills(hashes, from, deadline));
  std::vector<domain::TradeFill> fills;
  fills.reserve(venue_fills.size());
  for (const venue::VenueFill& f : venue_fills) fills.push_back(ToTradeFill(f));
  domain::Reconciliation r = domain::Reconcile(orders, views, fills, clock_.Now());
  for (const std::string& why : r.skipped) LogWarn("venue fill refused", {{"why", why}});
  std::vector<Order> changed;
  for (size_t i = 0; i < orders.size(); ++i) {
    if (domain::JournalDiffers(orders[i], stored[i])) changed.push_back(orders[i]);
  }
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(absl::Now() + absl::Seconds(10)));
  absl::Status written = store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
    OMS_RETURN_IF_ERROR(store::UpdateJournal(tx, changed));
    OMS_RETURN_IF_ERROR(store::InsertExecutions(tx, r.fills));
    OMS_RETURN_IF_ERROR(store::DeleteProvisionalFills(tx, r.replaced));
    return store::MarkTradesRead(tx, IdsOf(orders), read_at);
  });
  OMS_RETURN_IF_ERROR(written);
  for (Order& o : orders) o.live.stored_status = o.status;
  r.changed = static_cast<int>(changed.size());
  return r;
}

absl::Status LiveTrader::Reconcile(const CallContext& call, ResumeReport& report) {
  std::vector<Order> candidates;
  {
    OMS_ASSIGN_OR_RETURN(auto conn,
                         pool_.Acquire(std::min(call.deadline(), absl::Now() + absl::Seconds(10))));
    OMS_ASSIGN_OR_RETURN(candidates,
                         store::ListLiveOrdersToReconcile(*conn, kTradesMargin, kMaxOrdersPerTick));
  }
  // Claimed, then read with their fills: a cancel that finished in between is seen.
  std::vector<Order> mine = ClaimJournal(std::move(candidates));
  absl::Cleanup release = [this, &mine] { SetInFlight(mine, false); };
  if (mine.empty()) return absl::OkStatus();
  {
    OMS_ASSIGN_OR_RETURN(auto conn,
                         pool_.Acquire(std::min(call.deadline(), absl::Now() + absl::Seconds(10))));
    store::OrderFilter filter;
    filter.ids = IdsOf(mine);
    filter.mode = domain::Mode::kLive;
    filter.limit = kMaxOrdersPerTick;
    filter.oldest_first = true;
    OMS_ASSIGN_OR_RETURN(std::vector<Order> fresh, store::ListOrders(*conn, filter));
    std::set<int64_t> seen;
    for (const Order& o : fresh) seen.insert(o.id);
    std::vector<Order> gone;  // claimed but no longer there: released with the rest
    for (Order& o : mine) {
      if (seen.count(o.id) == 0) gone.push_back(o);
    }
    SetInFlight(gone, false);
    mine = std::move(fresh);
    OMS_RETURN_IF_ERROR(LoadFills(*conn, mine));
  }
  OMS_RETURN_IF_ERROR(EnsureReady());
  absl::Time now = clock_.Now();
  absl::Time deadline = std::min(call.deadline(), now + absl::Seconds(30));

  // cancelAfter: the OMS's own expiry of GTC orders, cancelled at the venue first so the reads
  // below see it.
  std::set<std::string> cancelled_after;
  if (std::vector<Order*> due = domain::DueForCancelAfter(mine, now); !due.empty()) {
    std::vector<std::string> hashes;
    hashes.reserve(due.size());
    for (const Order* o : due) hashes.push_back(o->live.order_hash);
    absl::StatusOr<venue::CancelAnswer> answer = venue_.CancelOrders(hashes, deadline);
    if (answer.ok()) {
      cancelled_after.insert(answer->canceled.begin(), answer->canceled.end());
    } else {
      LogWarn("cancelAfter cancels failed", {{"error", std::string(answer.status().message())}});
    }
  }
  const std::vector<Order> stored = mine;
  for (Order& o : mine) {
    if (cancelled_after.count(o.live.order_hash) != 0) {
      domain::MarkCancelledAfter(o);
      ++report.cancelled_after;
    }
  }

  // The venue's view of each order still resting: the open-orders pages, then by hash for those
  // that left the book. One order the venue cannot show now waits for the next tick.
  OMS_ASSIGN_OR_RETURN(std::vector<venue::VenueOrder> open, venue_.ListOpenOrders(deadline));
  std::map<std::string, domain::VenueOrderState> views;
  for (const venue::VenueOrder& v : open) views[absl::AsciiStrToLower(v.id)] = StateOf(v);
  std::vector<std::string> left;
  for (const Order& o : mine) {
    if (AtVenue(o) && views.count(o.live.order_hash) == 0) left.push_back(o.live.order_hash);
  }
  std::vector<ReadBack> read = ReadBackAll(venue_, left, deadline, options_.sign_concurrency);
  int unread = 0;
  for (size_t i = 0; i < left.size(); ++i) {
    if (!read[i].ok()) {
      ++unread;
    } else if (read[i]->has_value()) {
      views[left[i]] = StateOf(**read[i]);
    }
  }
  for (const std::string& h : cancelled_after) views.erase(h);

  OMS_ASSIGN_OR_RETURN(domain::Reconciliation r, ApplyVenue(mine, stored, views, deadline));
  report.reconciled = r.changed;
  report.fills_new = r.fills_new;
  report.fills_confirmed = r.fills_confirmed;
  report.fills_failed = r.fills_failed;
  report.cancelled_by_venue = r.cancelled_by_venue;
  report.resolved_tokens = std::move(r.resolved);
  if (unread > 0 || !r.skipped.empty()) {
    report.reconcile_error =
        absl::StrCat(unread, " order(s) could not be read back and ", r.skipped.size(),
                     " venue fill(s) were refused as implausible (see the "
                     "server's log); the next tick tries again");
  }
  return absl::OkStatus();
}

absl::StatusOr<Order> LiveTrader::Cancel(int64_t id, const CallContext& call) {
  OMS_RETURN_IF_ERROR(EnsureReady());
  std::vector<Order> mine;
  {
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(call.deadline()));
    OMS_ASSIGN_OR_RETURN(Order order, store::GetOrder(*conn, id, /*for_update=*/false));
    OMS_RETURN_IF_ERROR(domain::CheckLiveCancel(order));
    mine = ClaimJournal({order});
    if (mine.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("order ", id, " is being sent or resolved right now; try again shortly"));
    }
    OMS_RETURN_IF_ERROR(LoadFills(*conn, mine));
  }
  absl::Cleanup release = [this, &mine] { SetInFlight(mine, false); };
  Order& order = mine[0];
  absl::Time deadline = std::min(call.deadline(), clock_.Now() + absl::Seconds(15));
  absl::StatusOr<bool> cancelled = venue_.CancelOrder(order.live.order_hash, deadline);
  if (!cancelled.ok()) return VenueError(cancelled.status(), "the cancel");
  // What the venue holds now decides: fills before the cancel stand, and an order that had
  // already matched is never reported as cancelled.
  absl::StatusOr<std::optional<venue::VenueOrder>> found =
      venue_.GetOrder(order.live.order_hash, deadline);
  const std::vector<Order> stored = mine;
  std::map<std::string, domain::VenueOrderState> views;
  if (found.ok() && found->has_value()) {
    domain::VenueOrderState state = StateOf(**found);
    if (*cancelled && state.status == "LIVE") state.status = "CANCELED";
    views[order.live.order_hash] = state;
  } else if (*cancelled) {
    // Cancelled, though the venue could not show it just now: never sent again either way.
    order.status = OrderStatus::kCancelled;
  } else if (order.status == OrderStatus::kUnknown || order.status == OrderStatus::kDelayed) {
    // The cancel by hash and a venue that does not know the hash are the fence: it is not there,
    // and it must never be sent now that the trader asked for it to go.
    order.status = OrderStatus::kNotSent;
    order.reason = "cancelled by request before the venue showed it; never sent";
    std::vector<Order*> rows = {&order};
    std::vector<domain::Execution> none;
    OMS_RETURN_IF_ERROR(Commit(rows, none, nullptr, /*unless_halted=*/false));
    return order;
  } else {
    return absl::FailedPreconditionError(absl::StrCat(
        "the venue did not cancel order ", id,
        " and does not show it (already cancelled or matched); the next tick reconciles it"));
  }
  if (*cancelled) order.reason = "cancelled by request";
  OMS_RETURN_IF_ERROR(ApplyVenue(mine, stored, views, deadline).status());
  if (*cancelled && order.status == OrderStatus::kCancelled && order.reason.empty()) {
    order.reason = "cancelled by request";
  }
  return order;
}

absl::StatusOr<std::vector<Order>> LiveTrader::CancelMany(const std::string& plan_id, bool all,
                                                          const CallContext& call, int& busy) {
  OMS_RETURN_IF_ERROR(EnsureReady());
  std::vector<Order> mine;
  {
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(call.deadline()));
    store::OrderFilter filter;
    filter.mode = domain::Mode::kLive;
    filter.plan_id = plan_id;
    // At the venue, or perhaps: a journal entry left by a crash is fenced like one in doubt.
    filter.statuses = {OrderStatus::kOpen,    OrderStatus::kPartiallyFilled,
                       OrderStatus::kDelayed, OrderStatus::kUnknown,
                       OrderStatus::kSigned,  OrderStatus::kSubmitting,
                       OrderStatus::kNew};
    filter.oldest_first = true;
    filter.limit = kMaxOrdersPerTick;
    OMS_ASSIGN_OR_RETURN(std::vector<Order> open, store::ListOrders(*conn, filter));
    mine = ClaimJournal(open);
    busy = static_cast<int>(open.size() - mine.size());
    OMS_RETURN_IF_ERROR(LoadFills(*conn, mine));
  }
  absl::Cleanup release = [this, &mine] { SetInFlight(mine, false); };
  absl::Time deadline = std::min(call.deadline(), clock_.Now() + absl::Seconds(30));
  if (mine.empty() && !all) return mine;
  std::vector<std::string> hashes;
  hashes.reserve(mine.size());
  for (const Order& o : mine) {
    if (!o.live.order_hash.empty()) hashes.push_back(o.live.order_hash);
  }
  absl::StatusOr<venue::CancelAnswer> answer =
      all ? venue_.CancelAll(deadline) : venue_.CancelOrders(hashes, deadline);
  if (!answer.ok()) return VenueError(answer.status(), "the cancel");
  std::set<std::string> canceled(answer->canceled.begin(), answer->canceled.end());
  const std::vector<Order> stored = mine;
  std::map<std::string, domain::VenueOrderState> views;
  std::vector<Order> at_venue;
  std::vector<Order> stored_at_venue;
  for (size_t i = 0; i < mine.size(); ++i) {
    Order& o = mine[i];
    bool in_journal = !AtVenue(o);
    if (canceled.count(o.live.order_hash) != 0) {
      // Fills before the cancel stand: the trades read below decide them.
      o.status = OrderStatus::kCancelled;
      o.reason = "cancelled by request";
      o.live.venue_status = "CANCELED";
    } else if (!o.live.order_hash.empty()) {
      // Not cancelled (already matched or cancelled, or unknown): what the venue holds decides.
      absl::StatusOr<std::optional<venue::VenueOrder>> found =
          venue_.GetOrder(o.live.order_hash, deadline);
      if (found.ok() && found->has_value()) {
        views[o.live.order_hash] = StateOf(**found);
      } else if (found.ok() && in_journal) {
        o.status = OrderStatus::kNotSent;
        o.reason = "cancelled by request before the venue showed it; never sent";
      }
    } else {
      o.status = OrderStatus::kNotSent;  // never signed: nothing can be at the venue
      o.reason = "cancelled by request before it was sent";
    }
    if (o.status == OrderStatus::kNotSent) continue;
    at_venue.push_back(o);
    stored_at_venue.push_back(stored[i]);
  }
  // Journal entries fenced above are written as they are; the others take the venue's trades.
  std::vector<Order*> fenced;
  for (Order& o : mine) {
    if (o.status == OrderStatus::kNotSent) fenced.push_back(&o);
  }
  if (!fenced.empty()) {
    std::vector<domain::Execution> none;
    OMS_RETURN_IF_ERROR(Commit(fenced, none, nullptr, /*unless_halted=*/false));
  }
  if (!at_venue.empty()) {
    OMS_RETURN_IF_ERROR(ApplyVenue(at_venue, stored_at_venue, views, deadline).status());
  }
  std::map<int64_t, Order*> by_id;
  for (Order& o : at_venue) by_id[o.id] = &o;
  for (Order& o : mine) {
    if (auto it = by_id.find(o.id); it != by_id.end()) o = *it->second;
  }
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
