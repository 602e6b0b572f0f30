// omsctl report end to end: paper plans through the real server, the report written by omsctl
// over gRPC, its last equity point against positions, and the file opened in a real headless
// Chromium, whose DOM must hold the charts and whose screenshot must not be blank.
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "absl/time/clock.h"
#include "common/decimal.h"
#include "common/time.h"
#include "tests/support/omsctl_fixture.h"
#include "tests/support/plans.h"
#include "tests/support/png.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kYes =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";
const std::string kNo =
    "52114319501245915516055106046884209969926127482827954674443846427813813222426";
const char kChromium[] = "/usr/bin/chromium";

int Occurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

int64_t Micros(const nlohmann::json& v) {
  absl::StatusOr<int64_t> m = ParseMicros(v.is_string() ? v.get<std::string>() : "0");
  EXPECT_TRUE(m.ok()) << v.dump();
  return m.value_or(0);
}

// Chromium with the flags that keep it off the network, in a fresh profile.
CommandResult Chromium(const TempDir& dir, const std::string& profile,
                       const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kChromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--user-data-dir=" + dir.File(profile)};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, {{"HOME", dir.path()}}, "", 60);
}

class ReportTest : public OmsctlTest {
 protected:
  // Two paper runs: a BUY of each token on one book, then a SELL of part of the YES shares on a
  // book that moved up.
  void TradeTwoRuns() {
    stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.48", "100"}, {"0.47", "500"}},
                                               {{"0.50", "10"}, {"0.52", "20"}, {"0.99", "1000"}}));
    stack_->clob().SetBook(kNo, VenueBookJson(kNo, {{"0.49", "100"}}, {{"0.51", "100"}}));
    CommandResult buy = Submit(PlanJson("report-buy", {TradeJson(kYes, "BUY", "MARKET", "10"),
                                                       TradeJson(kNo, "BUY", "MARKET", "5")}));
    ASSERT_EQ(buy.exit_code, 0) << buy.err;
    absl::SleepFor(absl::Milliseconds(1100));  // the runs' points a second apart
    between_ = FormatRfc3339(absl::Now());
    absl::SleepFor(absl::Milliseconds(100));
    stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.55", "100"}, {"0.54", "300"}},
                                               {{"0.57", "50"}, {"0.60", "200"}}));
    CommandResult sell = Submit(PlanJson(
        "report-sell", {TradeJson(kYes, "SELL", "MARKET", "5", R"(, "sizeUnit": "SHARES")")}));
    ASSERT_EQ(sell.exit_code, 0) << sell.err;
  }

  CommandResult Report(const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"report", "--out", html_};
    args.insert(args.end(), flags.begin(), flags.end());
    return stack_->Omsctl(args);
  }

  TempDir out_dir_;
  std::string html_ = out_dir_.File("report.html");
  std::string between_;
};

