// omsctl report's page from a Report message: escaped server text, one path point per equity
// value, fills marked on their books, the twin table for live runs, a page for an empty database,
// and nothing that reaches the network or runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "clients/omsctl/report/html.h"
#include "clients/omsctl/report/render.h"
#include "clients/omsctl/report/svg.h"

namespace betteroms::omsctl::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The `d` attribute of the first <path> whose class is `css`.
std::string PathData(const std::string& html, const std::string& css) {
  std::smatch m;
  std::regex re("<path class=\"" + css + "\"[^>]* d=\"([^\"]*)\"");
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

v1::Report CurveOf(int n) {
  v1::Report r;
  r.set_generated_at("2026-11-30T12:00:00.000Z");
  v1::EquityCurve* c = r.add_equity();
  c->set_mode("paper");
  for (int i = 0; i < n; ++i) {
    v1::EquityPoint* p = c->add_points();
    p->set_time("2026-11-30T1" + std::to_string(i % 10) + ":00:00.000Z");
    p->set_realized(std::to_string(i) + ".25");
    p->set_unrealized(i % 2 ? "-1.5" : "0.75");
  }
  c->mutable_points()->rbegin()->set_now(true);
  return r;
}

v1::ReportRun* RunWithBook(v1::Report& r, const std::string& mode) {
  v1::ReportRun* run = r.add_runs();
  run->mutable_run()->set_plan_id("plan-1");
  run->mutable_run()->set_mode(mode);
  run->mutable_run()->set_status("completed");
  v1::Book* book = run->add_books();
  book->set_market_token_id(
      "71321045679252212594626385532706912750332728571942532289631379312455583992563");
  book->set_hash("h1");
  using Levels = std::vector<std::pair<std::string, std::string>>;
  for (const auto& [p, s] : Levels{{"0.48", "100"}, {"0.47", "500"}}) {
    auto* l = book->add_bids();
    l->set_price(p);
    l->set_size(s);
  }
  for (const auto& [p, s] : Levels{{"0.5", "10"}, {"0.52", "20"}, {"0.99", "1000"}}) {
    auto* l = book->add_asks();
    l->set_price(p);
    l->set_size(s);
  }
  v1::Order* o = run->add_orders();
  o->set_market_token_id(book->market_token_id());
  o->set_side("BUY");
  o->set_status("filled");
  for (const auto& [p, s] : Levels{{"0.5", "10"}, {"0.52", "9.615384"}}) {
    v1::Fill* f = o->add_fills();
    f->set_price(p);
    f->set_shares(s);
    f->set_book_hash(mode == "paper" ? "h1" : "");
  }
  if (mode == "live") o->set_twin_book_hash("h1");
  return run;
}

TEST(ReportHtml, EscapesEveryCharacterThatCouldOpenMarkup) {
  EXPECT_EQ(Escape(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(ReportHtml, ServerTextIsEscapedWherePlanIdsAndMessagesAppear) {
  v1::Report r;
  v1::ReportRun* run = RunWithBook(r, "paper");
  run->mutable_run()->set_plan_id("p<b>1");
  run->mutable_run()->set_error_message("<script>alert('x')</script>");
  run->mutable_orders(0)->set_reason("limit \"0.5\" & more");
  r.set_note("<img src=x onerror=alert(1)>");
  std::string html = RenderReport(r);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("p<b>1")));
  EXPECT_THAT(html, HasSubstr("p&lt;b&gt;1"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("limit &quot;0.5&quot; &amp; more"));
}

TEST(ReportHtml, TheEquityPathHasOnePointPerValue) {
  for (int n : {1, 2, 7, 40}) {
    std::string html = RenderReport(CurveOf(n));
    for (const char* series : {"series total", "series realized", "series unrealized"}) {
      std::string d = PathData(html, series);
      ASSERT_FALSE(d.empty()) << series << " with " << n << " points";
      EXPECT_EQ(Count(d, "M") + Count(d, "L"), n) << series << ": " << d;
      EXPECT_EQ(Count(d, "M"), 1);
    }
    EXPECT_THAT(html, HasSubstr("class=\"chart equity-curve\""));
  }
}

TEST(ReportHtml, AmountsAreShownFromTheirDecimalText) {
  // As a double 12345678901.005 is 12345678901.00499916…, which would show as ….00.
  v1::Report r = CurveOf(3);
  r.mutable_equity(0)->mutable_points(2)->set_realized("12345678900.002");
  r.mutable_equity(0)->mutable_points(2)->set_unrealized("1.003");
  std::string html = RenderReport(r);
  EXPECT_THAT(html, HasSubstr("$12,345,678,900.00"));      // realized now
  EXPECT_THAT(html, HasSubstr("now $12,345,678,901.01"));  // total, summed exactly
}

TEST(ReportHtml, EachFillIsMarkedOnTheBookItWasPricedOn) {
  v1::Report r;
  RunWithBook(r, "paper");
  std::string html = RenderReport(r);
  EXPECT_EQ(Count(html, "class=\"chart depth-chart\""), 1);
  EXPECT_EQ(Count(html, "<path class=\"fill-marker buy\""), 2);
  EXPECT_THAT(html, HasSubstr("<path class=\"depth bids\""));
  EXPECT_THAT(html, HasSubstr("<path class=\"depth asks\""));
  EXPECT_THAT(html, HasSubstr("mid 0.49"));
  // A paper run has no twin table.
  EXPECT_THAT(html, Not(HasSubstr("twin-slippage")));
  // A fill priced on another book is not drawn on this one.
  r.mutable_runs(0)->mutable_orders(0)->mutable_fills(1)->set_book_hash("other");
  EXPECT_EQ(Count(RenderReport(r), "<path class=\"fill-marker buy\""), 1);
}

TEST(ReportHtml, LiveRunsShowTheirFillsOnTheTwinBookAndTheSlippage) {
  v1::Report r;
  v1::ReportRun* run = RunWithBook(r, "live");
  v1::RunSummary* s = run->mutable_run()->mutable_summary();
  s->set_has_twin(true);
  s->set_twin_orders_compared(1);
  s->set_twin_slippage_bps("12.5");
  s->set_twin_slippage_cost("0.031");
  s->set_twin_compared_notional("9.99");
  run->mutable_orders(0)->set_twin_status("filled");
  run->mutable_orders(0)->set_twin_price_diff_bps("12.5");
  std::string html = RenderReport(r);
  EXPECT_EQ(Count(html, "<path class=\"fill-marker buy\""), 2);
  EXPECT_THAT(html, HasSubstr("class=\"twin-slippage\""));
  EXPECT_THAT(html, HasSubstr("+12.5 bps"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">+12.5</td>"));
}

TEST(ReportHtml, AnEmptyDatabaseGivesAPageSayingSo) {
  v1::Report r;
  r.set_generated_at("2026-11-30T12:00:00.000Z");
  std::string html = RenderReport(r);
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("Nothing yet"));
  EXPECT_THAT(html, Not(HasSubstr("<svg")));
  EXPECT_THAT(html, HasSubstr("</html>"));
}

TEST(ReportHtml, ThePageNeedsNoNetworkAndRunsNoScript) {
  v1::Report r = CurveOf(5);
  RunWithBook(r, "paper");
  std::string html = RenderReport(r);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  // The only URL is the SVG namespace, which is a name, not a fetch.
  EXPECT_EQ(Count(html, "http"), Count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
}

TEST(ReportSvg, NiceTicksCoverTheRangeInRoundSteps) {
  Ticks t = NiceTicks(-1'230'000, 4'560'000, 5);
  EXPECT_LE(t.lo, -1'230'000);
  EXPECT_GE(t.hi, 4'560'000);
  EXPECT_EQ(t.step, 2'000'000);
  EXPECT_EQ(t.lo % t.step, 0);
  EXPECT_LE((t.hi - t.lo) / t.step, 5);
  Ticks prices = NiceTicks(460'000, 540'000, 6);
  EXPECT_EQ(prices.step, 20'000);
}

}  // namespace
}  // namespace betteroms::omsctl::report
