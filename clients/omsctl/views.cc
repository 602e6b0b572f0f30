#include "clients/omsctl/views.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/omsctl/output.h"
#include "common/decimal.h"

namespace betteroms::omsctl {
namespace {

// A market BUY is sized in collateral; every other order in shares.
std::string SizeText(const v1::Order& o) {
  if (o.order_type() == "MARKET" && o.side() == "BUY") {
    int64_t maker = 0;
    if (absl::SimpleAtoi(o.maker_amount(), &maker)) return Dollars(FormatMicros(maker));
  }
  return o.size_shares();
}

bool IsLive(const v1::Order& o) { return o.mode() == "live"; }

// The statuses that end a live order without a fill, or leave it in doubt: each needs its reason.
bool NeedsReason(const std::string& status) {
  return status == "rejected" || status == "not_sent" || status == "unknown";
}

// Why an order is where it is: the OMS's reason, and for a live order the venue's own error when
// it adds something; "" when there is nothing to say.
std::string ReasonText(const v1::Order& o) {
  if (!IsLive(o)) return o.reason();
  std::string out = o.reason();
  if (!o.venue_error().empty() && out.find(o.venue_error()) == std::string::npos) {
    absl::StrAppend(&out, out.empty() ? "" : "; ", "venue: ", o.venue_error());
  }
  if (out.empty() && NeedsReason(o.status())) {
    out = o.status() == "unknown"
              ? "the venue's answer was lost; the order may or may not be at the venue"
              : absl::StrCat(o.status(), ", no reason recorded");
  }
  return out;
}

// The MARK cell: the midpoint, or for a closed market its payout ("1 (resolved)"), or that the
// venue has not named a winner yet.
std::string MarkText(const v1::Position& p) {
  if (!p.resolved()) return OrDash(p.mark_price());
  if (p.payout().empty()) return "resolved, outcome unknown";
  return absl::StrCat(p.payout(), " (resolved)");
}

// A basis-point figure with its sign: "+48.78", "-3.10", "0.00".
std::string SignedBps(const std::string& bps) {
  if (bps.empty() || bps[0] == '-' || bps == "0.00") return bps;
  return "+" + bps;
}

// Shares with their sign: "+1.5", "-20", "0".
std::string SignedShares(const std::string& shares) {
  std::string text = SharesText(shares);
  if (text.empty() || text[0] == '-' || text == "0") return text;
  return "+" + text;
}

// "100 @ 0.41" (shares at the average price), or "0" without a fill.
std::string FillText(const std::string& shares, const std::string& avg) {
  if (avg.empty()) return SharesText(shares);
  return absl::StrCat(SharesText(shares), " @ ", avg);
}

}  // namespace

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string PositionsTable(const google::protobuf::RepeatedPtrField<v1::Position>& positions) {
  std::vector<std::string> header = {"MODE", "TOKEN",    "OUTCOME",    "SHARES", "AVG",
                                     "COST", "REALIZED", "UNREALIZED", "MARK",   "LIQ VALUE"};
  std::vector<size_t> right = {3, 4, 5, 6, 7, 8, 9};
  // Live positions add what is not yet confirmed on chain, and, when checked, the venue's view.
  bool any_live = std::any_of(positions.begin(), positions.end(),
                              [](const v1::Position& p) { return p.mode() == "live"; });
  bool checked = std::any_of(positions.begin(), positions.end(), [](const v1::Position& p) {
    return !p.venue_shares().empty() || !p.venue_error().empty();
  });
  if (any_live) {
    header.insert(header.begin() + 4, "PENDING");
    right.push_back(right.size() + 3);
  }
  if (checked) {
    header.emplace_back("VENUE");
    header.emplace_back("DRIFT");
    right.push_back(header.size() - 2);
    right.push_back(header.size() - 1);
  }
  Table t(header);
  for (const auto& p : positions) {
    std::vector<std::string> row = {p.mode(),
                                    ShortToken(p.market_token_id()),
                                    p.outcome(),
                                    SharesText(p.net_shares()),
                                    p.avg_price(),
                                    Dollars(p.cost_basis()),
                                    Dollars(p.realized_pnl()),
                                    OrDash(Dollars(p.unrealized_pnl())),
                                    MarkText(p),
                                    OrDash(Dollars(p.liquidation_value()))};
    if (any_live) {
      std::string pending =
          p.mode() == "live" && !p.pending_shares().empty() && p.pending_shares() != "0"
              ? SharesText(p.pending_shares())
              : "-";
      row.insert(row.begin() + 4, pending);
    }
    if (checked) {
      if (!p.venue_error().empty()) {
        row.emplace_back("?");
        row.push_back(Colour("cannot read: " + p.venue_error(), "unknown"));
      } else {
        row.push_back(OrDash(SharesText(p.venue_shares())));
        row.push_back(p.drift().empty() || p.drift() == "0" ? OrDash(p.drift())
                                                            : Colour(p.drift(), "rejected"));
      }
    }
    t.Add(row);
  }
  return t.Render(right);
}

std::string OrdersTable(const google::protobuf::RepeatedPtrField<v1::Order>& orders,
                        bool with_plan) {
  std::vector<std::string> header = {"ID",    "#",        "SIDE",  "TYPE", "TIF",
                                     "TOKEN", "OUTCOME",  "LIMIT", "SIZE", "FILLED",
                                     "AVG",   "NOTIONAL", "STATUS"};
  if (with_plan) header.insert(header.begin() + 1, "PLAN");
  // Live orders add the venue's view; a table of paper orders stays as it always was.
  bool any_live = std::any_of(orders.begin(), orders.end(), IsLive);
  if (any_live) {
    header.emplace_back("VENUE");
    header.emplace_back("HASH");
  }
  Table t(header);
  for (const auto& o : orders) {
    std::vector<std::string> row = {std::to_string(o.id()),
                                    std::to_string(o.trade_index()),
                                    o.side(),
                                    o.order_type(),
                                    o.time_in_force(),
                                    ShortToken(o.market_token_id()),
                                    o.outcome(),
                                    OrDash(o.limit_price()),
                                    SizeText(o),
                                    o.filled_shares(),
                                    OrDash(o.avg_fill_price()),
                                    Dollars(o.notional()),
                                    Colour(o.status(), o.status())};
    if (with_plan) row.insert(row.begin() + 1, o.plan_id());
    if (any_live) {
      row.push_back(OrDash(o.venue_status()));
      row.push_back(OrDash(ShortHash(o.order_hash())));
    }
    t.Add(row);
  }
  size_t shift = with_plan ? 1 : 0;
  std::string out =
      t.Render({0, 1 + shift, 7 + shift, 8 + shift, 9 + shift, 10 + shift, 11 + shift});
  for (const auto& o : orders) {
    std::string reason = ReasonText(o);
    if (!reason.empty()) out += absl::StrCat("  order ", o.id(), ": ", reason, "\n");
  }
  return out;
}

std::string TriggersTable(const google::protobuf::RepeatedPtrField<v1::Trigger>& triggers,
                          bool with_plan) {
  std::vector<std::string> header = {"ID",   "#",      "MODE",     "TOKEN", "TRADE AND CONDITION",
                                     "OCO",  "STATUS", "FIRED AT", "PRICE", "BOOK",
                                     "ORDER"};
  if (with_plan) header.insert(header.begin() + 1, "PLAN");
  Table t(header);
  for (const auto& tr : triggers) {
    std::vector<std::string> row = {std::to_string(tr.id()),
                                    std::to_string(tr.trade_index()),
                                    tr.mode(),
                                    ShortToken(tr.market_token_id()),
                                    tr.description(),
                                    OrDash(tr.oco()),
                                    Colour(tr.status(), tr.status()),
                                    OrDash(tr.fired_at()),
                                    OrDash(tr.fired_price()),
                                    OrDash(ShortHash(tr.fired_book_hash())),
                                    tr.order_id() == 0 ? "-" : std::to_string(tr.order_id())};
    if (with_plan) row.insert(row.begin() + 1, tr.plan_id());
    t.Add(row);
  }
  size_t shift = with_plan ? 1 : 0;
  std::string out = t.Render({0, 1 + shift, 8 + shift, 10 + shift});
  for (const auto& tr : triggers) {
    if (!tr.reason().empty()) out += absl::StrCat("  trigger ", tr.id(), ": ", tr.reason(), "\n");
  }
  return out;
}

std::string TwinTable(const google::protobuf::RepeatedPtrField<v1::Order>& orders) {
  if (!std::any_of(orders.begin(), orders.end(), IsLive)) return "";
  std::vector<const v1::Order*> sorted;
  for (const auto& o : orders) {
    if (IsLive(o)) sorted.push_back(&o);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const v1::Order* a, const v1::Order* b) {
    return a->trade_index() < b->trade_index();
  });
  Table t({"ID", "#", "SIDE", "TYPE", "TOKEN", "TWIN", "TWIN FILL", "LIVE", "LIVE FILL", "DIFF BPS",
           "DIFF SHARES"});
  for (const v1::Order* o : sorted) {
    bool twin = !o->twin_status().empty();
    t.Add({std::to_string(o->id()), std::to_string(o->trade_index()), o->side(), o->order_type(),
           ShortToken(o->market_token_id()),
           twin ? Colour(o->twin_status(), o->twin_status()) : "-",
           twin ? FillText(o->twin_filled_shares(), o->twin_avg_price()) : "-",
           Colour(o->status(), o->status()), FillText(o->filled_shares(), o->avg_fill_price()),
           OrDash(SignedBps(o->twin_price_diff_bps())),
           twin ? SignedShares(o->twin_size_diff()) : "-"});
  }
  return t.Render({0, 1, 6, 8, 9, 10});
}