TEST_F(ReportTest, TheReportShowsEveryRunOnItsBooksAndEndsWhereThePositionsStand) {
  ASSERT_NO_FATAL_FAILURE(TradeTwoRuns());
  CommandResult r = Report({"--mode", "paper"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("report written to " + html_));
  std::string html = ReadTextFileForTest(html_);
  EXPECT_THAT(html, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart "
                              "equity-curve\""));
  // report-buy priced two books (one per token), report-sell one.
  EXPECT_EQ(Occurrences(html, "class=\"chart depth-chart\""), 3);
  EXPECT_EQ(Occurrences(html, "<path class=\"fill-marker buy\""), 3);  // 2 YES levels + 1 NO
  EXPECT_EQ(Occurrences(html, "<path class=\"fill-marker sell\""), 1);
  EXPECT_THAT(html, HasSubstr("report-buy"));
  EXPECT_THAT(html, HasSubstr("report-sell"));
  EXPECT_THAT(html, HasSubstr("How positions are marked"));
  // Written atomically: nothing but the report is left beside it.
  std::set<std::string> names;
  DIR* d = opendir(out_dir_.path().c_str());
  ASSERT_NE(d, nullptr);
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') names.insert(e->d_name);
  }
  closedir(d);
  EXPECT_EQ(names, std::set<std::string>{"report.html"});

  // The same report as data: its last point is the positions' own P&L.
  CommandResult api = stack_->Omsctl({"-o", "json", "api", "GetReport", R"({"mode": "paper"})"});
  ASSERT_EQ(api.exit_code, 0) << api.err;
  nlohmann::json report = Json(api);
  ASSERT_EQ(report["equity"].size(), 1u) << api.out;
  const nlohmann::json& points = report["equity"][0]["points"];
  ASSERT_EQ(points.size(), 3u) << api.out;  // each run's instant, then now
  EXPECT_TRUE(points.back().value("now", false));
  int64_t realized = 0, unrealized = 0;
  for (const auto& p : report["positions"]) {
    realized += Micros(p["realizedPnl"]);
    unrealized += Micros(p["unrealizedPnl"]);
  }
  EXPECT_NE(realized, 0);
  EXPECT_EQ(Micros(points.back()["realized"]), realized);
  EXPECT_EQ(Micros(points.back()["unrealized"]), unrealized);
  // The first run realized nothing; the sell did.
  EXPECT_EQ(Micros(points[0]["realized"]), 0);
  EXPECT_EQ(Micros(points[1]["realized"]), realized);

  // --since: the curve and runs from then on; the earlier BUY still counts in P&L.
  r = Report({"--mode", "paper", "--since", between_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  html = ReadTextFileForTest(html_);
  EXPECT_THAT(html, HasSubstr("report-sell"));
  EXPECT_THAT(html, Not(HasSubstr("report-buy")));
  EXPECT_EQ(Occurrences(html, "class=\"chart depth-chart\""), 1);

  r = Report({"--since", "yesterday"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--since"));
}

TEST_F(ReportTest, AnEmptyDatabaseGivesAReportThatSaysSo) {
  CommandResult r = Report({"--since", "24h"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = ReadTextFileForTest(html_);
  EXPECT_THAT(html, HasSubstr("Nothing yet"));
  EXPECT_THAT(html, HasSubstr("</html>"));
  EXPECT_THAT(html, Not(HasSubstr("<svg")));
}

TEST_F(ReportTest, ChromiumRendersTheChartsAndTheScreenshotIsNotBlank) {
  if (access(kChromium, X_OK) != 0) GTEST_SKIP() << kChromium << " is not installed";
  ASSERT_NO_FATAL_FAILURE(TradeTwoRuns());
  CommandResult r = Report({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  TempDir browser;
  std::string url = "file://" + html_;

  CommandResult dom = Chromium(browser, "dom-profile", {"--dump-dom", url});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_THAT(dom.out, HasSubstr("class=\"chart equity-curve\""));
  EXPECT_EQ(Occurrences(dom.out, "class=\"chart depth-chart\""), 3);
  EXPECT_THAT(dom.out, HasSubstr("class=\"series total\""));
  EXPECT_THAT(dom.out, HasSubstr("class=\"fill-marker sell\""));

  std::string png = browser.File("report.png");
  CommandResult shot =
      Chromium(browser, "shot-profile", {"--screenshot=" + png, "--window-size=1200,2000", url});
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  // To look at the page: BETTEROMS_REPORT_KEEP=DIR keeps a copy of the report and its screenshot.
  if (const char* keep = std::getenv("BETTEROMS_REPORT_KEEP"); keep != nullptr && *keep != '\0') {
    RunCommand({"/bin/cp", html_, png, keep});
  }
  absl::StatusOr<Image> image = DecodePng(ReadTextFileForTest(png));
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, 1200);
  EXPECT_EQ(image->height, 2000);
  std::set<uint32_t> colours;
  size_t inked = 0;  // pixels clearly darker than the page's background
  for (uint32_t p : image->pixels) {
    colours.insert(p);
    int r8 = static_cast<int>(p >> 24), g8 = static_cast<int>((p >> 16) & 0xff),
        b8 = static_cast<int>((p >> 8) & 0xff);
    if (r8 + g8 + b8 < 600) ++inked;
  }
  // Text, antialiased lines and tinted areas give thousands of colours; a blank page gives one.
  EXPECT_GT(colours.size(), 200u);
  EXPECT_GT(inked, image->pixels.size() / 50) << "colours: " << colours.size();
}

}  // namespace
}  // namespace betteroms::test
