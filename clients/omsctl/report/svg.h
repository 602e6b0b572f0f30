// Inline SVG charts for the report: an equity line chart and an order-book depth chart. Values
// stay exact (micro-units, unix milliseconds) and become doubles only as pixel coordinates; every
// label is formatted from the exact value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace betteroms::omsctl::report {

// Ticks over a range: from `lo` to `hi` by `step`, each a multiple of `step`.
struct Ticks {
  int64_t lo = 0;
  int64_t hi = 0;
  int64_t step = 1;
};

// Ticks covering [lo, hi] in about `target` steps of 1, 2 or 5 × 10^k (lo < hi).
Ticks NiceTicks(int64_t lo, int64_t hi, int target);

struct LinePoint {
  int64_t t = 0;  // unix milliseconds
  int64_t v = 0;  // collateral micro-units
};

struct LineSeries {
  std::string name;       // for the legend
  std::string css_class;  // the path's class: its colour
  std::vector<LinePoint> points;
};

struct LineChart {
  std::string title;
  std::string css_class;  // the <svg>'s class, e.g. "equity-curve"
  std::vector<LineSeries> series;
};

// A line chart over time with a money axis, gridlines, a zero line and a legend. Each series is
// one <path> with one point per value; fewer than two points in all draws the points alone.
std::string RenderLineChart(const LineChart& chart);

struct DepthLevel {
  int64_t price = 0;  // micro-units of 1
  int64_t size = 0;   // shares, micro-units
};

struct DepthFill {
  int64_t price = 0;
  int64_t shares = 0;      // this fill's
  int64_t cumulative = 0;  // the order's shares filled up to and including this fill
  bool buy = true;
};

struct DepthChart {
  std::string title;
  std::vector<DepthLevel> bids;  // best (highest) first
  std::vector<DepthLevel> asks;  // best (lowest) first
  std::vector<DepthFill> fills;
};

// Cumulative bid and ask depth as steps either side of the spread, with the fills marked where
// they traded (BUY ▲, SELL ▼). The price axis spans the book near the spread and every fill.
std::string RenderDepthChart(const DepthChart& chart);

}  // namespace betteroms::omsctl::report