std::string TwinTotalsText(const v1::RunSummary& s) {
  if (!s.has_twin()) return "";
  std::string out =
      absl::StrCat("Paper twin: ", SharesText(s.twin_filled_shares()), " shares for ",
                   Dollars(s.twin_notional()), "; live: ", SharesText(s.twin_live_filled_shares()),
                   " for ", Dollars(s.twin_live_notional()));
  if (!s.twin_slippage_bps().empty()) {
    absl::StrAppend(&out, "; slippage ", SignedBps(s.twin_slippage_bps()), " bps (",
                    Dollars(s.twin_slippage_cost()), ") over ", s.twin_orders_compared(),
                    s.twin_orders_compared() == 1 ? " order" : " orders", " filled on both");
  }
  return out + "\n";
}

std::string LiveCountsText(const google::protobuf::RepeatedPtrField<v1::Order>& orders) {
  // The journal's states and not_sent, in the order an order passes through them; the
  // summary's own counts cover the venue's answers.
  struct Live {
    const char* status;
    const char* words;
  };
  static constexpr Live kStatuses[] = {
      {"new", "new"},         {"signed", "signed"},   {"submitting", "submitting"},
      {"delayed", "delayed"}, {"unknown", "unknown"}, {"not_sent", "not sent"}};
  std::vector<std::string> parts;
  for (const Live& live : kStatuses) {
    auto n = std::count_if(orders.begin(), orders.end(),
                           [&live](const v1::Order& o) { return o.status() == live.status; });
    if (n > 0) parts.push_back(absl::StrCat(n, " ", live.words));
  }
  if (parts.empty()) return "";
  return absl::StrCat("Live: ", absl::StrJoin(parts, ", "), "\n");
}

