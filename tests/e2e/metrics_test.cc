// Metrics through a real Prometheus: oms-server and oms-signer serve /metrics (--metrics-listen),
// the live stack does some work (a paper plan, a live plan, a tick), Prometheus scrapes both
// and the test reads series back through its HTTP API. promtool checks both expositions.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "oms-server/market/http.h"
#include "oms-server/venue/venue_http.h"
#include "tests/support/live_fixture.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::betteroms::test::FreePort;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPrometheus[] = "/usr/bin/prometheus";
constexpr char kPromtool[] = "/usr/bin/promtool";

std::string Get(const std::string& url) {
  market::CurlTransport http(market::CurlOptions{absl::Seconds(1), absl::Seconds(5)});
  absl::StatusOr<market::HttpResponse> r = http.Request("GET", url, "");
  if (!r.ok()) return "";
  return r->status == 200 ? r->body : "";
}

// The value of the first sample `promql` returns now, or nullopt when there is none yet.
std::optional<double> Query(int prometheus_port, const std::string& promql) {
  std::string body = Get(absl::StrCat("http://127.0.0.1:", prometheus_port,
                                      "/api/v1/query?query=", venue::QueryEscape(promql)));
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || doc.value("status", "") != "success") return std::nullopt;
  const nlohmann::json& result = doc["data"]["result"];
  if (!result.is_array() || result.empty()) return std::nullopt;
  return std::stod(result[0]["value"][1].get<std::string>());
}

// Polls Query until it has a sample (Prometheus scrapes every second here).
std::optional<double> WaitForSample(int prometheus_port, const std::string& promql) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    if (std::optional<double> v = Query(prometheus_port, promql)) return v;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return std::nullopt;
}

class MetricsTest : public LiveFixture {};

