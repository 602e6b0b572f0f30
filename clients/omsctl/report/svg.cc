#include "clients/omsctl/report/svg.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/report/html.h"
#include "common/decimal.h"

namespace betteroms::omsctl::report {
namespace {

// Plot area inside an SVG of width × height, margins around it.
struct Frame {
  double width, height, left, right, top, bottom;
  double PlotWidth() const { return width - left - right; }
  double PlotHeight() const { return height - top - bottom; }
};

// Maps an exact value in [lo, hi] onto [from, to] pixels; the only place a value becomes a double.
double Scale(int64_t v, int64_t lo, int64_t hi, double from, double to) {
  if (hi == lo) return from;
  return from + (to - from) * static_cast<double>(v - lo) / static_cast<double>(hi - lo);
}

std::string Num(double px) { return absl::StrFormat("%.1f", px); }

int64_t FloorTo(int64_t v, int64_t step) {
  int64_t q = v / step;
  if (v % step != 0 && v < 0) --q;
  return q * step;
}

int64_t CeilTo(int64_t v, int64_t step) {
  int64_t q = v / step;
  if (v % step != 0 && v > 0) ++q;
  return q * step;
}

std::string Money(int64_t micros) { return Dollars(FormatMicros(micros)); }

// A time-axis step in milliseconds: the first of these (seconds) giving at most `target` steps
// over `span` milliseconds.
int64_t TimeStep(int64_t span, int target) {
  constexpr int64_t kSteps[] = {1,     2,     5,      10,     15,      30,      60,     120,
                                300,   600,   900,    1800,   3600,    7200,    10800,  21600,
                                43200, 86400, 172800, 604800, 1209600, 2592000, 7776000};
  for (int64_t s : kSteps) {
    if (span / (s * 1000) <= target) return s * 1000;
  }
  return CeilTo(span / target, int64_t{2592000} * 1000);
}

std::string TimeLabel(int64_t t, int64_t span, int64_t step) {
  constexpr int64_t kMinute = 60'000, kDay = 86'400'000;
  const char* format = "%b %d";
  if (span < kDay) {
    format = step < kMinute ? "%H:%M:%S" : "%H:%M";
  } else if (step < kDay) {
    format = "%b %d %H:%M";
  }
  return absl::FormatTime(format, absl::FromUnixMillis(t), absl::UTCTimeZone());
}

std::string Text(double x, double y, absl::string_view css, absl::string_view anchor,
                 absl::string_view text) {
  return absl::StrCat("<text x=\"", Num(x), "\" y=\"", Num(y), "\" class=\"", css,
                      "\" text-anchor=\"", anchor, "\">", Escape(text), "</text>");
}

std::string Line(double x1, double y1, double x2, double y2, absl::string_view css) {
  return absl::StrCat("<line x1=\"", Num(x1), "\" y1=\"", Num(y1), "\" x2=\"", Num(x2), "\" y2=\"",
                      Num(y2), "\" class=\"", css, "\"/>");
}

std::string OpenSvg(const Frame& f, absl::string_view css, absl::string_view title) {
  return absl::StrCat("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ", css,
                      "\" viewBox=\"0 0 ", Num(f.width), " ", Num(f.height), "\" width=\"",
                      Num(f.width), "\" height=\"", Num(f.height), "\" role=\"img\"><title>",
                      Escape(title), "</title>", Text(f.left, 22, "chart-title", "start", title));
}

}  // namespace

Ticks NiceTicks(int64_t lo, int64_t hi, int target) {
  if (hi <= lo) hi = lo + 1;
  int64_t raw = std::max<int64_t>(1, (hi - lo) / std::max(1, target));
  int64_t magnitude = 1;
  while (magnitude <= std::numeric_limits<int64_t>::max() / 10 && magnitude * 10 <= raw) {
    magnitude *= 10;
  }
  int64_t step = magnitude;
  for (int64_t m : {1, 2, 5, 10}) {
    step = magnitude * m;
    if (step >= raw && (hi - lo) / step <= target) break;
  }
  return {FloorTo(lo, step), CeilTo(hi, step), step};
}

std::string RenderLineChart(const LineChart& chart) {
  const Frame f{1080, 360, 100, 28, 56, 56};
  int64_t t0 = std::numeric_limits<int64_t>::max(), t1 = std::numeric_limits<int64_t>::min();
  int64_t v0 = 0, v1 = 0;  // the range always holds zero
  size_t count = 0;
  for (const LineSeries& s : chart.series) {
    for (const LinePoint& p : s.points) {
      t0 = std::min(t0, p.t);
      t1 = std::max(t1, p.t);
      v0 = std::min(v0, p.v);
      v1 = std::max(v1, p.v);
      ++count;
    }
  }
  std::string out = OpenSvg(f, chart.css_class, chart.title);
  if (count == 0) {
    absl::StrAppend(&out, Text(f.width / 2, f.height / 2, "empty", "middle", "no points yet"),
                    "</svg>");
    return out;
  }
  if (t1 - t0 < 10'000) {  // one instant, or a few seconds: a window of ten seconds at least
    int64_t pad = (10'000 - (t1 - t0)) / 2;
    t0 -= pad;
    t1 += pad;
  }
  if (v1 - v0 < 10'000) v1 = v0 + 10'000;  // at least a cent of scale
  Ticks y = NiceTicks(v0, v1, 5);
  const double px0 = f.left, px1 = f.width - f.right;
  const double py0 = f.height - f.bottom, py1 = f.top;
  auto X = [&](int64_t t) { return Scale(t, t0, t1, px0, px1); };
  auto Y = [&](int64_t v) { return Scale(v, y.lo, y.hi, py0, py1); };

  // Grid and money axis.
  for (int64_t v = y.lo; v <= y.hi; v += y.step) {
    absl::StrAppend(&out, Line(px0, Y(v), px1, Y(v), v == 0 ? "zero" : "grid"),
                    Text(px0 - 8, Y(v) + 4, "tick", "end", Money(v)));
  }
  // Time axis.
  int64_t step = TimeStep(t1 - t0, 6);
  for (int64_t t = CeilTo(t0, step); t <= t1; t += step) {
    absl::StrAppend(&out, Line(X(t), py0, X(t), py1, "grid"),
                    Text(X(t), py0 + 18, "tick", "middle", TimeLabel(t, t1 - t0, step)));
  }
  absl::StrAppend(&out, Line(px0, py0, px1, py0, "axis"), Line(px0, py0, px0, py1, "axis"),
                  Text((px0 + px1) / 2, f.height - 10, "axis-label", "middle", "time (UTC)"),
                  "<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(18,",
                  Num((py0 + py1) / 2), ") rotate(-90)\">P&amp;L (USDC)</text>");

  // Legend, right-aligned above the plot: a short line and the name of each series.
  auto legend_width = [](const LineSeries& s) {
    return 34 + 7.5 * static_cast<double>(s.name.size());
  };
  double lx = px1;
  for (const LineSeries& s : chart.series) lx -= legend_width(s);
  for (const LineSeries& s : chart.series) {
    absl::StrAppend(&out, "<g class=\"legend\">",
                    Line(lx, 40, lx + 22, 40, absl::StrCat("series ", s.css_class)),
                    Text(lx + 28, 44, "legend-text", "start", s.name), "</g>");
    lx += legend_width(s);
  }

  for (const LineSeries& s : chart.series) {
    if (s.points.empty()) continue;
    std::string d;
    for (size_t i = 0; i < s.points.size(); ++i) {
      absl::StrAppend(&d, i == 0 ? "M" : " L", Num(X(s.points[i].t)), " ", Num(Y(s.points[i].v)));
    }
    absl::StrAppend(&out, "<path class=\"series ", s.css_class, "\" data-points=\"",
                    s.points.size(), "\" d=\"", d, "\"/>");
    if (count <= 400) {
      for (const LinePoint& p : s.points) {
        absl::StrAppend(&out, "<circle class=\"pt ", s.css_class, "\" cx=\"", Num(X(p.t)),
                        "\" cy=\"", Num(Y(p.v)), "\" r=\"3\"><title>", Escape(s.name), " ",
                        Escape(Money(p.v)), "</title></circle>");
      }
    }
  }
  // The first series' last value, written beside its end.
  if (!chart.series.empty() && !chart.series.front().points.empty()) {
    const LinePoint& last = chart.series.front().points.back();
    absl::StrAppend(&out, Text(X(last.t) - 6, Y(last.v) - 10, "end-label", "end",
                               absl::StrCat("now ", Money(last.v))));
  }
  out += "</svg>";
  return out;
}

std::string RenderDepthChart(const DepthChart& chart) {
  const Frame f{510, 330, 72, 18, 76, 50};
  std::string out = OpenSvg(f, "depth-chart", chart.title);
  if (chart.bids.empty() && chart.asks.empty() && chart.fills.empty()) {
    absl::StrAppend(&out, Text(f.width / 2, f.height / 2, "empty", "middle", "empty book"),
                    "</svg>");
    return out;
  }
  // The price window: the book within 0.15 of the spread, and every fill.
  std::optional<int64_t> bid, ask;
  if (!chart.bids.empty()) bid = chart.bids.front().price;
  if (!chart.asks.empty()) ask = chart.asks.front().price;
  int64_t centre = bid && ask ? (*bid + *ask) / 2 : bid ? *bid : ask ? *ask : 500'000;
  if (!bid && !ask) centre = chart.fills.front().price;
  constexpr int64_t kReach = 150'000;
  int64_t lo = centre, hi = centre;
  for (const DepthLevel& l : chart.bids) {
    if (l.price >= centre - kReach) lo = std::min(lo, l.price);
  }
  for (const DepthLevel& l : chart.asks) {
    if (l.price <= centre + kReach) hi = std::max(hi, l.price);
  }
  for (const DepthFill& fill : chart.fills) {
    lo = std::min(lo, fill.price);
    hi = std::max(hi, fill.price);
  }
  lo = std::max<int64_t>(0, lo - 10'000);
  hi = std::min<int64_t>(kMicro, hi + 10'000);
  Ticks x = NiceTicks(lo, hi, 6);
  x.lo = std::max<int64_t>(0, x.lo);
  x.hi = std::min<int64_t>(kMicro, x.hi);

  // Cumulative depth inside the window.
  int64_t depth = 0, bid_total = 0, ask_total = 0;
  for (const DepthLevel& l : chart.bids) {
    if (l.price >= x.lo) bid_total += l.size;
  }
  for (const DepthLevel& l : chart.asks) {
    if (l.price <= x.hi) ask_total += l.size;
  }
  depth = std::max(bid_total, ask_total);
  for (const DepthFill& fill : chart.fills) depth = std::max(depth, fill.cumulative);
  Ticks y = NiceTicks(0, std::max<int64_t>(depth, kMicro), 4);

  const double px0 = f.left, px1 = f.width - f.right;
  const double py0 = f.height - f.bottom, py1 = f.top;
  auto X = [&](int64_t p) { return Scale(p, x.lo, x.hi, px0, px1); };
  auto Y = [&](int64_t v) { return Scale(v, y.lo, y.hi, py0, py1); };
  for (int64_t v = y.lo; v <= y.hi; v += y.step) {
    absl::StrAppend(&out, Line(px0, Y(v), px1, Y(v), "grid"),
                    Text(px0 - 6, Y(v) + 4, "tick", "end", SharesText(FormatMicros(v))));
  }
  for (int64_t p = x.lo; p <= x.hi; p += x.step) {
    absl::StrAppend(&out, Line(X(p), py0, X(p), py0 + 5, "axis"),
                    Text(X(p), py0 + 18, "tick", "middle", FormatMicros(p)));
  }

  // One side's steps, from its best price outwards to the window's edge.
  auto side = [&](const std::vector<DepthLevel>& levels, bool bids) {
    int64_t edge = bids ? x.lo : x.hi;
    std::string d;
    int64_t cum = 0;
    bool started = false;
    for (const DepthLevel& l : levels) {
      if (bids ? l.price < x.lo : l.price > x.hi) break;
      if (!started) {
        absl::StrAppend(&d, "M", Num(X(l.price)), " ", Num(Y(0)));
        started = true;
      }
      absl::StrAppend(&d, " L", Num(X(l.price)), " ", Num(Y(cum)));
      cum += l.size;
      absl::StrAppend(&d, " L", Num(X(l.price)), " ", Num(Y(cum)));
    }
    if (!started) return std::string();
    absl::StrAppend(&d, " L", Num(X(edge)), " ", Num(Y(cum)), " L", Num(X(edge)), " ", Num(Y(0)),
                    " Z");
    return absl::StrCat("<path class=\"depth ", bids ? "bids" : "asks", "\" d=\"", d, "\"/>");
  };
  absl::StrAppend(&out, side(chart.bids, true), side(chart.asks, false));
  if (bid && ask) {
    int64_t mid = (*bid + *ask) / 2;
    absl::StrAppend(&out, Line(X(mid), py0, X(mid), py1, "mid"),
                    Text(X(mid) + 4, py1 + 12, "tick", "start", "mid " + FormatMicros(mid)));
  }
  // Each fill: a guide at its price, a marker where the order had filled that many shares, and
  // a label above the plot (staggered, so fills at close prices stay readable).
  for (size_t i = 0; i < chart.fills.size(); ++i) {
    const DepthFill& fill = chart.fills[i];
    const char* side = fill.buy ? "buy" : "sell";
    double cx = X(fill.price), cy = Y(fill.cumulative);
    double label_y = py1 - 6 - 13.0 * static_cast<double>(i % 2);
    std::string shape = fill.buy
                            ? absl::StrCat("M", Num(cx), " ", Num(cy - 8), " L", Num(cx + 7), " ",
                                           Num(cy + 5), " L", Num(cx - 7), " ", Num(cy + 5), " Z")
                            : absl::StrCat("M", Num(cx), " ", Num(cy + 8), " L", Num(cx + 7), " ",
                                           Num(cy - 5), " L", Num(cx - 7), " ", Num(cy - 5), " Z");
    std::string label =
        absl::StrCat(fill.buy ? "\u25B2 " : "\u25BC ", SharesText(FormatMicros(fill.shares)), " @ ",
                     FormatMicros(fill.price));
    absl::StrAppend(&out, Line(cx, py0, cx, label_y + 3, absl::StrCat("fill-line ", side)),
                    Text(cx, label_y, absl::StrCat("fill-label ", side, "-text"), "middle", label),
                    "<path class=\"fill-marker ", side, "\" d=\"", shape, "\"><title>",
                    fill.buy ? "BUY " : "SELL ", Escape(label), ", ",
                    SharesText(FormatMicros(fill.cumulative)),
                    " shares of the order so far</title></path>");
  }
  absl::StrAppend(&out, Line(px0, py0, px1, py0, "axis"), Line(px0, py0, px0, py1, "axis"),
                  Text((px0 + px1) / 2, f.height - 8, "axis-label", "middle", "price"),
                  "<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(14,",
                  Num((py0 + py1) / 2), ") rotate(-90)\">shares (cumulative)</text>");
  // Legend.
  absl::StrAppend(&out, "<g class=\"legend\">", "<rect class=\"depth bids\" x=\"", Num(px1 - 250),
                  "\" y=\"33\" width=\"12\" "
                  "height=\"10\"/>",
                  Text(px1 - 234, 42, "legend-text", "start", "bids"),
                  "<rect class=\"depth asks\" x=\"", Num(px1 - 190),
                  "\" y=\"33\" width=\"12\" "
                  "height=\"10\"/>",
                  Text(px1 - 174, 42, "legend-text", "start", "asks"),
                  Text(px1 - 128, 42, "legend-text buy-text", "start", "\u25B2 buy"),
                  Text(px1 - 66, 42, "legend-text sell-text", "start", "\u25BC sell"), "</g>");
  out += "</svg>";
  return out;
}

}  // namespace betteroms::omsctl::report