std::string WarningsText(const google::protobuf::RepeatedPtrField<v1::Violation>& warnings) {
  std::string out;
  for (const auto& w : warnings) {
    absl::StrAppend(&out, Colour("warning", "partially_filled"), ": ",
                    w.path().empty() ? "plan" : w.path(), ": ", w.message(), "\n");
  }
  return out;
}

std::string SummaryText(const v1::RunSummary& s) {
  std::ostringstream out;
  out << Bold("Run " + s.plan_id()) << "  " << s.mode() << "  " << Colour(s.status(), s.status())
      << "  " << s.started_at() << (s.finished_at().empty() ? "" : " → " + s.finished_at()) << "\n";
  if (!s.error_message().empty()) {
    out << (s.status() == "failed" ? "error: " : "note: ") << s.error_message() << "\n";
  }
  out << "Orders: " << s.orders_placed() << " placed, " << s.orders_filled() << " filled, "
      << s.orders_partially_filled() << " partially filled, " << s.orders_open() << " open, "
      << s.orders_rejected() << " rejected\n";
  if (s.mode() == "live") out << LiveCountsText(s.orders());
  if (s.triggers_armed() > 0) {
    out << "Triggers: " << s.triggers_armed()
        << " armed with the run; each tick watches them (omsctl triggers list --plan "
        << s.plan_id() << ")\n";
  }
  out << "Bought " << Dollars(s.notional_bought()) << "   Sold " << Dollars(s.notional_sold())
      << "   Realized P&L " << Dollars(s.realized_pnl()) << "\n";
  out << TwinTotalsText(s);
  out << WarningsText(s.warnings());
  if (s.orders_size() > 0) out << "\n" << OrdersTable(s.orders(), false);
  if (s.positions_size() > 0) out << "\nPositions\n" << PositionsTable(s.positions());
  return out.str();
}

}  // namespace betteroms::omsctl
