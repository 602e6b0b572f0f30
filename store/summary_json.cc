#include "store/summary_json.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/time.h"

namespace betteroms::store {
namespace {

using nlohmann::json;

// Like the API's JSON printer: a field at its default (0, "", false, empty list) is left out.
void Put(json& j, const char* key, int64_t v) {
  if (v != 0) j[key] = v;
}
void Put(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void Put(json& j, const char* key, const char* v) { Put(j, key, std::string(v)); }
void Put(json& j, const char* key, bool v) {
  if (v) j[key] = v;
}

json PositionJson(const domain::Position& p) {
  json j = json::object();
  Put(j, "mode", domain::Name(p.mode));
  Put(j, "marketTokenId", p.token_id);
  Put(j, "outcome", p.outcome);
  Put(j, "netShares", FormatMicros(p.state.net_shares));
  Put(j, "avgPrice", FormatMicros(p.state.AvgPrice()));
  Put(j, "costBasis", FormatMicros(p.state.cost));
  Put(j, "realizedPnl", FormatMicros(p.state.realized));
  if (p.marks.mark_price) Put(j, "markPrice", FormatMicros(*p.marks.mark_price));
  if (p.marks.unrealized) Put(j, "unrealizedPnl", FormatMicros(*p.marks.unrealized));
  if (p.marks.liquidation_value) {
    Put(j, "liquidationValue", FormatMicros(*p.marks.liquidation_value));
  }
  return j;
}

// Reads the stored form back; the first problem wins.
class Reader {
 public:
  explicit Reader(const json& j) : j_(j) {}

  std::string Text(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end()) return "";
    if (!it->is_string()) {
      Fail(key, "is not a string");
      return "";
    }
    return it->get<std::string>();
  }
  int Int(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end()) return 0;
    if (!it->is_number_integer()) {
      Fail(key, "is not an integer");
      return 0;
    }
    return it->get<int>();
  }
  int64_t Micros(const char* key) { return OptMicros(key).value_or(0); }
  std::optional<int64_t> OptMicros(const char* key) {
    std::string text = Text(key);
    if (text.empty()) return std::nullopt;
    absl::StatusOr<int64_t> v = ParseMicros(text);
    if (!v.ok()) {
      Fail(key, std::string(v.status().message()));
      return std::nullopt;
    }
    return *v;
  }
  std::optional<absl::Time> OptTime(const char* key) {
    std::string text = Text(key);
    if (text.empty()) return std::nullopt;
    absl::StatusOr<absl::Time> t = ParseTime(text);
    if (!t.ok()) {
      Fail(key, std::string(t.status().message()));
      return std::nullopt;
    }
    return *t;
  }
  template <typename E>
  E Enum(const char* key, std::optional<E> (*parse)(std::string_view)) {
    std::string text = Text(key);
    std::optional<E> v = parse(text);
    if (!v) {
      Fail(key, absl::StrCat("unknown value \"", text, "\""));
      return E{};
    }
    return *v;
  }
  absl::Status& status() { return status_; }

 private:
  void Fail(const char* key, const std::string& problem) {
    if (status_.ok()) {
      status_ = absl::InternalError(absl::StrCat("store: stored summary: ", key, ": ", problem));
    }
  }

  const json& j_;
  absl::Status status_;
};

}  // namespace

std::string RunSummaryJson(const domain::RunSummary& s) {
  json j = json::object();
  Put(j, "planId", s.plan_id);
  Put(j, "mode", domain::Name(s.mode));
  Put(j, "status", domain::Name(s.status));
  Put(j, "ordersPlaced", int64_t{s.orders_placed});
  Put(j, "ordersFilled", int64_t{s.orders_filled});
  Put(j, "ordersPartiallyFilled", int64_t{s.orders_partially_filled});
  Put(j, "ordersOpen", int64_t{s.orders_open});
  Put(j, "ordersRejected", int64_t{s.orders_rejected});
  Put(j, "notionalBought", FormatMicros(s.notional_bought));
  Put(j, "notionalSold", FormatMicros(s.notional_sold));
  Put(j, "realizedPnl", FormatMicros(s.realized_pnl));
  if (!s.positions.empty()) {
    json positions = json::array();
    for (const domain::Position& p : s.positions) positions.push_back(PositionJson(p));
    j["positions"] = std::move(positions);
  }
  Put(j, "startedAt", FormatRfc3339(s.started_at));
  if (s.finished_at) Put(j, "finishedAt", FormatRfc3339(*s.finished_at));
  Put(j, "errorMessage", s.error_message);
  Put(j, "triggersArmed", int64_t{s.triggers_armed});
  if (s.twin) {
    // The sums only: the slippage in basis points is derived from them when read.
    const domain::TwinTotals& t = *s.twin;
    json twin = json::object();
    Put(twin, "orders", int64_t{t.orders});
    Put(twin, "twinFilledShares", FormatMicros(t.twin_filled_shares));
    Put(twin, "twinFilledNotional", FormatMicros(t.twin_filled_notional));
    Put(twin, "liveFilledShares", FormatMicros(t.live_filled_shares));
    Put(twin, "liveFilledNotional", FormatMicros(t.live_filled_notional));
    Put(twin, "ordersCompared", int64_t{t.orders_compared});
    Put(twin, "comparedNotional", FormatMicros(t.compared_notional));
    Put(twin, "slippageCost", FormatMicros(t.slippage_cost));
    j["twin"] = std::move(twin);
  }
  if (!s.warnings.empty()) {
    json warnings = json::array();
    for (const domain::Violation& w : s.warnings) {
      warnings.push_back({{"path", w.path}, {"message", w.message}});
    }
    j["warnings"] = std::move(warnings);
  }
  return j.dump();
}

