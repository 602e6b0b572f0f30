#include "clients/omsctl/views.h"

#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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

}  // namespace

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string PositionsTable(const google::protobuf::RepeatedPtrField<v1::Position>& positions) {
  Table t({"MODE", "TOKEN", "OUTCOME", "SHARES", "AVG", "COST", "REALIZED", "UNREALIZED", "MARK",
           "LIQ VALUE"});
  for (const auto& p : positions) {
    t.Add({p.mode(), ShortToken(p.market_token_id()), p.outcome(), SharesText(p.net_shares()),
           p.avg_price(), Dollars(p.cost_basis()), Dollars(p.realized_pnl()),
           OrDash(Dollars(p.unrealized_pnl())), OrDash(p.mark_price()),
           OrDash(Dollars(p.liquidation_value()))});
  }
  return t.Render({3, 4, 5, 6, 7, 8, 9});
}

std::string OrdersTable(const google::protobuf::RepeatedPtrField<v1::Order>& orders,
                        bool with_plan) {
  std::vector<std::string> header = {"ID",    "#",        "SIDE",  "TYPE", "TIF",
                                     "TOKEN", "OUTCOME",  "LIMIT", "SIZE", "FILLED",
                                     "AVG",   "NOTIONAL", "STATUS"};
  if (with_plan) header.insert(header.begin() + 1, "PLAN");
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
    t.Add(row);
  }
  size_t shift = with_plan ? 1 : 0;
  std::string out =
      t.Render({0, 1 + shift, 7 + shift, 8 + shift, 9 + shift, 10 + shift, 11 + shift});
  for (const auto& o : orders) {
    if (!o.reason().empty()) out += absl::StrCat("  order ", o.id(), ": ", o.reason(), "\n");
  }
  return out;
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
  if (!s.error_message().empty()) out << "error: " << s.error_message() << "\n";
  out << "Orders: " << s.orders_placed() << " placed, " << s.orders_filled() << " filled, "
      << s.orders_partially_filled() << " partially filled, " << s.orders_open() << " open, "
      << s.orders_rejected() << " rejected\n";
  out << "Bought " << Dollars(s.notional_bought()) << "   Sold " << Dollars(s.notional_sold())
      << "   Realized P&L " << Dollars(s.realized_pnl()) << "\n";
  out << WarningsText(s.warnings());
  if (s.orders_size() > 0) out << "\n" << OrdersTable(s.orders(), false);
  if (s.positions_size() > 0) out << "\nPositions\n" << PositionsTable(s.positions());
  return out.str();
}

}  // namespace betteroms::omsctl
