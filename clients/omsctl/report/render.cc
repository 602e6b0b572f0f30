#include "clients/omsctl/report/render.h"

#include <map>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/report/html.h"
#include "clients/omsctl/report/svg.h"
#include "common/decimal.h"
#include "common/time.h"

namespace betteroms::omsctl::report {
namespace {

constexpr char kStyle[] = R"css(
body{margin:0;background:#f3f5f8;color:#1f2933;
  font:15px/1.45 "DejaVu Sans","Segoe UI",Helvetica,Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:20px;margin:0 0 12px}
h3{font-size:17px;margin:18px 0 8px}
.meta,.note{color:#52606d;font-size:13px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:10px 16px;min-width:170px}
.card .label{color:#52606d;font-size:13px}
.card .value{font-size:22px;font-weight:700}
.pos{color:#2b8a3e}.neg{color:#c92a2a}
section{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:16px 20px;margin:16px 0}
table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0 10px}
th{color:#52606d;font-weight:600;background:#f8f9fb}
th,td{padding:5px 9px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.mono{font-family:"DejaVu Sans Mono",monospace;font-size:13px}
.charts{display:flex;flex-wrap:wrap;gap:12px}
svg.chart{max-width:100%;height:auto;display:block;background:#fff}
svg text{fill:#323f4b;font-family:"DejaVu Sans","Segoe UI",Helvetica,Arial,sans-serif}
.chart-title{font-size:16px;font-weight:700}
.depth-chart .chart-title{font-size:14px}
.tick{font-size:12px;fill:#52606d}
.axis-label{font-size:13px;fill:#3e4c59}
.legend-text{font-size:13px}
.end-label{font-size:13px;font-weight:700;fill:#1f4e96}
.empty{font-size:15px;fill:#7b8794;font-style:italic}
line.grid{stroke:#e4e7eb;stroke-width:1}
line.zero{stroke:#7b8794;stroke-width:1.5;stroke-dasharray:5 4}
line.axis{stroke:#52606d;stroke-width:1.2}
line.mid{stroke:#7b8794;stroke-width:1;stroke-dasharray:3 3}
path.series{fill:none;stroke-width:2.5;stroke-linejoin:round}
line.series{stroke-width:3}
.series.total{stroke:#1f4e96}
.series.realized{stroke:#2f9e44}
.series.unrealized{stroke:#e8590c;stroke-dasharray:7 4}
circle.pt{stroke:#fff;stroke-width:1}
circle.total{fill:#1f4e96}circle.realized{fill:#2f9e44}circle.unrealized{fill:#e8590c}
.depth.bids{fill:rgba(47,158,68,.22);stroke:#2f9e44;stroke-width:2}
.depth.asks{fill:rgba(224,49,49,.18);stroke:#e03131;stroke-width:2}
.fill-marker{stroke:#fff;stroke-width:1.2}
.fill-marker.buy{fill:#1c7ed6}.fill-marker.sell{fill:#9c36b5}
.buy-text{fill:#1c7ed6}.sell-text{fill:#9c36b5}
.fill-label{font-size:12px;font-weight:700}
line.fill-line{stroke-width:1.2;stroke-dasharray:2 3}
line.fill-line.buy{stroke:#1c7ed6}line.fill-line.sell{stroke:#9c36b5}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;font-size:12px;font-weight:600;
  background:#e4e7eb;color:#3e4c59;margin-left:6px}
.badge.completed{background:#d3f9d8;color:#2b8a3e}.badge.failed{background:#ffe3e3;color:#c92a2a}
.badge.live{background:#fff3bf;color:#8f5a00}.badge.running{background:#d0ebff;color:#1864ab}
.nothing{color:#52606d;font-style:italic}
)css";

int64_t Micros(const std::string& decimal) {
  absl::StatusOr<int64_t> v = ParseMicros(decimal);
  return v.ok() ? *v : 0;
}

// The css class of a signed amount.
const char* Sign(int64_t micros) { return micros > 0 ? "pos" : micros < 0 ? "neg" : ""; }

std::string Td(absl::string_view text, absl::string_view css = "") {
  return Element("td", css, text);
}
std::string Th(absl::string_view text, absl::string_view css = "") {
  return Element("th", css, text);
}
std::string Money(const std::string& decimal) { return decimal.empty() ? "-" : Dollars(decimal); }
std::string Dash(const std::string& text) { return text.empty() ? "-" : text; }

std::string Card(absl::string_view label, absl::string_view value, absl::string_view css) {
  return absl::StrCat("<div class=\"card\"><div class=\"label\">", Escape(label),
                      "</div><div class=\"value ", css, "\">", Escape(value), "</div></div>");
}

int64_t Millis(const std::string& rfc3339) {
  absl::StatusOr<absl::Time> t = ParseTime(rfc3339);
  return t.ok() ? absl::ToUnixMillis(*t) : 0;
}

int OpenPositions(const v1::Report& report, const std::string& mode) {
  int n = 0;
  for (const v1::Position& p : report.positions()) {
    if (p.mode() == mode && Micros(p.net_shares()) > 0) ++n;
  }
  return n;
}

std::string EquitySection(const v1::Report& report) {
  std::string out = "<section class=\"equity\"><h2>Equity curve</h2>";
  if (report.equity().empty()) {
    absl::StrAppend(&out, "<p class=\"nothing\">No fills yet: nothing to draw.</p></section>");
    return out;
  }
  for (const v1::EquityCurve& curve : report.equity()) {
    LineSeries total{"total", "total", {}}, realized{"realized", "realized", {}},
        unrealized{"unrealized", "unrealized", {}};
    for (const v1::EquityPoint& p : curve.points()) {
      int64_t t = Millis(p.time());
      int64_t r = Micros(p.realized()), u = Micros(p.unrealized());
      total.points.push_back({t, r + u});
      realized.points.push_back({t, r});
      unrealized.points.push_back({t, u});
    }
    if (!curve.points().empty()) {
      const v1::EquityPoint& now = *curve.points().rbegin();
      int64_t r = Micros(now.realized()), u = Micros(now.unrealized());
      absl::StrAppend(
          &out, "<div class=\"cards\">",
          Card(curve.mode() + ": total P&L now", Dollars(FormatMicros(r + u)), Sign(r + u)),
          Card("realized", Dollars(now.realized()), Sign(r)),
          Card("unrealized", Dollars(now.unrealized()), Sign(u)),
          Card("open positions", std::to_string(OpenPositions(report, curve.mode())), ""),
          "</div>");
    }
    LineChart chart{absl::StrCat("Equity, ", curve.mode(), " (realized + unrealized P&L)"),
                    "equity-curve",
                    {std::move(total), std::move(realized), std::move(unrealized)}};
    absl::StrAppend(&out, RenderLineChart(chart));
  }
  absl::StrAppend(&out, "<p class=\"note\"><b>How positions are marked.</b> ",
                  Escape(report.marking_rule()), "</p></section>");
  return out;
}

std::string PositionsSection(const v1::Report& report) {
  std::string out = "<section class=\"positions\"><h2>Positions</h2>";
  if (report.positions().empty()) {
    absl::StrAppend(&out, "<p class=\"nothing\">No positions yet.</p></section>");
    return out;
  }
  absl::StrAppend(&out, "<table class=\"positions-table\"><tr>", Th("mode"), Th("token"),
                  Th("outcome"), Th("shares", "num"), Th("avg price", "num"),
                  Th("cost basis", "num"), Th("mark", "num"), Th("realized", "num"),
                  Th("unrealized", "num"), Th("note"), "</tr>");
  for (const v1::Position& p : report.positions()) {
    std::string note;
    if (p.resolved()) note = p.payout().empty() ? "market closed" : "closed, pays " + p.payout();
    if (Micros(p.pending_shares()) != 0) {
      absl::StrAppend(&note, note.empty() ? "" : "; ", p.pending_shares(), " pending");
    }
    absl::StrAppend(
        &out, "<tr>", Td(p.mode()), "<td class=\"mono\" title=\"", Escape(p.market_token_id()),
        "\">", Escape(ShortToken(p.market_token_id())), "</td>", Td(p.outcome()),
        Td(SharesText(p.net_shares()), "num"), Td(Dash(p.avg_price()), "num"),
        Td(Money(p.cost_basis()), "num"), Td(Dash(p.mark_price()), "num"),
        Td(Money(p.realized_pnl()), absl::StrCat("num ", Sign(Micros(p.realized_pnl())))),
        Td(Money(p.unrealized_pnl()), absl::StrCat("num ", Sign(Micros(p.unrealized_pnl())))),
        Td(note), "</tr>");
  }
  absl::StrAppend(&out, "</table></section>");
  return out;
}

std::string OrdersTable(const v1::ReportRun& run) {
  std::string out = absl::StrCat("<table class=\"orders-table\"><tr>", Th("#", "num"), Th("side"),
                                 Th("type"), Th("token"), Th("outcome"), Th("status"),
                                 Th("size", "num"), Th("filled", "num"), Th("avg price", "num"),
                                 Th("notional", "num"), Th("fills", "num"), Th("reason"), "</tr>");
  for (const v1::Order& o : run.orders()) {
    absl::StrAppend(&out, "<tr>", Td(std::to_string(o.trade_index()), "num"), Td(o.side()),
                    Td(absl::StrCat(o.order_type(), " ", o.time_in_force())),
                    "<td class=\"mono\" title=\"", Escape(o.market_token_id()), "\">",
                    Escape(ShortToken(o.market_token_id())), "</td>", Td(o.outcome()),
                    Td(o.status()), Td(SharesText(o.size_shares()), "num"),
                    Td(SharesText(o.filled_shares()), "num"), Td(Dash(o.avg_fill_price()), "num"),
                    Td(Money(o.notional()), "num"), Td(std::to_string(o.fills_size()), "num"),
                    Td(o.reason().empty() ? o.venue_error() : o.reason()), "</tr>");
  }
  absl::StrAppend(&out, "</table>");
  return out;
}

// The venue stamps books in unix milliseconds; other stamps are shown as they are.
std::string BookTime(const std::string& stamp) {
  int64_t ms = 0;
  if (stamp.empty()) return "an unknown time";
  if (stamp.size() < 12 || !absl::SimpleAtoi(stamp, &ms)) return stamp;
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

// Each stored book of the run with the fills priced on it: a fill names its book, and a live
// fill (which names none) is drawn on its order's paper-twin book, read just before it was sent.
std::string DepthCharts(const v1::ReportRun& run) {
  if (run.books().empty()) {
    return "<p class=\"nothing\">No stored book snapshot for this run's fills.</p>";
  }
  std::string out = "<div class=\"charts\">";
  for (const v1::Book& book : run.books()) {
    DepthChart chart;
    chart.title = absl::StrCat("Book ", ShortToken(book.market_token_id()), " at ",
                               BookTime(book.timestamp()));
    for (const auto& l : book.bids()) chart.bids.push_back({Micros(l.price()), Micros(l.size())});
    for (const auto& l : book.asks()) chart.asks.push_back({Micros(l.price()), Micros(l.size())});
    for (const v1::Order& o : run.orders()) {
      if (o.market_token_id() != book.market_token_id()) continue;
      int64_t cumulative = 0;
      for (const v1::Fill& f : o.fills()) {
        bool on_book = f.book_hash().empty() ? o.twin_book_hash() == book.hash()
                                             : f.book_hash() == book.hash();
        if (!on_book) continue;
        cumulative += Micros(f.shares());
        chart.fills.push_back(
            {Micros(f.price()), Micros(f.shares()), cumulative, o.side() == "BUY"});
      }
    }
    absl::StrAppend(&out, RenderDepthChart(chart));
  }
  absl::StrAppend(&out, "</div>");
  return out;
}

std::string SignedText(const std::string& decimal) {
  if (decimal.empty()) return "-";
  return decimal[0] == '-' ? decimal : "+" + decimal;
}

std::string TwinTable(const v1::ReportRun& run) {
  const v1::RunSummary& s = run.run().summary();
  std::string out = "<div class=\"twin-slippage\"><h3>Slippage against the paper twin</h3>";
  if (!s.has_twin()) {
    absl::StrAppend(&out,
                    "<p class=\"nothing\">No paper twin was kept for this run's orders.</p></div>");
    return out;
  }
  std::string verdict =
      s.twin_slippage_bps().empty()
          ? std::string("No order filled both live and on paper: no slippage to compare.")
          : absl::StrCat("Live fills cost ", Dollars(s.twin_slippage_cost()), " (",
                         SignedText(s.twin_slippage_bps()), " bps) beyond their paper twins over ",
                         s.twin_orders_compared(), " order(s) filled on both (",
                         Dollars(s.twin_compared_notional()),
                         " at twin prices); positive is worse for the trader.");
  absl::StrAppend(&out, "<p>", Escape(verdict), "</p><table class=\"twin-table\"><tr>",
                  Th("#", "num"), Th("side"), Th("live filled", "num"), Th("live avg", "num"),
                  Th("twin status"), Th("twin filled", "num"), Th("twin avg", "num"),
                  Th("price diff (bps)", "num"), Th("size diff", "num"), "</tr>");
  for (const v1::Order& o : run.orders()) {
    if (o.twin_status().empty()) continue;
    absl::StrAppend(&out, "<tr>", Td(std::to_string(o.trade_index()), "num"), Td(o.side()),
                    Td(SharesText(o.filled_shares()), "num"), Td(Dash(o.avg_fill_price()), "num"),
                    Td(o.twin_status()), Td(SharesText(o.twin_filled_shares()), "num"),
                    Td(Dash(o.twin_avg_price()), "num"),
                    Td(SignedText(o.twin_price_diff_bps()), "num"),
                    Td(SignedText(o.twin_size_diff()), "num"), "</tr>");
  }
  absl::StrAppend(&out, "</table></div>");
  return out;
}

std::string RunsSection(const v1::Report& report) {
  std::string out = "<section class=\"runs\"><h2>Runs</h2>";
  if (report.runs().empty()) {
    absl::StrAppend(&out, "<p class=\"nothing\">No runs yet.</p></section>");
    return out;
  }
  for (const v1::ReportRun& r : report.runs()) {
    const v1::Run& run = r.run();
    absl::StrAppend(&out, "<div class=\"run\"><h3>", Escape(run.plan_id()), "<span class=\"badge ",
                    Escape(run.mode()), "\">", Escape(run.mode()), "</span><span class=\"badge ",
                    Escape(run.status()), "\">", Escape(run.status()),
                    "</span></h3><p class=\"meta\">started ", Escape(run.started_at()),
                    run.finished_at().empty() ? "" : ", finished ", Escape(run.finished_at()),
                    " · ", run.trade_count(), " trade(s), ", r.orders_size(), " order(s)</p>");
    if (!run.error_message().empty()) {
      absl::StrAppend(&out, "<p class=\"neg\">", Escape(run.error_message()), "</p>");
    }
    if (!r.orders().empty()) absl::StrAppend(&out, OrdersTable(r), DepthCharts(r));
    if (run.mode() == "live") absl::StrAppend(&out, TwinTable(r));
    absl::StrAppend(&out, "</div>");
  }
  absl::StrAppend(&out, "</section>");
  return out;
}

}  // namespace

std::string RenderReport(const v1::Report& report) {
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>BetterOMS report</title><style>",
      kStyle, "</style></head><body><main><header><h1>BetterOMS report</h1><p class=\"meta\">",
      "generated ", Escape(report.generated_at()), " · mode ",
      Escape(report.mode().empty() ? "paper and live" : report.mode()),
      report.since().empty() ? "" : " · runs and curve since ", Escape(report.since()),
      "</p></header>");
  if (report.equity().empty() && report.positions().empty() && report.runs().empty()) {
    absl::StrAppend(&out,
                    "<section class=\"nothing-yet\"><h2>Nothing yet</h2><p class=\"nothing\">"
                    "This database holds no fills, positions or runs",
                    report.since().empty() ? "" : " in this period",
                    ". Submit a plan (omsctl plan submit FILE) and run the report again.</p>"
                    "</section>");
  } else {
    absl::StrAppend(&out, EquitySection(report), PositionsSection(report), RunsSection(report));
  }
  if (!report.note().empty()) {
    absl::StrAppend(&out, "<p class=\"note\">Incomplete: ", Escape(report.note()), "</p>");
  }
  absl::StrAppend(&out, "</main></body></html>\n");
  return out;
}

}  // namespace betteroms::omsctl::report