absl::StatusOr<domain::RunSummary> ParseRunSummaryJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return absl::InternalError("store: stored summary is not a JSON object");
  Reader r(j);
  domain::RunSummary s;
  s.plan_id = r.Text("planId");
  s.mode = r.Enum("mode", &domain::ParseMode);
  s.status = r.Enum("status", &domain::ParseRunStatus);
  s.orders_placed = r.Int("ordersPlaced");
  s.orders_filled = r.Int("ordersFilled");
  s.orders_partially_filled = r.Int("ordersPartiallyFilled");
  s.orders_open = r.Int("ordersOpen");
  s.orders_rejected = r.Int("ordersRejected");
  s.notional_bought = r.Micros("notionalBought");
  s.notional_sold = r.Micros("notionalSold");
  s.realized_pnl = r.Micros("realizedPnl");
  s.started_at = r.OptTime("startedAt").value_or(absl::InfinitePast());
  s.finished_at = r.OptTime("finishedAt");
  s.error_message = r.Text("errorMessage");
  s.triggers_armed = r.Int("triggersArmed");
  if (auto it = j.find("positions"); it != j.end() && it->is_array()) {
    for (const json& pj : *it) {
      Reader p(pj);
      domain::Position pos;
      pos.mode = p.Enum("mode", &domain::ParseMode);
      pos.token_id = p.Text("marketTokenId");
      pos.outcome = p.Text("outcome");
      pos.state.net_shares = p.Micros("netShares");
      pos.state.cost = p.Micros("costBasis");
      pos.state.realized = p.Micros("realizedPnl");
      pos.marks.mark_price = p.OptMicros("markPrice");
      pos.marks.unrealized = p.OptMicros("unrealizedPnl");
      pos.marks.liquidation_value = p.OptMicros("liquidationValue");
      if (!p.status().ok()) return p.status();
      s.positions.push_back(std::move(pos));
    }
  }
  // Absent from live summaries stored before twins were kept, and from paper summaries.
  if (auto it = j.find("twin"); it != j.end() && it->is_object()) {
    Reader t(*it);
    domain::TwinTotals twin;
    twin.orders = t.Int("orders");
    twin.twin_filled_shares = t.Micros("twinFilledShares");
    twin.twin_filled_notional = t.Micros("twinFilledNotional");
    twin.live_filled_shares = t.Micros("liveFilledShares");
    twin.live_filled_notional = t.Micros("liveFilledNotional");
    twin.orders_compared = t.Int("ordersCompared");
    twin.compared_notional = t.Micros("comparedNotional");
    twin.slippage_cost = t.Micros("slippageCost");
    if (!t.status().ok()) return t.status();
    s.twin = twin;
  }
  if (auto it = j.find("warnings"); it != j.end() && it->is_array()) {
    for (const json& wj : *it) {
      Reader w(wj);
      s.warnings.push_back({w.Text("path"), w.Text("message")});
      if (!w.status().ok()) return w.status();
    }
  }
  if (!r.status().ok()) return r.status();
  return s;
}

std::string TickReportJson(const domain::TickReport& t) {
  json j = json::object();  // the tick's id is the row's own
  Put(j, "skipped", t.skipped);
  Put(j, "message", t.message);
  Put(j, "ordersExamined", int64_t{t.orders_examined});
  Put(j, "ordersFilled", int64_t{t.orders_filled});
  Put(j, "ordersPartiallyFilled", int64_t{t.orders_partially_filled});
  Put(j, "ordersExpired", int64_t{t.orders_expired});
  Put(j, "ordersReconciled", int64_t{t.orders_reconciled});
  Put(j, "fillsNew", int64_t{t.fills_new});
  Put(j, "fillsConfirmed", int64_t{t.fills_confirmed});
  Put(j, "fillsFailed", int64_t{t.fills_failed});
  Put(j, "ordersCancelledByVenue", int64_t{t.orders_cancelled_by_venue});
  Put(j, "ordersCancelledAfter", int64_t{t.orders_cancelled_after});
  Put(j, "marketsResolved", int64_t{t.markets_resolved});
  Put(j, "triggersWatched", int64_t{t.triggers_watched});
  Put(j, "triggersFired", int64_t{t.triggers_fired});
  Put(j, "triggersExpired", int64_t{t.triggers_expired});
  Put(j, "triggersCancelled", int64_t{t.triggers_cancelled});
  if (!t.scheduled_runs.empty()) {
    json due = json::array();
    for (const auto& s : t.scheduled_runs) {
      json one = json::object();
      Put(one, "planId", s.plan_id);
      Put(one, "status", std::string(domain::Name(s.status)));
      if (!s.error_message.empty()) Put(one, "error", s.error_message);
      due.push_back(one);
    }
    j["scheduledRuns"] = due;
    Put(j, "scheduledFailed", int64_t{t.scheduled_failed});
  }
  if (t.scheduled_deferred > 0) Put(j, "scheduledDeferred", int64_t{t.scheduled_deferred});
  if (!t.live_error.empty()) Put(j, "liveError", t.live_error);
  Put(j, "startedAt", FormatRfc3339(t.started_at));
  Put(j, "finishedAt", FormatRfc3339(t.finished_at));
  return j.dump();
}

}  // namespace betteroms::store