TEST_F(MetricsTest, PrometheusScrapesBothProcessesAndReadsTheirSeriesBack) {
  if (access(kPrometheus, X_OK) != 0 || access(kPromtool, X_OK) != 0) {
    GTEST_SKIP() << kPrometheus << " or " << kPromtool
                 << " is missing: install Debian's prometheus package (scripts/deps)";
  }
  int oms_port = FreePort();
  int signer_port = FreePort();
  int prometheus_port = FreePort();
  ASSERT_GT(oms_port, 0);
  ASSERT_GT(signer_port, 0);
  ASSERT_GT(prometheus_port, 0);
  std::string oms_metrics = absl::StrCat("127.0.0.1:", oms_port);
  std::string signer_metrics = absl::StrCat("127.0.0.1:", signer_port);
  LiveStack s({"--metrics-listen", oms_metrics}, {}, {"--metrics-listen", signer_metrics});
  ASSERT_TRUE(s.ok()) << s.error();
  SetBooks(s);
  s.venue().SetCollateral(kLiveAddress, 1'000'000'000);

  // Work: a paper plan, a live plan (signed by the signer, posted to the venue), a tick.
  std::string paper = R"({"planId": "metrics-paper", "mode": "paper", "trades": [)" +
                      MarketBuy(kTokenA, "10") + "]}";
  CommandResult r = s.Omsctl({"plan", "submit", "-"}, paper);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = s.Omsctl({"plan", "submit", "-"}, Plan("metrics-live", {MarketBuy(kTokenA, "20")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = s.Omsctl({"tick"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // A live order over the signer policy's max_order_notional (1000): refused by that rule.
  s.venue().SetCollateral(kLiveAddress, 10'000'000'000);
  r = s.Omsctl({"plan", "submit", "-"},
               Plan("metrics-refused", {LimitBuy(kTokenA, "1500", "0.40")}));
  EXPECT_THAT(r.out + r.err, HasSubstr("max_order_notional"));

  // Both expositions, as Prometheus reads them, pass promtool's checks.
  std::string oms_text = Get("http://" + oms_metrics + "/metrics");
  std::string signer_text = Get("http://" + signer_metrics + "/metrics");
  for (const std::string* text : {&oms_text, &signer_text}) {
    ASSERT_FALSE(text->empty());
    CommandResult check = RunCommand({kPromtool, "check", "metrics"}, {}, *text);
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err << "\n" << *text;
  }
  EXPECT_THAT(oms_text,
              HasSubstr(R"(betteroms_plan_runs_total{mode="paper",status="completed"} 1)"));
  EXPECT_THAT(oms_text,
              HasSubstr(R"(betteroms_plan_runs_total{mode="live",status="completed"} 1)"));
  EXPECT_THAT(oms_text, HasSubstr(R"(grpc_server_handled_total{grpc_code="OK",grpc_method=)"
                                  R"("SubmitPlan",grpc_service="betteroms.v1.OrderManager"} 2)"));
  EXPECT_THAT(oms_text, HasSubstr(R"(betteroms_orders{mode="live",status="filled"} 1)"));
  EXPECT_THAT(oms_text, HasSubstr(R"(betteroms_orders{mode="paper",status="filled"} 1)"));
  EXPECT_THAT(oms_text, HasSubstr(R"(betteroms_tick_duration_seconds_count{result="ok"} 1)"));
  EXPECT_THAT(oms_text, HasSubstr(R"(betteroms_venue_http_request_duration_seconds_count{)"
                                  R"(endpoint="/order",method="POST",status="200"} 1)"));
  EXPECT_THAT(oms_text,
              HasSubstr(R"(betteroms_book_fetch_tokens_total{result="ok",source="clob"})"));
  EXPECT_THAT(oms_text, HasSubstr(R"(betteroms_db_transaction_duration_seconds_count{)"
                                  R"(outcome="committed"})"));
  EXPECT_THAT(oms_text, HasSubstr("betteroms_db_pool_wait_seconds_count"));
  // Labels stay bounded: no token id, order hash or address in any series.
  EXPECT_THAT(oms_text, Not(HasSubstr("0x")));
  EXPECT_THAT(signer_text, HasSubstr(R"(betteroms_signer_signatures_total{kind="order"} 1)"));
  EXPECT_THAT(signer_text,
              HasSubstr(R"(betteroms_signer_refusals_total{rule="max_order_notional"} 1)"));
  // The ClobAuth, the order signed and the order refused: each decision is audited.
  EXPECT_THAT(signer_text, HasSubstr(R"(betteroms_signer_audit_writes_total{result="ok"} 3)"));
  // Those three records are synced in one to three groups, as they arrive.
  EXPECT_THAT(signer_text, ContainsRegex(R"(betteroms_signer_ledger_flush_duration_seconds_count)"
                                         R"(\{result="ok"\} [123][[:space:]])"));
  EXPECT_THAT(signer_text, HasSubstr(R"(grpc_method="SignOrder",grpc_service=)"
                                     R"("betteroms.signer.v1.Signer"})"));

  // A real Prometheus scrapes both and answers queries over its HTTP API.
  s.dir().Write("prometheus.yml", absl::StrCat(R"(global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: oms-server
    static_configs: [{targets: [")",
                                               oms_metrics, R"("]}]
  - job_name: oms-signer
    static_configs: [{targets: [")",
                                               signer_metrics, R"("]}]
)"));
  BackgroundProcess prometheus(
      {kPrometheus, "--config.file=" + s.dir().File("prometheus.yml"),
       "--storage.tsdb.path=" + s.dir().File("tsdb"),
       absl::StrCat("--web.listen-address=127.0.0.1:", prometheus_port), "--log.level=warn"},
      {}, s.dir().File("prometheus.log"));
  std::optional<double> runs = WaitForSample(
      prometheus_port, R"(sum(betteroms_plan_runs_total{job="oms-server",status="completed"}))");
  ASSERT_TRUE(runs.has_value()) << prometheus.Log();
  EXPECT_EQ(*runs, 2);
  std::optional<double> signatures = WaitForSample(
      prometheus_port, R"(betteroms_signer_signatures_total{job="oms-signer",kind="order"})");
  ASSERT_TRUE(signatures.has_value()) << prometheus.Log();
  EXPECT_GE(*signatures, 1);
  EXPECT_EQ(Query(prometheus_port, R"(up{job="oms-server"})"), 1);
  EXPECT_EQ(Query(prometheus_port, R"(up{job="oms-signer"})"), 1);
}

TEST_F(MetricsTest, MetricsBeyondLoopbackNeedTheExplicitFlag) {
  CommandResult refused = RunCommand({OmsServerBin(), "--database-url", "postgresql://nowhere/x",
                                      "--metrics-listen", "0.0.0.0:9464"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("--metrics-public"));
  CommandResult signer = RunCommand({OmsSignerBin(), "--key-file", "/nonexistent",
                                     "--insecure-loopback", "--metrics-listen", "0.0.0.0:9465"});
  EXPECT_EQ(signer.exit_code, 1);
  EXPECT_THAT(signer.err, HasSubstr("--metrics-public"));
}

}  // namespace
}  // namespace betteroms::test
